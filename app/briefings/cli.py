"""`flask briefing render ...`: the briefing builder from the command line."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.briefings import operations
from app.briefings.builder import MAX_MINUTES, MIN_MINUTES, build_briefing, load_attendees
from app.briefings.jobs import render_within_budget
from app.extensions import db
from app.formatting import in_zone, user_clock
from app.inputs import FIRST_YEAR, LAST_YEAR
from app.models import Campaign, Engagement, Level, Membership, Role, Stakeholder, User
from app.pdf import PdfError


@click.group("briefing")
def briefing_cli():
    """Build briefings without the browser."""


def _author(campaign: Campaign, email: str | None) -> User:
    if email:
        user = db.session.scalar(
            db.select(User).where(db.func.lower(User.email) == email.strip().lower())
        )
        if user is None or not user.active:
            raise click.ClickException(f"No active user with the email {email}.")
        return user
    user = db.session.scalar(
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.campaign_id == campaign.id, Membership.role == Role.lead,
               User.active.is_(True))
        .order_by(Membership.added_at, User.id)
    )
    if user is None:
        raise click.ClickException(
            f"Campaign {campaign.slug} has no lead to record as the author; pass --by EMAIL."
        )
    return user


def _attendees(campaign: Campaign, emails) -> list[Engagement]:
    wanted = [email.strip().lower() for email in emails]
    rows = db.session.execute(
        db.select(Engagement.id, db.func.lower(Stakeholder.email))
        .join(Stakeholder, Engagement.stakeholder_id == Stakeholder.id)
        .where(Engagement.campaign_id == campaign.id,
               db.func.lower(Stakeholder.email).in_(wanted))
    ).all()
    found = {email: engagement_id for engagement_id, email in rows}
    missing = [email for email in emails if email.strip().lower() not in found]
    if missing:
        raise click.ClickException(
            f"Not in campaign {campaign.slug}: {', '.join(missing)}."
        )
    return load_attendees(campaign, [found[email] for email in wanted])


@briefing_cli.command("render")
@click.option("--campaign", "slug", required=True, help="The campaign's slug.")
@click.option(
    "--audience",
    required=True,
    type=click.Choice([level.name for level in Level], case_sensitive=False),
    help="Who the briefing is for.",
)
@click.option("--attendee", "attendees", multiple=True, metavar="EMAIL",
              help="A stakeholder attending; repeat for each.")
@click.option("--minutes", type=click.IntRange(MIN_MINUTES, MAX_MINUTES),
              help="Length of the slot (default 60).")
@click.option("--meeting", "meeting_on", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Meeting date, YYYY-MM-DD.")
@click.option("--introduction", default="", help="Opening text (Markdown).")
@click.option("--by", "by_email", metavar="EMAIL",
              help="Who generated it (default: the campaign's first lead).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF.")
@with_appcontext
def render(slug, audience, attendees, minutes, meeting_on, introduction, by_email, output):
    """Generate and keep a briefing, write its PDF, and report pages and landmine words."""
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug=slug))
    if campaign is None:
        raise click.ClickException(f"No campaign with the slug {slug!r}.")
    if len(introduction) > 5000:
        raise click.ClickException("The introduction is longer than 5,000 characters.")
    if meeting_on and not FIRST_YEAR <= meeting_on.year <= LAST_YEAR:
        raise click.BadParameter(f"give a date between {FIRST_YEAR} and {LAST_YEAR}",
                                 param_hint="--meeting")
    level = Level[audience.lower()]
    author = _author(campaign, by_email)
    engagements = _attendees(campaign, attendees)

    # Dates are shown in the author's time zone (the app's default without --by).
    with in_zone(getattr(author, "timezone", None)):
        draft = build_briefing(
            campaign,
            level,
            engagements,
            meeting_on=meeting_on.date() if meeting_on else None,
            minutes=minutes,
            introduction=introduction,
        )
        try:
            pdf = render_within_budget(draft)
            briefing = operations.generate_briefing(draft, author, pdf, user_clock())
        except PdfError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
    try:
        output.write_bytes(briefing.pdf)
    except OSError as error:
        db.session.rollback()
        raise click.ClickException(f"Cannot write {output}: {error.strerror}.") from error
    db.session.commit()

    click.echo(f"Wrote {output} (briefing {briefing.id}, sha256 {briefing.pdf_sha256}).")
    click.echo(f"Pages: {draft.budget_status}.")
    for item in draft.items:
        if item.fitted:
            click.echo(f"Left out to fit the {draft.budget_pages}-page budget: {item.title}.")
    click.echo(
        f"Contains {len(draft.message_ids)} key messages, "
        f"{len(draft.objection_ids)} attendee objections, "
        f"case studies: {', '.join(draft.case_study_slugs) or 'none'}."
    )
    if draft.hits:
        click.echo(f"Landmine words for {level.name}s:")
        for hit in draft.hits:
            click.echo(f"  {hit.word!r} x{hit.count} -> say {hit.suggestion!r}: {hit.context}")
            click.echo(f"    in {'; '.join(hit.places)}")
    else:
        click.echo(f"No landmine words for {level.name}s.")


commands = (briefing_cli,)
