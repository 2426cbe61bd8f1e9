"""`flask users ...`: manage who can sign in."""

import sys

import click
from flask.cli import with_appcontext

from app.auth.operations import UserError, create_user, find_user, replace_password
from app.auth.sessions import end_sessions
from app.extensions import db
from app.models import Role, User

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
    """Create, list and disable users; set a user's password."""


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
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email}\t{user.name}\t{user.role.value}\t{state}")


@users_cli.command("disable")
@click.argument("email")
@with_appcontext
def disable(email):
    """Stop a user signing in; their records stay."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    user.active = False
    ended = end_sessions(user)
    db.session.commit()
    click.echo(f"Disabled {user.email}; ended {ended} session(s).")


commands = (users_cli,)
