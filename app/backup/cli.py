"""`flask backup -o FILE` and `flask restore FILE`: the whole database as one portable file."""

import os
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.backup.archive import EXCLUDED_TABLES, BackupError
from app.backup.operations import restore_backup
from app.backup.queries import write_backup
from app.extensions import db

#: How many emails the restore names before it only counts the rest.
NAMED_USERS = 20


@click.command("backup")
@click.option("-o", "--output", required=True, metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the backup (gzip-compressed JSON lines, e.g. backup.jsonl.gz).")
@click.option("--with-credentials", is_flag=True,
              help="Keep users' password hashes, so that they can sign in after a restore. "
                   "Keep such a file as safe as the database itself.")
@click.option("--no-timestamp", is_flag=True,
              help="Leave out when the backup was made, so that two backups of the same data "
                   "are identical files.")
@with_appcontext
def backup_command(output: Path, with_credentials: bool, no_timestamp: bool) -> None:
    """Write every campaign, person, conversation, objection, briefing, user and audit event
    to FILE, for `flask restore` into an empty database of either kind."""
    # Written under another name first, readable by this user only (it holds personal
    # data), and renamed when complete: FILE is never a half-written backup.
    try:
        handle, partial = tempfile.mkstemp(dir=output.resolve().parent,
                                           prefix=f".{output.name}.")
    except OSError as error:
        raise click.ClickException(f"Cannot write {output}: {error.strerror}.") from None
    try:
        with os.fdopen(handle, "wb") as stream, db.engine.connect() as connection:
            summary = write_backup(connection, stream, with_credentials=with_credentials,
                                   timestamp=not no_timestamp)
        os.replace(partial, output)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    click.echo(f"Wrote {output}: {sum(summary.rows.values())} rows of {len(summary.rows)} "
               f"tables, at revision {summary.revision}.")
    click.echo(f"Left out: {', '.join(sorted(EXCLUDED_TABLES))} (sign-ins, throttle counters "
               "and one-time links).")
    if not with_credentials:
        click.echo("Password hashes are left out: after a restore, users sign in again once "
                   "an admin sends them a reset link (--with-credentials keeps them).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Load a backup made by `flask backup` into this database, which must be empty and
    migrated (`flask db upgrade`) to the backup's revision. All or nothing."""
    try:
        with file.open("rb") as stream:
            summary = restore_backup(stream, file.name)
    except BackupError as error:
        db.session.rollback()
        raise click.ClickException(f"{error} Nothing was restored.") from None
    db.session.commit()
    made = summary.header.created_at or "at an unrecorded time"
    click.echo(f"Restored {sum(summary.rows.values())} rows of {len(summary.rows)} tables from "
               f"{file.name} (made {made}, revision {summary.header.revision}).")
    if summary.without_password:
        emails = summary.without_password
        named = ", ".join(emails[:NAMED_USERS])
        more = f" and {len(emails) - NAMED_USERS} more" if len(emails) > NAMED_USERS else ""
        click.echo(
            f"{len(emails)} users have no password: the backup was made without "
            f"--with-credentials. None of them can sign in until an admin sends them a reset "
            f"link (`flask --app app users reset-link EMAIL`, or Users on the web once an admin "
            f"can sign in): {named}{more}.")
    click.echo("Everyone is signed out; invitation and reset links made before the backup no "
               "longer open.")


commands = (backup_command, restore_command)
