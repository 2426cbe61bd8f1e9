"""The erasure's confirmation."""

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class EraseForm(FlaskForm):
    """Erasing cannot be undone, so the button alone is not enough: the box must be ticked."""

    confirm = BooleanField(
        "I understand that this erases their details for good and cannot be undone",
        validators=[DataRequired("Tick the box to confirm the erasure; nothing was erased.")],
    )
