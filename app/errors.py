"""The one kind of refusal an operation raises, and the one way a view shows it."""

from app.extensions import db


class OperationError(ValueError):
    """An operation refused: the form field it concerns (None: the request as a whole) and a
    message for the person who asked. Each feature subclasses it (StakeholderError, ...)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


class RequestError(OperationError):
    """A refusal about the request as a whole, raised with its message alone."""

    def __init__(self, message: str):
        super().__init__(None, message)


def refuse(form, error: OperationError, *, fallback: str | None = None) -> None:
    """Undo what the refused operation wrote and put its message on the form field it
    concerns (else on `fallback`, else above the form), so the form comes back with what
    was typed and the reason."""
    db.session.rollback()
    message = str(error)
    field = getattr(form, error.field, None) if error.field else None
    if field is None and fallback:
        field = getattr(form, fallback)
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]
