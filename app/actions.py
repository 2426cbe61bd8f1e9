"""One-click actions: a POST button that runs one audited operation on a record."""

from flask import flash, redirect
from flask_login import current_user

from app.extensions import db


def one_click(operation, record, message: str, target: str, category: str = "success"):
    """Run `operation(record, current_user)`, commit, say `message` and go to `target`."""
    operation(record, current_user)
    db.session.commit()
    flash(message, category)
    return redirect(target)
