"""`flask person export|erase EMAIL --campaign SLUG`: personal-data requests from the shell."""

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.auth.operations import find_user
from app.extensions import db
from app.formatting import in_zone, user_clock
from app.models import Campaign, Engagement, User
from app.pdf import PdfError
from app.personal_data.jobs import render_record_pdf
from app.personal_data.operations import (
    PersonalDataError,
    erase_person,
    plan_erasure,
    record_export,
)
from app.personal_data.queries import find_person, person_record


@click.group("person")
def person_cli() -> None:
    """Answer a personal-data request: export or erase one person of a campaign."""


def _find(slug: str, email: str) -> Engagement:
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug=slug))
    if campaign is None:
        raise click.BadParameter(f"no campaign with the slug {slug!r}", param_hint="--campaign")
    engagement = find_person(campaign, email=email)
    if engagement is None:
        raise click.ClickException(f"No one with the email {email} in campaign {slug}.")
    return engagement


def _user(email: str | None) -> User | None:
    """Who is answering the request, for the audit trail (None: recorded as the system)."""
    if not email:
        return None
    user = find_user(email)
    if user is None or not user.active:
        raise click.BadParameter(f"no active user with the email {email}", param_hint="--by")
    return user


by_option = click.option("--by", "by_email", metavar="EMAIL",
                         help="The user answering the request, for the audit trail.")


@person_cli.command("export")
@click.argument("email")
@click.option("--campaign", "slug", required=True, help="The campaign's slug.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write it: FILE.json, or FILE.pdf for the readable document.")
@by_option
@with_appcontext
def export_command(email: str, slug: str, output: Path, by_email: str | None) -> None:
    """Write everything held about the person with EMAIL in the campaign (audited)."""
    engagement = _find(slug, email)
    user = _user(by_email)
    record = person_record(engagement, user_clock().now)
    export_format = "pdf" if output.suffix.lower() == ".pdf" else "json"
    if export_format == "pdf":
        with in_zone(getattr(user, "timezone", None)):
            try:
                body = render_record_pdf(record, engagement.campaign)
            except PdfError as error:
                raise click.ClickException(f"{error} Write FILE.json instead: it has no such "
                                           "limit.") from error
    else:
        body = json.dumps(record, indent=2, ensure_ascii=False).encode()
    try:
        output.write_bytes(body)
    except OSError as error:
        raise click.ClickException(f"Cannot write {output}: {error.strerror}.") from error
    record_export(engagement, user, export_format)
    db.session.commit()
    click.echo(f"Wrote {output}: {len(record['conversations'])} conversations, "
               f"{len(record['objections'])} objections, {len(record['follow_ups'])} follow-ups, "
               f"{len(record['audit_events'])} audit events.")


@person_cli.command("erase")
@click.argument("email")
@click.option("--campaign", "slug", required=True, help="The campaign's slug.")
@click.option("--yes", is_flag=True, help="Erase for real (without it, say what would happen).")
@by_option
@with_appcontext
def erase_command(email: str, slug: str, yes: bool, by_email: str | None) -> None:
    """Erase the details of the person with EMAIL from the campaign (final; needs --yes)."""
    engagement = _find(slug, email)
    user = _user(by_email)
    try:
        plan = plan_erasure(engagement)
    except PersonalDataError as error:
        raise click.ClickException(str(error)) from error
    counts = ", ".join(f"{len(changes)} {kind.replace('_', ' ')}"
                       for kind, changes in sorted(plan.changes.items())) or "no other records"
    summary = (f"{engagement.stakeholder.email} becomes “{plan.name}” ({plan.email}), title "
               f"cleared; {plan.objections_raised} objection statements erased; mentions "
               f"replaced in {counts}; {len(plan.briefings_dropped)} stored briefing PDFs "
               f"removed; {len(plan.audit_events)} audit events rewritten; archived in "
               f"{slug}. Stances, conversations and figures stay.")
    if not yes:
        db.session.rollback()
        raise click.ClickException(f"Not erased: add --yes to erase. It would do this: {summary}")
    erase_person(engagement, user, now=user_clock().now)
    db.session.commit()
    click.echo(f"Erased: {summary}")


commands = (person_cli,)
