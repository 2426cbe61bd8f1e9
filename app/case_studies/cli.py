"""`flask case-studies check|list`: validate and list the case-study library."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.case_studies.library import load_library

case_studies_cli = AppGroup("case-studies", help="Check and list the case-study library.")


directory_option = click.option(
    "--dir", "directory", type=click.Path(), help="Library folder (default: CASE_STUDIES_DIR)."
)


def _directory(directory: str | None) -> str:
    return directory or current_app.config["CASE_STUDIES_DIR"]


@case_studies_cli.command("check")
@directory_option
def check(directory: str | None) -> None:
    """Validate every case study; exit 1 when any file is broken."""
    library = load_library(_directory(directory))
    for name in library.files:
        problems = library.errors_for(name)
        if not problems:
            click.echo(f"OK     {name}")
        for problem in problems:
            click.echo(f"ERROR  {problem}")
    # Errors not tied to a .md file, such as a missing folder.
    for problem in library.errors:
        if problem.file not in library.files:
            click.echo(f"ERROR  {problem}")
    broken = len({problem.file for problem in library.errors})
    click.echo(f"{len(library.studies)} case studies loaded, {broken} broken.")
    if library.errors:
        raise SystemExit(1)
    if not library.files:
        click.echo("No case studies found.")
        raise SystemExit(1)


@case_studies_cli.command("list")
@directory_option
def list_studies(directory: str | None) -> None:
    """List the case studies: slug, organisation, title, themes answered."""
    library = load_library(_directory(directory))
    for study in library.all():
        flags = " [cautionary]" if study.cautionary else ""
        flags += " [illustrative]" if study.illustrative else ""
        click.echo(f"{study.slug:<28} {study.organisation:<24} {study.title}{flags}")
        click.echo(f"{'':<28} answers: {', '.join(study.answers)}")
    if library.errors:
        click.echo(f"({len({e.file for e in library.errors})} broken file(s) left out; "
                   "run `flask case-studies check`)", err=True)


commands = (case_studies_cli,)
