"""`flask demo`: load the demo campaigns (once), or `--reset` them to a fresh copy."""

import click
from flask.cli import with_appcontext

from app.demo.operations import (
    CLAIMS_SLUG,
    demo_campaign,
    demo_logins,
    load_demo,
    unload_demo,
)
from app.extensions import db
from app.formatting import user_clock


def _print_logins() -> None:
    click.echo("Demo sign-ins (demo only, never use these passwords for real accounts):")
    for login in demo_logins():
        click.echo(f"  {login.role:<9} {login.email:<41} {login.password:<24} "
                   f"sees {login.sees}")


@click.command("demo")
@click.option("--reset", is_flag=True,
              help="Delete the demo campaigns, their people and demo users, then load them again.")
@with_appcontext
def demo_command(reset: bool) -> None:
    """Load the demo campaigns (Northmoor Connect and the smaller Claims Answers) with
    their people, history and users."""
    if reset:
        if unload_demo():
            db.session.commit()
            click.echo("Removed the previous demo campaigns, their people and the demo users.")
    elif (campaign := demo_campaign()) is not None and demo_campaign(CLAIMS_SLUG) is not None:
        click.echo(f"The demo is already loaded ({campaign.name}); nothing changed. "
                   "Use --reset to start it afresh.")
        _print_logins()
        return
    summary = load_demo(user_clock())
    db.session.commit()
    if summary.campaign is not None:
        click.echo(
            f"Loaded the demo campaign {summary.campaign.name}: {summary.people} people, "
            f"{summary.conversations} conversations, {summary.objections} objections, "
            f"{summary.follow_ups} follow-ups from the story."
        )
    if summary.second is not None:
        click.echo(
            f"Loaded the second demo campaign {summary.second.name}: "
            f"{summary.second_people} people, {summary.second_shared} of them with the same "
            "email as someone in Northmoor Connect, recorded as this campaign knows them."
        )
    _print_logins()


commands = (demo_command,)
