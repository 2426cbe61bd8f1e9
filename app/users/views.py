"""The Users page (admins only): who can sign in, invitations, roles, disabling, signing
out everywhere and reset links. Also the public pages those links open."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user

from app.access import refuse_access, user_campaigns
from app.auth.operations import UserError
from app.auth.passwords import PasswordRefused
from app.auth.sessions import current_session, end_session, start_session
from app.campaigns.operations import CampaignError
from app.errors import refuse
from app.extensions import db
from app.formatting import user_zone
from app.models import Role, TokenPurpose, User
from app.users import operations, queries
from app.users.forms import STATUS_CHOICES, ActionForm, InviteForm, RoleForm, SetPasswordForm

bp = Blueprint("users", __name__, url_prefix="/users")
#: The pages invitation and reset links open: public, the token is the credential.
links_bp = Blueprint("account_links", __name__)
#: The copy button's script, served as a file (no inline script).
assets = Blueprint("user_assets", __name__, static_folder="static",
                   static_url_path="/assets/users")
blueprints = (bp, links_bp, assets)


@bp.before_request
def admins_only():
    """Every route of the Users page, whatever its method, is for admins alone."""
    if current_user.is_authenticated and not current_user.is_admin:
        refuse_access(403, "admins only", "Only admins manage users.")


def _user(user_id: int) -> User:
    user = queries.account(user_id)
    if user is None:
        abort(404)
    return user


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1


@bp.get("/")
def index():
    """Everyone who can sign in, with role, status, last sign-in, sessions and campaigns."""
    search = request.args.get("q", "").strip()[:100]
    role = Role.parse(request.args.get("role"))
    status = request.args.get("status", "")
    pagination = queries.user_list(search, role, status, _page_number(),
                                   current_app.config["PER_PAGE"])
    return render_template(
        "users/index.html", pagination=pagination, search=search, role=role,
        sessions=queries.live_session_counts(pagination.items),
        status=status if status in queries.STATUSES else "", status_choices=STATUS_CHOICES,
        status_of=operations.status,
    )


def _link_issued(user: User, purpose: TokenPurpose, token: str, status: int = 200):
    """The page that shows a new link, the one time its token is known."""
    url = operations.link_url(purpose, token)
    mail_problem = operations.mail_link(user, purpose, url) if operations.mail_configured() \
        else None
    response = current_app.make_response((render_template(
        "users/link.html", user=user, purpose=purpose, url=url,
        emailed=operations.mail_configured() and mail_problem is None,
        mail_problem=mail_problem, expires_at=queries.pending_link(user).expires_at,
    ), status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/invite", methods=["GET", "POST"])
def invite():
    """Invite someone: an account without a password and a one-time link to choose one."""
    campaigns = user_campaigns(current_user)
    form = InviteForm(campaigns)
    if form.validate_on_submit():
        campaign = None
        if form.campaign.data:
            campaign = queries.campaign(int(form.campaign.data))
        try:
            user, token = operations.invite_user(
                current_user, form.email.data, form.name.data, Role[form.role.data],
                campaign, Role[form.campaign_role.data])
        except (UserError, CampaignError) as error:
            refuse(form, error, fallback="email")
        else:
            return _link_issued(user, TokenPurpose.invite, token, 201)
    status = 400 if request.method == "POST" else 200
    return render_template("users/invite.html", form=form), status


def _show(user: User, error: str | None = None, status: int = 200):
    role_form = RoleForm(formdata=None, role=user.role.name)
    return render_template(
        "users/show.html", user=user, status_name=operations.status(user),
        sessions=queries.live_session_count(user), memberships=queries.memberships(user),
        link=queries.pending_link(user), trail=queries.audit_trail(user, user_zone()),
        role_form=role_form, error=error,
    ), status


@bp.get("/<int:user_id>")
def show(user_id: int):
    """One account: status, role, campaigns, sessions, its pending link and audit trail."""
    return _show(_user(user_id))


def _after(user: User, message: str):
    """Say what happened and go back to the account, or away if the admin locked themself
    out of this page."""
    flash(message, "success")
    if not current_user.is_active or not current_user.is_admin:
        return redirect(url_for("main.index"))
    return redirect(url_for("users.show", user_id=user.id))


def _run(user: User, action, *args):
    """Run one operation for the Users page; a refusal comes back on the account page."""
    if not ActionForm().validate():
        abort(400)
    try:
        result = action(user, current_user, *args)
    except UserError as error:
        db.session.rollback()  # the page shows the account as it is stored
        return None, _show(user, str(error), 400)
    return result, None


@bp.post("/<int:user_id>/role")
def role(user_id: int):
    """Change someone's global role (the last active admin stays admin)."""
    user = _user(user_id)
    form = RoleForm()
    if not form.validate():
        return _show(user, "Pick one of admin, lead, champion or viewer.", 400)
    changes, refused = _run(user, operations.change_role, Role[form.role.data])
    if refused:
        return refused
    if not changes:
        flash("Nothing changed.", "info")
        return redirect(url_for("users.show", user_id=user.id))
    return _after(user, f"{user.name} is now {user.role.label.lower()}.")


@bp.post("/<int:user_id>/disable")
def disable(user_id: int):
    """Stop someone signing in; every session they have ends at once."""
    user = _user(user_id)
    ended, refused = _run(user, operations.disable_user)
    if refused:
        return refused
    return _after(user, f"{user.name} is disabled; {ended} session(s) ended.")


@bp.post("/<int:user_id>/enable")
def enable(user_id: int):
    """Let a disabled user sign in again."""
    user = _user(user_id)
    _changed, refused = _run(user, operations.enable_user)
    if refused:
        return refused
    return _after(user, f"{user.name} may sign in again.")


@bp.post("/<int:user_id>/signout")
def sign_out(user_id: int):
    """End every session of the user, on every device."""
    user = _user(user_id)
    ended, refused = _run(user, operations.sign_out_everywhere)
    if refused:
        return refused
    return _after(user, f"{user.name} is signed out everywhere; {ended} session(s) ended.")


@bp.post("/<int:user_id>/link")
def new_link(user_id: int):
    """A new one-time link: an invitation while the user has no password, else a reset."""
    user = _user(user_id)
    if not ActionForm().validate():
        abort(400)
    if not user.active:
        return _show(user, f"{user.name} is disabled: re-enable them first.", 400)
    purpose = TokenPurpose.invite if operations.is_invited(user) else TokenPurpose.reset
    token = operations.issue_link(user, purpose, current_user)
    return _link_issued(user, purpose, token)


# --- The public pages the links open ----------------------------------------------------------


def _set_password(token: str, purpose: TokenPurpose, template: str):
    check = operations.check_link(token, purpose)
    if not check.ok:
        response = current_app.make_response((render_template(
            "users/link_invalid.html", problem=check.problem), check.status))
        response.headers["Cache-Control"] = "no-store"
        return response
    form = SetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = operations.use_link(check.link, form.password.data)
        except UserError as error:
            return render_template("users/link_invalid.html", problem=str(error)), 410
        except PasswordRefused as error:
            refuse(form, error, fallback="password")
            status = 400
        else:
            # Whoever was signed in on this browser is signed out; then a fresh session.
            if current_user.is_authenticated:  # loads the browser's session, if any
                previous = current_session()
                if previous is not None and previous.user_id != user.id:
                    end_session(previous)
            session.clear()
            start_session(user, remember=False)
            login_user(user)
            flash(f"Welcome, {user.name}. Your password is set and you are signed in.",
                  "success")
            return redirect(url_for("main.index"))
    elif request.method == "POST":
        status = 400
    response = current_app.make_response((render_template(
        template, form=form, user=check.link.user), status))
    response.headers["Cache-Control"] = "no-store"
    return response


@links_bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    """An invitation: the new user chooses their password and is signed in."""
    return _set_password(token, TokenPurpose.invite, "users/welcome.html")


@links_bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """A reset link: set a new password; every earlier session of the account ends."""
    return _set_password(token, TokenPurpose.reset, "users/reset.html")
