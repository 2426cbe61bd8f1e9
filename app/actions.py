"""One-click actions: a POST button that runs one audited operation on a record."""

from flask import flash, redirect
from flask_login import current_user


def one_click(operation, record, message: str, target: str, category: str = "success"):
    """Run `operation(record, current_user)`, say `message` and go to `target` (the redirect
    commits, at the request's commit point)."""
    operation(record, current_user)
    flash(message, category)
    return redirect(target)
