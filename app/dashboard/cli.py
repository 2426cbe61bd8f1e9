"""`flask report render`: the sponsor report PDF from the command line."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.dashboard.jobs import render_report
from app.dashboard.metrics import Filters, Scope
from app.extensions import db
from app.formatting import user_clock
from app.inputs import FIRST_YEAR, LAST_YEAR
from app.models import Campaign
from app.pdf import PdfError


@click.group("report")
def report_cli() -> None:
    """Sponsor reports on a campaign's progress."""


@report_cli.command("render")
@click.option("--campaign", "slug", required=True, help="The campaign's slug, as in its URL.")
@click.option("--from", "date_from", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "date_to", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Last day of the period (YYYY-MM-DD); stances are shown as of its end.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF.")
@with_appcontext
def render_command(slug: str, date_from, date_to, output: Path) -> None:
    """Write the sponsor report PDF of a campaign, as /campaigns/SLUG/report.pdf serves it."""
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug=slug))
    if campaign is None:
        raise click.BadParameter(f"no campaign with the slug {slug!r}", param_hint="--campaign")
    date_from = date_from.date() if date_from else None
    date_to = date_to.date() if date_to else None
    for hint, day in (("--from", date_from), ("--to", date_to)):
        if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise click.BadParameter(f"give a date between {FIRST_YEAR} and {LAST_YEAR}",
                                     param_hint=hint)
    if date_from and date_to and date_from > date_to:
        raise click.BadParameter("--from is after --to")
    scope = Scope.on(campaign, Filters(date_from=date_from, date_to=date_to), user_clock())
    try:
        pdf = render_report(scope)
    except PdfError as error:
        raise click.ClickException(str(error)) from error
    try:
        output.write_bytes(pdf)
    except OSError as error:
        raise click.ClickException(f"Cannot write {output}: {error.strerror}.") from error
    click.echo(f"Wrote the {campaign.name} report to {output} ({len(pdf) // 1024} KB).")


commands = (report_cli,)
