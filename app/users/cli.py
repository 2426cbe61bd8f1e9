"""`flask users ...`: manage who can sign in, through the same operations as the Users page."""

import sys

import click
from flask.cli import with_appcontext

from app import audit
from app.auth.operations import UserError, create_user, find_user, replace_password
from app.campaigns.operations import CampaignError
from app.extensions import db
from app.models import Campaign, Role, TokenPurpose, User
from app.users import operations

ROLE_NAMES = [role.name for role in Role]

PASSWORD_STDIN_HELP = ("Read the password from standard input (all of it, less one final "
                       "line break).")


def _read_password(from_stdin: bool) -> str:
    """The password typed twice at a prompt, or piped in (a final newline is not part of it)."""
    if from_stdin:
        text = sys.stdin.read()
        return text[:-2] if text.endswith("\r\n") else text.removesuffix("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users")
def users_cli():
    """Create, invite, list, disable and re-enable users; roles, passwords, sign-outs and
    reset links."""


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name shown in the app.")
@click.option(
    "--role", type=click.Choice([role.name for role in Role]), default="champion", show_default=True
)
@click.option("--password-stdin", is_flag=True, help=PASSWORD_STDIN_HELP)
@with_appcontext
def create(email, name, role, password_stdin):
    """Create a user; the password is prompted twice unless --password-stdin."""
    password = _read_password(password_stdin)
    try:
        user = create_user(email, name, Role[role], password)
    except UserError as error:
        raise click.ClickException(str(error)) from error
    audit.created(user, ("email", "name", "role"), user=None)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help=PASSWORD_STDIN_HELP)
@with_appcontext
def set_password(email, password_stdin):
    """Give a user a new password (prompted twice unless --password-stdin); every session of
    theirs ends."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    password = _read_password(password_stdin)
    try:
        ended = replace_password(user, password, by=None)
    except UserError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"New password set for {user.email}; ended {ended} session(s).")


@users_cli.command("list")
@with_appcontext
def list_users():
    """List users with their role and whether they can sign in."""
    for user in db.session.scalars(db.select(User).order_by(User.email)):
        state = operations.status(user)
        click.echo(f"{user.email}\t{user.name}\t{user.role.value}\t{state}")


def _user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    return user


def _run(operation, *args):
    """Run one audited operation from the command line (no admin: the event's user is
    empty) and commit; a refusal is the command's error."""
    try:
        result = operation(*args)
    except UserError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    return result


def _hand_out(user: User, purpose: TokenPurpose, token: str) -> None:
    url = operations.link_url(purpose, token)
    click.echo(url)
    if url.startswith("/"):
        click.echo("Put the address people open Groundswell at before it "
                   "(set PUBLIC_URL to print the whole link).", err=True)
    if operations.mail_configured():
        problem = operations.mail_link(user, purpose, url)
        click.echo(f"Not emailed: {problem}" if problem else f"Emailed to {user.email}.",
                   err=True)
    click.echo(f"The link works once, for {operations.LINK_LIFETIME.days * 24} hours.", err=True)


@users_cli.command("invite")
@click.argument("email")
@click.option("--name", required=True, help="Full name shown in the app.")
@click.option("--role", type=click.Choice(ROLE_NAMES), default="champion", show_default=True)
@click.option("--campaign", "campaign_slug", help="Also make them a member of this campaign.")
@click.option("--campaign-role", type=click.Choice(["lead", "champion", "viewer"]),
              default="champion", show_default=True, help="Their role in --campaign.")
@with_appcontext
def invite(email, name, role, campaign_slug, campaign_role):
    """Create a user without a password and print the link where they choose one."""
    campaign = None
    if campaign_slug:
        campaign = db.session.scalar(db.select(Campaign).filter_by(slug=campaign_slug))
        if campaign is None:
            raise click.ClickException(f"No campaign {campaign_slug}.")
    try:
        user, token = operations.invite_user(None, email, name, Role[role], campaign,
                                             Role[campaign_role])
    except (UserError, CampaignError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Invited {user.role.value} {user.email}. Their link:", err=True)
    _hand_out(user, TokenPurpose.invite, token)


@users_cli.command("disable")
@click.argument("email")
@with_appcontext
def disable(email):
    """Stop a user signing in and end all their sessions; their records stay."""
    user = _user(email)
    ended = _run(operations.disable_user, user, None)
    click.echo(f"Disabled {user.email}; ended {ended} session(s).")


@users_cli.command("enable")
@click.argument("email")
@with_appcontext
def enable(email):
    """Let a disabled user sign in again."""
    user = _user(email)
    changed = _run(operations.enable_user, user, None)
    click.echo(f"Re-enabled {user.email}." if changed else f"{user.email} was not disabled.")


@users_cli.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLE_NAMES))
@with_appcontext
def role(email, role):
    """Give a user another global role (the last active admin stays admin)."""
    user = _user(email)
    changes = _run(operations.change_role, user, None, Role[role])
    click.echo(f"{user.email} is now {user.role.value}." if changes
               else f"{user.email} was already {user.role.value}.")


@users_cli.command("signout")
@click.argument("email")
@with_appcontext
def signout(email):
    """End every session of a user, on every device."""
    user = _user(email)
    ended = _run(operations.sign_out_everywhere, user, None)
    click.echo(f"Signed {user.email} out everywhere; ended {ended} session(s).")


@users_cli.command("reset-link")
@click.argument("email")
@with_appcontext
def reset_link(email):
    """Print a one-time link where the user sets a new password (a new invitation link
    for someone who has not accepted theirs)."""
    user = _user(email)
    if not user.active:
        raise click.ClickException(f"{user.email} is disabled: `flask users enable` first.")
    purpose = TokenPurpose.invite if operations.is_invited(user) else TokenPurpose.reset
    token = _run(operations.issue_link, user, purpose, None)
    _hand_out(user, purpose, token)


commands = (users_cli,)
