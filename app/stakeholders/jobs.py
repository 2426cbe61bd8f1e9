"""The stakeholder CSV import, run by a job worker: the request only stores the file.

Checking: every row is parsed and checked (read_import) with "Checking rows: N of M" on
the job's page. Any problem refuses the job with the per-row report in its outcome, and
nothing is written.

Saving: a 10,000-row file is about 50,000 rows (people, engagements, starting stances,
two audit events each). Even as multi-row INSERTs that takes seconds, and on SQLite one
transaction that long would hold the database's single write lock past other people's
busy timeout. So the people are written in batches of IMPORT_BATCH, each committed with
the job's progress ("Saving: N of M") and the ids written so far (`outcome["saved"]`) in
one short transaction: the job row always names exactly the people it has committed.
Between batches the worker pauses briefly (SQLite only) so a writer waiting on the lock,
which polls every 100 ms at most, gets its turn.

All or nothing, as the person who asked sees it: if anything fails after a batch was
committed (a race on an email, the database going away, our bug), `undo` deletes the
people in `outcome["saved"]` with everything written for them, and the job fails saying
nothing was saved. The runner calls `undo` too before running again a job whose worker was
killed, and when the reaper gives such a job up. While the batches are being written
(seconds) the first people are already visible to others; that is the price of not
locking everyone else out.
"""

import time
from dataclasses import asdict

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs.runner import Done, Refused
from app.models import Campaign, Job, User
from app.stakeholders import queries
from app.stakeholders.forms import StakeholderFilterForm
from app.stakeholders.operations import (
    IMPORT_COLUMNS,
    ImportProblem,
    import_people,
    read_import,
    remove_imported,
)

#: Problems kept on a refused import's page (the count says how many more there were).
REPORT_LIMIT = 200
#: Pause between two committed batches on SQLite, for writers waiting on the lock.
SQLITE_PAUSE_SECONDS = 0.1


def import_stakeholders(job: Job, step) -> Done:
    """payload: the CSV file as uploaded (UTF-8, checked by the view)."""
    campaign, author = job.campaign, job.user
    text = job.payload.decode("utf-8-sig")
    step(0, None, "Checking rows")
    rows, problems = read_import(
        campaign, text, progress=lambda done, total: step(done, total, "Checking rows"))
    if not rows and not problems:
        problems = [ImportProblem(0, "file", "The file has a header but no people.")]
    if problems:
        raise Refused(
            f"Nothing was imported: {len(problems)} "
            f"{'problem' if len(problems) == 1 else 'problems'} to fix first. Correct the "
            "file and upload it again.",
            outcome={"problems": [asdict(problem) for problem in problems[:REPORT_LIMIT]],
                     "problem_count": len(problems)},
        )
    saved_ids: list[int] = []
    pause = SQLITE_PAUSE_SECONDS if db.engine.dialect.name == "sqlite" else 0

    def saved(stakeholder_ids: list[int], done: int, total: int) -> None:
        saved_ids.extend(stakeholder_ids)
        job.outcome = {"saved": list(saved_ids)}
        step(done, total, "Saving")  # commits this batch with the ids that undo it
        if pause and done < total:
            time.sleep(pause)

    step(0, len(rows), "Saving")
    try:
        count = import_people(campaign, author, rows, saved=saved)
    except IntegrityError as error:
        # Someone added one of these emails while the file was being checked.
        raise Refused("Someone in this campaign was given one of the file's emails while it "
                      "was being imported. Nothing was saved; upload the file again to see "
                      "which.") from error
    return Done(f"Imported {count:,} {'person' if count == 1 else 'people'}.",
                outcome={"imported": count})


def undo(job: Job) -> None:
    """Remove the people a failed or interrupted import committed (see the docstring)."""
    remove_imported((job.outcome or {}).get("saved", []))
    job.outcome = {key: value for key, value in (job.outcome or {}).items() if key != "saved"}


#: The export's columns: the import's first, so the file can be imported again.
EXPORT_COLUMNS = (*IMPORT_COLUMNS, "owner_email", "last_contact_at", "archived")


def stakeholder_table(campaign: Campaign, asker: User | None, args, clock):
    """The list as CSV with the list's filters, every row (importable again)."""
    filters = StakeholderFilterForm(
        args, user=asker, departments=queries.departments(campaign),
        owners=queries.owners(campaign),
    ).filters()

    def rows():
        for engagement, manager_email, owner_email in queries.export_rows(campaign, filters,
                                                                          clock.now):
            person = engagement.stakeholder
            # Names, not labels, and full timestamps: the file can be imported again.
            yield (person.name, person.email, person.title, person.department,
                   person.level.name, manager_email, person.influence, engagement.stance.name,
                   engagement.target_stance.name, engagement.interest, owner_email,
                   engagement.last_contact_at.isoformat() if engagement.last_contact_at else "",
                   "yes" if engagement.archived_at else "")

    return EXPORT_COLUMNS, rows()


handlers = {"import": import_stakeholders}
undoers = {"import": undo}
exports = {"stakeholders": stakeholder_table}
