"""The Account page: change your password, see and end your sign-in sessions, pick your time
zone. Every signed-in user has one; it only ever shows and changes their own account."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from app.account import operations
from app.account.forms import PasswordForm, SessionButtonForm, TimeZoneForm
from app.account.operations import AccountError
from app.account.queries import session_of, sessions_of
from app.auth import throttle
from app.auth.sessions import current_session
from app.errors import refuse
from app.transaction import keep_writes

bp = Blueprint(
    "account", __name__, url_prefix="/account",
    static_folder="static", static_url_path="/assets/account",
)


def _page(password_form=None, timezone_form=None, status=200):
    user = current_user._get_current_object()
    if timezone_form is None:
        timezone_form = TimeZoneForm(formdata=None, timezone=user.timezone or "")
    return render_template(
        "account/index.html",
        password_form=password_form or PasswordForm(formdata=None),
        timezone_form=timezone_form,
        sessions=sessions_of(user, current_session()),
    ), status


@bp.get("")
def index():
    """Your password, where you are signed in, your time zone."""
    return _page()


@bp.post("/password")
def password():
    """Change the password: the current one first, the new one twice. Every other session
    ends and this one is replaced, so cookies copied before the change open nothing.

    A wrong current password counts as a failed sign-in for the account: someone at an
    unlocked screen cannot guess their way past the sign-in throttle here."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        address = request.remote_addr or "unknown"
        refusal = throttle.check(user.email, address)
        if refusal is not None:
            form.current_password.errors.append(refusal.message)
            response, _ = _page(password_form=form)
            return response, 429, {"Retry-After": str(refusal.retry_after)}
        try:
            ended = operations.change_password(
                user, form.current_password.data, form.new_password.data)
        except AccountError as error:
            refuse(form, error)
            if error.field == "current_password":
                throttle.record_failure(user.email, address)
                keep_writes()
        else:
            remember = operations.rotate_session(user)
            login_user(user, remember=remember)
            flash("Your password is changed." + (
                f" {ended} other {'session' if ended == 1 else 'sessions'} signed out."
                if ended else ""), "success")
            return redirect(url_for("account.index"))
    return _page(password_form=form, status=400)


@bp.post("/timezone")
def timezone():
    """Pick the zone dates are shown and typed in."""
    form = TimeZoneForm()
    if not form.validate_on_submit():
        return _page(timezone_form=form, status=400)
    changes = operations.set_time_zone(current_user._get_current_object(), form.timezone.data)
    if changes:
        flash(f"Dates are now shown in {form.timezone.data or 'the default time zone'}.",
              "success")
    else:
        flash("Nothing changed.", "info")
    return redirect(url_for("account.index"))


@bp.post("/sessions/<int:session_id>/end")
def end_session(session_id: int):
    """Sign one of your other devices out."""
    if not SessionButtonForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    user_session = session_of(user, session_id)
    if user_session is None:
        abort(404, "That session has already ended, or is not yours.")
    this = current_session()
    if this is not None and user_session.id == this.id:
        abort(400, "That is the device you are using: use Sign out to end its session.")
    operations.end_device_session(user, user_session)
    flash("That device is signed out.", "success")
    return redirect(url_for("account.index"))


@bp.post("/sessions/end-others")
def end_other_sessions():
    """Sign out everywhere but this device."""
    if not SessionButtonForm().validate_on_submit():
        abort(400)
    ended = operations.end_other_sessions(current_user._get_current_object())
    flash(f"Signed out of {ended} other {'session' if ended == 1 else 'sessions'}."
          if ended else "You were not signed in anywhere else.", "success" if ended else "info")
    return redirect(url_for("account.index"))
