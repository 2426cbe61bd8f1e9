"""Accounts managed by admins: invitations, roles, disabling, signing out everywhere and
one-time links to set a password. The web page and `flask users` both come through here,
so the rules (the last active admin stays, disabling ends every session) hold for both.

Every change is audited on the user (entity `user`); never a token or a password.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from flask_mailman import EmailMessage

from app import audit
from app.auth.operations import NO_PASSWORD, UserError, new_user
from app.auth.sessions import end_sessions
from app.campaigns.operations import add_member
from app.extensions import db
from app.models import AccountToken, Campaign, Role, TokenPurpose, User
from app.models.base import utcnow

#: How long an invitation or reset link opens.
LINK_LIFETIME = timedelta(hours=72)
#: Where each kind of link leads (public pages of the account_links blueprint).
LINK_ENDPOINTS = {
    TokenPurpose.invite: "account_links.welcome",
    TokenPurpose.reset: "account_links.reset",
}
#: Audit action of making each kind of link.
LINK_ACTIONS = {TokenPurpose.invite: "invite_link", TokenPurpose.reset: "reset_link"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_invited(user: User) -> bool:
    """Invited and not yet accepted: the account has no password of its own."""
    return user.password_hash == NO_PASSWORD


def status(user: User) -> str:
    """active, disabled or invited (not yet accepted)."""
    if not user.active:
        return "disabled"
    return "invited" if is_invited(user) else "active"


def _active_admin_ids() -> list[int]:
    # Locked on PostgreSQL, so two admins demoting each other at once cannot both pass the
    # last-admin check; SQLite takes one writer at a time anyway.
    return list(db.session.scalars(
        db.select(User.id).where(User.role == Role.admin, User.active.is_(True))
        .with_for_update()
    ))


def _keep_an_admin(user: User, doing: str) -> None:
    if user.role is Role.admin and user.active and _active_admin_ids() == [user.id]:
        raise UserError(
            f"{user.name} is the last active admin: make someone else admin before {doing}."
        )


def issue_link(user: User, purpose: TokenPurpose, author: User | None) -> str:
    """A new one-time link for `user`, valid LINK_LIFETIME; it replaces any earlier link.
    Returns the token: only its hash is stored, so it can be shown this once."""
    token = secrets.token_urlsafe(32)
    link = AccountToken(user_id=user.id, purpose=purpose, token_hash=_digest(token),
                        expires_at=utcnow() + LINK_LIFETIME,
                        created_by_id=getattr(author, "id", None))
    db.session.add(link)
    db.session.flush()
    audit.record(user, LINK_ACTIONS[purpose], {"expires_at": [None, audit.jsonable(
        link.expires_at)]}, user=author)
    return token


def invite_user(author: User | None, email: str, name: str, role: Role,
                campaign: Campaign | None = None, campaign_role: Role | None = None
                ) -> tuple[User, str]:
    """A new user without a password, optionally a member of `campaign`, and the token of
    their invitation link (valid LINK_LIFETIME)."""
    user = new_user(email, name, role)
    db.session.add(user)
    db.session.flush()
    audit.created(user, ("email", "name", "role"), user=author)
    if campaign is not None:
        # Same rules and the same campaign audit entry as a lead adding a member.
        add_member(campaign, author, user.email, campaign_role or Role.champion)
    return user, issue_link(user, TokenPurpose.invite, author)


def change_role(user: User, author: User | None, role: Role) -> dict:
    """Give `user` another global role; the last active admin stays admin."""
    if role is not Role.admin:
        _keep_an_admin(user, "changing their role")
    changes = audit.change(user, {"role": role}, user=author)
    db.session.flush()
    return changes


def disable_user(user: User, author: User | None) -> int:
    """Stop `user` signing in and end every session they have; returns how many ended.
    Their records stay. The last active admin cannot be disabled."""
    if not user.active:
        return 0
    _keep_an_admin(user, "disabling them")
    user.active = False
    ended = end_sessions(user)
    audit.record(user, "disable", {"active": [True, False], "sessions_ended": [None, ended]},
                 user=author)
    db.session.flush()
    return ended


def enable_user(user: User, author: User | None) -> bool:
    """Let a disabled user sign in again; False when they already could."""
    if user.active:
        return False
    audit.change(user, {"active": True}, user=author, action="enable")
    db.session.flush()
    return True


def sign_out_everywhere(user: User, author: User | None) -> int:
    """End every session of `user` on every device; returns how many ended."""
    ended = end_sessions(user)
    audit.record(user, "sign_out", {"sessions_ended": [None, ended]}, user=author)
    db.session.flush()
    return ended


@dataclass
class LinkCheck:
    """What a link opened: its record when it is good, else why not (for a clear page)."""

    link: AccountToken | None
    problem: str | None = None
    #: 404 for a link that never existed, 410 for one that did and no longer opens.
    status: int = 200

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_link(token: str, purpose: TokenPurpose, now: datetime | None = None) -> LinkCheck:
    """Whether `token` is a good link of this purpose: unused, unexpired, the user's newest,
    the user not disabled. Reads only."""
    now = now or utcnow()
    link = db.session.scalar(
        db.select(AccountToken).where(AccountToken.token_hash == _digest(token))
    )
    if link is None or link.purpose is not purpose:
        return LinkCheck(None, "This link is not valid. Check that it was copied whole.", 404)
    if link.used_at is not None:
        return LinkCheck(None, "This link has already been used.", 410)
    if link.expires_at <= now:
        return LinkCheck(None, "This link has expired.", 410)
    newer = db.session.scalar(
        db.select(AccountToken.id)
        .where(AccountToken.user_id == link.user_id, AccountToken.id > link.id).limit(1)
    )
    if newer is not None:
        return LinkCheck(None, "A newer link has replaced this one.", 410)
    if not link.user.active:
        return LinkCheck(None, "This link no longer opens.", 410)
    return LinkCheck(link)


def use_link(link: AccountToken, password: str) -> User:
    """Set the password through a good link: the link is spent, every earlier session of
    the user ends, and the user may sign in. Raises ValueError (the password policy's
    message) when the password is refused, or UserError when the link was spent meanwhile."""
    user = link.user
    user.set_password(password)
    now = utcnow()
    # Spend the link in one conditional write: of two submissions at once, one wins.
    spent = db.session.execute(
        db.update(AccountToken)
        .where(AccountToken.id == link.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise UserError("This link has already been used.")
    ended = end_sessions(user)
    user.last_login_at = now
    action = "accept_invite" if link.purpose is TokenPurpose.invite else "reset_password"
    audit.record(user, action, {"sessions_ended": [None, ended]} if ended else {}, user=user)
    db.session.flush()
    return user


def link_url(purpose: TokenPurpose, token: str) -> str:
    """The link to hand out: PUBLIC_URL, else this request's address, before its path.
    Outside a request and without PUBLIC_URL it is the path alone."""
    path = current_app.url_map.bind("localhost").build(LINK_ENDPOINTS[purpose], {"token": token})
    base = current_app.config.get("PUBLIC_URL") or (
        request.host_url if has_request_context() else "")
    return base.rstrip("/") + path


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def mail_link(user: User, purpose: TokenPurpose, url: str) -> str | None:
    """Email the link to the user when MAIL_SERVER is set. Returns None when sent, else why
    not (for the admin, who can still pass the link on by hand)."""
    if not mail_configured():
        return "Mail is not configured (MAIL_SERVER)."
    if not url.startswith(("http://", "https://")):
        return "Set PUBLIC_URL so that emailed links name the server."
    expires = (utcnow() + LINK_LIFETIME).strftime("%-d %b %Y, %H:%M UTC")
    if purpose is TokenPurpose.invite:
        subject = "Your Groundswell account"
        body = (f"Hello {user.name},\n\nYou have been invited to Groundswell. Open this link "
                f"to choose your password and sign in:\n\n{url}\n\n")
    else:
        subject = "Set a new Groundswell password"
        body = (f"Hello {user.name},\n\nOpen this link to set a new password for "
                f"Groundswell:\n\n{url}\n\n")
    body += (f"The link works once, until {expires}. If you did not expect it, "
             "ignore this email.\n")
    try:
        EmailMessage(subject, body, to=[user.email]).send()
    except OSError as error:  # smtplib's errors are OSErrors: refused, unreachable, timeout
        current_app.logger.warning("Could not email the %s link to user %s: %s",
                                   purpose.name, user.id, error)
        return f"The email could not be sent ({error.__class__.__name__})."
    return None
