"""`flask demo`: load the demo campaign (once), or `--reset` it to a fresh copy."""

import click
from flask.cli import with_appcontext

from app.demo.operations import demo_campaign, demo_logins, load_demo, unload_demo
from app.extensions import db


def _print_logins() -> None:
    click.echo("Demo sign-ins (demo only, never use these passwords for real accounts):")
    for login in demo_logins():
        click.echo(f"  {login.role:<9} {login.email:<34} {login.password}")


@click.command("demo")
@click.option("--reset", is_flag=True,
              help="Delete the demo campaign, its people and demo users, then load it again.")
@with_appcontext
def demo_command(reset: bool) -> None:
    """Load the Northmoor Connect demo campaign with its people, history and users."""
    if reset:
        if unload_demo():
            db.session.commit()
            click.echo("Removed the previous demo campaign, its people and the demo users.")
    elif (campaign := demo_campaign()) is not None:
        click.echo(f"The demo is already loaded ({campaign.name}); nothing changed. "
                   "Use --reset to start it afresh.")
        _print_logins()
        return
    summary = load_demo()
    db.session.commit()
    click.echo(
        f"Loaded the demo campaign {summary.campaign.name}: {summary.people} people, "
        f"{summary.conversations} conversations, {summary.objections} objections, "
        f"{summary.follow_ups} follow-ups from the story."
    )
    _print_logins()


commands = (demo_command,)
