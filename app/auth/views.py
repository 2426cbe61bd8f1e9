import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from app.auth import throttle
from app.auth.forms import LoginForm
from app.auth.operations import authenticate
from app.auth.sessions import current_session, end_session, start_session
from app.logs import email_digest
from app.transaction import keep_writes

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a signed-in user to another host."""
    if (
        target
        and urlsplit(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        refusal = throttle.check(form.email.data, address)
        if refusal is not None:
            log.warning("sign-in throttled", extra={
                "email_sha256": email_digest(form.email.data), "client": address})
            return (render_template("auth/login.html", form=form, refusal=refusal.message), 429,
                    {"Retry-After": str(refusal.retry_after)})
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            # A fresh session: nothing set before sign-in (a planted cookie) carries over.
            session.clear()
            start_session(user, remember=form.remember.data)
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        log.warning("sign-in failed", extra={
            "email_sha256": email_digest(form.email.data), "client": address})
        throttle.record_failure(form.email.data, address)
        keep_writes()
        form.password.errors.append("That email and password do not match an active account.")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    user_session = current_session()
    if user_session is not None:
        end_session(user_session)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
