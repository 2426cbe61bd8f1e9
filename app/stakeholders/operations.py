"""Stakeholders and their engagements: the operations every other feature builds on.

Each function changes the session and flushes; the caller commits once. Every change is
audited here, so nothing that changes a person, an engagement or a stance can skip it.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache

from email_validator import EmailNotValidError, validate_email

from app import audit
from app.csvio import FORMULA_STARTS
from app.errors import OperationError
from app.extensions import db
from app.models import AuditEvent, Campaign, Engagement, Level, Stakeholder, Stance, StanceChange

STAKEHOLDER_FIELDS = ("name", "email", "title", "department", "level", "reports_to_id", "influence")
ENGAGEMENT_FIELDS = ("stance", "target_stance", "interest", "owner_id", "joined_on")


class StakeholderError(OperationError):
    """A change refused, with the field it concerns and a message for the user."""


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def email_taken(campaign_id: int, email: str, *, excluding: int | None = None) -> bool:
    """Whether someone else in this campaign has this email (other campaigns never count)."""
    query = db.select(Stakeholder.id).where(Stakeholder.campaign_id == campaign_id,
                                            db.func.lower(Stakeholder.email) == email.lower())
    if excluding is not None:
        query = query.where(Stakeholder.id != excluding)
    return db.session.scalar(query.limit(1)) is not None


def would_cycle(stakeholder_id: int | None, reports_to_id: int | None) -> bool:
    """Whether making `stakeholder_id` report to `reports_to_id` closes a loop."""
    if reports_to_id is None or stakeholder_id is None:
        return False
    # Walk up from the proposed manager in SQL: one recursive query, any depth.
    chain = (
        db.select(Stakeholder.id, Stakeholder.reports_to_id)
        .where(Stakeholder.id == reports_to_id)
        .cte("chain", recursive=True)
    )
    chain = chain.union(
        db.select(Stakeholder.id, Stakeholder.reports_to_id).join(
            chain, Stakeholder.id == chain.c.reports_to_id
        )
    )
    found = db.session.scalar(db.select(chain.c.id).where(chain.c.id == stakeholder_id).limit(1))
    return found is not None


def _check_person(values: dict, stakeholder_id: int | None, campaign_id: int) -> None:
    if email_taken(campaign_id, values["email"], excluding=stakeholder_id):
        raise StakeholderError(
            "email", f"Someone in this campaign already has the email {values['email']}."
        )
    if values.get("reports_to_id") is not None:
        manager_campaign = db.session.scalar(
            db.select(Stakeholder.campaign_id).where(Stakeholder.id == values["reports_to_id"])
        )
        if manager_campaign != campaign_id:
            # Said the same way whether the id exists elsewhere or nowhere.
            raise StakeholderError("reports_to", "That manager is not in this campaign.")
        if values["reports_to_id"] == stakeholder_id or would_cycle(
            stakeholder_id, values["reports_to_id"]
        ):
            raise StakeholderError(
                "reports_to", "That reporting line would make a loop: pick someone else."
            )


def add_stakeholder(
    campaign: Campaign, author, person: dict, engagement: dict | None = None
) -> Engagement:
    """A new person in `campaign` (their record belongs to it) with their one engagement
    there (stance, target, interest, owner, joined_on)."""
    person = {**person, "email": person["email"].strip().lower()}
    _check_person(person, None, campaign.id)
    stakeholder = Stakeholder(**person, campaign_id=campaign.id)
    db.session.add(stakeholder)
    db.session.flush()
    audit.created(stakeholder, STAKEHOLDER_FIELDS, user=author, campaign_id=campaign.id,
                  stakeholder_id=stakeholder.id)
    return _engage(campaign, stakeholder, author, **(engagement or {}))


def _engage(
    campaign: Campaign,
    stakeholder: Stakeholder,
    author,
    *,
    stance: Stance = Stance.unknown,
    target_stance: Stance = Stance.supporter,
    interest: int = 3,
    owner_id: int | None = None,
    joined_on: date | None = None,
) -> Engagement:
    """A new person's engagement in their campaign; their starting stance is the first
    history entry."""
    joined_on = joined_on or datetime.now(UTC).date()
    engagement = Engagement(
        campaign_id=campaign.id,
        stakeholder=stakeholder,
        stance=stance,
        target_stance=target_stance,
        interest=interest,
        owner_id=owner_id,
        joined_on=joined_on,
    )
    db.session.add(engagement)
    db.session.flush()
    db.session.add(
        StanceChange(
            engagement=engagement,
            from_stance=None,
            to_stance=stance,
            changed_at=start_of_day(joined_on),
            changed_by_id=getattr(author, "id", None),
            reason="Starting stance on joining the campaign",
        )
    )
    audit.created(engagement, ENGAGEMENT_FIELDS, user=author, stakeholder_id=stakeholder.id)
    return engagement


def update_stakeholder(stakeholder: Stakeholder, author, person: dict) -> dict:
    """Edit a person's details in their campaign; returns {field: [old, new]} of what
    changed. No other campaign sees the change: their record there is another row."""
    person = {**person, "email": person["email"].strip().lower()}
    _check_person(person, stakeholder.id, stakeholder.campaign_id)
    changes = audit.apply_changes(stakeholder, person)
    audit.record(stakeholder, "update", changes, user=author, campaign_id=stakeholder.campaign_id,
                 stakeholder_id=stakeholder.id)
    db.session.flush()
    return changes


@dataclass(frozen=True)
class Standing:
    """Where a person stood at a moment, and where they stand now if they moved since."""

    at_moment: Stance | None
    #: The newest move after the moment (a back-dated entry lands behind it), else None.
    since: Stance | None = None


@cache
def _standings_query():
    """SELECT (engagement id, newest stance on or before :moment, newest after it) for the
    engagements in :ids. Built once: it is on the path of every logged conversation."""
    moment = db.bindparam("moment", type_=StanceChange.changed_at.type)

    def newest(*conditions):
        return (
            db.select(StanceChange.to_stance)
            .where(StanceChange.engagement_id == Engagement.id, *conditions)
            .order_by(StanceChange.changed_at.desc(), StanceChange.id.desc())
            .limit(1)
            .correlate(Engagement)
            .scalar_subquery()
        )

    return db.select(
        Engagement.id,
        newest(StanceChange.changed_at <= moment),
        newest(StanceChange.changed_at > moment),
    ).where(Engagement.id.in_(db.bindparam("ids", expanding=True)))


def standings(engagement_ids, moment: datetime) -> dict[int, Standing]:
    """For each engagement, its Standing at `moment`: one query however many people.

    Each half of the answer is the newest move on its side of the moment, found through
    the (engagement, changed_at) index however long the person's history is.
    """
    ids = list(engagement_ids)
    if not ids:
        return {}
    rows = db.session.execute(_standings_query(), {"moment": moment, "ids": ids})
    return {engagement_id: Standing(at_moment, since) for engagement_id, at_moment, since in rows}


def change_stance(
    engagement: Engagement,
    to_stance: Stance,
    author,
    *,
    at: datetime,
    reason: str = "",
    conversation=None,
    standing: Standing | None = None,
) -> StanceChange | None:
    """Record a move to `to_stance` at `at` (back-dating allowed).

    The engagement's current stance is then the latest move by date, so a back-dated
    entry never overrides a newer one, and the move just after a back-dated one now starts
    from `to_stance` (its stored `from_stance` is rewritten and audited): every move's
    `from_stance` is the `to_stance` of the move before it. Returns None when the stance
    did not change. A caller that already holds the person's `standing` at `at` passes it.
    """
    if standing is None:
        standing = standings([engagement.id], at)[engagement.id]
    before, current = standing.at_moment, standing.since or to_stance
    if before is to_stance:
        return None
    if standing.since is not None:
        # Before the new move exists, so the query's autoflush has nothing half-built to write.
        _relink_next_move(engagement, at, to_stance, author)
    change = StanceChange(
        engagement=engagement,
        from_stance=before,
        to_stance=to_stance,
        changed_at=at,
        changed_by_id=getattr(author, "id", None),
        reason=reason,
        conversation=conversation,
    )
    db.session.add(change)
    changes = audit.apply_changes(engagement, {"stance": current})
    changes["stance_change"] = [audit.jsonable(before), to_stance.name]
    changes["at"] = [None, at.isoformat()]
    if reason:
        changes["reason"] = [None, reason]
    audit.record(engagement, "update", changes, user=author,
                 stakeholder_id=engagement.stakeholder_id)
    return change


def _relink_next_move(engagement: Engagement, at: datetime, to_stance: Stance, author) -> None:
    """A move inserted at `at` behind a later one: that next move now starts from
    `to_stance` (audited on the move)."""
    following = db.session.scalars(
        db.select(StanceChange)
        .where(StanceChange.engagement_id == engagement.id, StanceChange.changed_at > at)
        .order_by(StanceChange.changed_at, StanceChange.id)
        .limit(1)
    ).first()
    if following is not None:
        _relink(following, to_stance, engagement, author)


def _relink(move: StanceChange, from_stance: Stance | None, engagement: Engagement, author):
    """Set a stored move's `from_stance`, with an audit event on the move if it changed."""
    changes = audit.apply_changes(move, {"from_stance": from_stance})
    audit.record(move, "update", changes, user=author, campaign_id=engagement.campaign_id,
                 stakeholder_id=engagement.stakeholder_id)


def relink_stance_history(engagements, author) -> None:
    """Rewrite the stored `from_stance` of these people's moves so each is the `to_stance`
    of the move before it (by date, then id; None for the first), as after a conversation
    is re-dated; each rewrite is audited. One statement reads the histories."""
    by_id = {engagement.id: engagement for engagement in engagements}
    if not by_id:
        return
    moves = db.session.scalars(
        db.select(StanceChange)
        .where(StanceChange.engagement_id.in_(by_id))
        .order_by(StanceChange.engagement_id, StanceChange.changed_at, StanceChange.id)
    ).all()
    previous: StanceChange | None = None
    for move in moves:
        same_person = previous is not None and previous.engagement_id == move.engagement_id
        _relink(move, previous.to_stance if same_person else None, by_id[move.engagement_id],
                author)
        previous = move


def update_engagement(engagement: Engagement, author, values: dict, *, now: datetime,
                      reason: str = "") -> dict:
    """Edit target, interest, owner and, through change_stance, the stance (moved at
    `now`)."""
    values = dict(values)
    stance = values.pop("stance", None)
    changes = audit.apply_changes(engagement, values)
    audit.record(engagement, "update", changes, user=author,
                 stakeholder_id=engagement.stakeholder_id)
    if stance is not None and stance is not engagement.stance:
        change_stance(engagement, stance, author, at=now,
                      reason=reason or "Edited on the stakeholder form")
    return changes


def archive_engagement(engagement: Engagement, author, *, now: datetime) -> None:
    """Archive (from `now`) instead of delete, in this campaign only: the person drops out
    of its lists, pickers and figures; their history stays, and their other campaigns keep
    them."""
    if engagement.archived_at is not None:
        return
    audit.change(engagement, {"archived_at": now}, user=author, action="archive",
                 stakeholder_id=engagement.stakeholder_id)


def restore_engagement(engagement: Engagement, author) -> None:
    """Bring an archived person back into this campaign's lists and pickers; an erased
    person stays archived (erasing is final)."""
    if engagement.archived_at is None or engagement.erased_at is not None:
        return
    audit.change(engagement, {"archived_at": None}, user=author, action="restore",
                 stakeholder_id=engagement.stakeholder_id)


# --- CSV import: every row checked before anything is written. ---

#: Columns an import file may have, in the order the export writes them.
IMPORT_COLUMNS = (
    "name", "email", "title", "department", "level", "reports_to_email",
    "influence", "stance", "target_stance", "interest",
)
REQUIRED_COLUMNS = ("name", "email", "level")
MAX_IMPORT_ROWS = 10_000
NUL_MESSAGE = "Contains a NUL character (\\0), which Groundswell cannot store; remove it."


@dataclass
class ImportProblem:
    """Something wrong with one row (numbered as a spreadsheet shows it; the header is 1)."""

    row: int
    field: str
    message: str


@dataclass
class ImportRow:
    """A checked row, ready for add_stakeholder."""

    row: int
    person: dict
    engagement: dict
    reports_to_email: str | None


def _cell(record: dict, column: str) -> str:
    value = (record.get(column) or "").strip()
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        value = value[1:]
    return value


def _scale(value: str, default: int) -> int | None:
    if not value:
        return default
    return int(value) if value.isdigit() and 1 <= int(value) <= 5 else None


def _check_row(number: int, record: dict, problems: list[ImportProblem]) -> ImportRow:
    """Check one row on its own (no database), adding what is wrong to `problems`."""

    def problem(field_name: str, message: str) -> None:
        problems.append(ImportProblem(number, field_name, message))

    name, email = _cell(record, "name"), _cell(record, "email").lower()
    if not name:
        problem("name", "A name is needed.")
    elif len(name) > 120:
        problem("name", "At most 120 characters.")
    if not email:
        problem("email", "An email is needed.")
    elif len(email) > 254:
        problem("email", "At most 254 characters.")
    else:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            problem("email", f"“{email}” is not an email address.")
    title, department = _cell(record, "title"), _cell(record, "department")
    if len(title) > 120:
        problem("title", "At most 120 characters.")
    if len(department) > 80:
        problem("department", "At most 80 characters.")
    level_text = _cell(record, "level").lower()
    level = Level.parse(level_text)
    if level is None:
        problem("level", f"Level must be one of {', '.join(m.name for m in Level)}"
                         + (f", not “{level_text}”." if level_text else "."))
    stances = {}
    for column, default in (("stance", Stance.unknown), ("target_stance", Stance.supporter)):
        text = _cell(record, column).lower()
        stances[column] = Stance.parse(text) if text else default
        if stances[column] is None:
            problem(column, f"Stance must be one of {', '.join(m.name for m in Stance)}, "
                            f"not “{text}”.")
    scales = {}
    for column in ("influence", "interest"):
        scales[column] = _scale(_cell(record, column), 3)
        if scales[column] is None:
            problem(column, f"{column.capitalize()} must be a whole number from 1 to 5.")
    manager_email = _cell(record, "reports_to_email").lower() or None
    if manager_email is not None and manager_email == email:
        problem("reports_to_email", "A person cannot report to themselves.")
    return ImportRow(
        row=number,
        person={"name": name, "email": email, "title": title, "department": department,
                "level": level, "influence": scales["influence"], "reports_to_id": None},
        engagement={"stance": stances["stance"], "target_stance": stances["target_stance"],
                    "interest": scales["interest"]},
        reports_to_email=manager_email,
    )


def _loops(rows: list[ImportRow]) -> list[list[ImportRow]]:
    """Groups of rows whose reporting lines (within the file) go round in a circle."""
    by_email = {row.person["email"]: row for row in rows}
    state: dict[str, str] = {}
    loops = []
    for start in rows:
        path: list[ImportRow] = []
        email = start.person["email"]
        # Follow the chain upwards until it leaves the file, hits a checked row or repeats.
        while email in by_email and email not in state:
            state[email] = "walking"
            path.append(by_email[email])
            email = by_email[email].reports_to_email
        if email in state and state[email] == "walking":
            loops.append(path[[r.person["email"] for r in path].index(email):])
        for row in path:
            state[row.person["email"]] = "done"
    return loops


#: Rows checked between two progress reports.
PROGRESS_EVERY = 500


def read_import(
    campaign: Campaign, text: str, progress: Callable[[int, int], None] | None = None
) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Parse and check an import file: every row, against itself, the file and the database.

    Nothing is written. Returns the rows and the problems; import only when there are none.
    `progress(done, total)` is told every PROGRESS_EVERY rows checked (and at the end).
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        return [], [_unreadable(reader, error)]
    if any("\x00" in (name or "") for name in fieldnames):
        return [], [ImportProblem(1, "header", NUL_MESSAGE)]
    header = [(name or "").strip().lower().replace(" ", "_") for name in fieldnames]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return [], [ImportProblem(1, "header", "The first row must name the columns; missing: "
                                  + ", ".join(missing) + ".")]
    reader.fieldnames = header

    problems: list[ImportProblem] = []
    # Reading the CSV is quick; checking each row (the email syntax above all) is the slow
    # part, so the rows are read first and the total is known while they are checked.
    records = _records(reader, problems)
    rows: list[ImportRow] = []
    for done, (number, record) in enumerate(records, start=1):
        rows.append(_check_row(number, record, problems))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(records)):
            progress(done, len(records))

    first_row: dict[str, int] = {}
    for row in rows:
        email = row.person["email"]
        if email and email in first_row:
            problems.append(ImportProblem(row.row, "email",
                                          f"Same email as row {first_row[email]}."))
        first_row.setdefault(email, row.row)

    emails = {row.person["email"] for row in rows if row.person["email"]}
    taken = _existing(campaign, emails)
    for row in rows:
        existing = taken.get(row.person["email"])
        if existing is not None:
            problems.append(ImportProblem(row.row, "email", f"{existing[1]} already has this "
                                          "email in this campaign."))

    managers = {row.reports_to_email for row in rows if row.reports_to_email} - emails
    known = _existing(campaign, managers)
    for row in rows:
        manager = row.reports_to_email
        if manager is None or manager in emails:
            continue
        found = known.get(manager)
        if found is None:
            problems.append(ImportProblem(row.row, "reports_to_email", f"No one in this campaign "
                                          f"or in this file has the email “{manager}”."))
        elif found[2]:
            problems.append(ImportProblem(row.row, "reports_to_email",
                                          f"{found[1]} is archived; pick someone current."))
        else:
            row.person["reports_to_id"] = found[0]

    for loop in _loops(rows):
        numbers = ", ".join(str(row.row) for row in loop)
        for row in loop:
            problems.append(ImportProblem(row.row, "reports_to_email",
                                          f"The reporting lines of rows {numbers} make a loop."))
    problems.sort(key=lambda problem: problem.row)
    return rows, problems


def _records(reader: csv.DictReader, problems: list[ImportProblem]) -> list[tuple[int, dict]]:
    """The file's non-blank rows with their numbers, up to MAX_IMPORT_ROWS; what makes a
    row unreadable as a whole (too many cells, a NUL) goes to `problems`, and a row with a
    NUL is left out of the checks."""
    records: list[tuple[int, dict]] = []
    numbered = enumerate(reader, start=2)
    while True:
        try:
            number, record = next(numbered)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(_unreadable(reader, error))
            break
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue  # blank lines are harmless
        if len(records) >= MAX_IMPORT_ROWS:
            problems.append(ImportProblem(number, "file", f"At most {MAX_IMPORT_ROWS:,} people "
                                          "per import; split the file."))
            break
        if None in record:
            problems.append(
                ImportProblem(number, "file", "More cells than the header has columns.")
            )
        # PostgreSQL can neither store nor look up text with a NUL in it: report the cell
        # and keep the row out of the checks against the database.
        nul_columns = [column for column, value in record.items()
                       if isinstance(value, str) and "\x00" in value]
        if nul_columns:
            problems.extend(ImportProblem(number, column or "file", NUL_MESSAGE)
                            for column in nul_columns)
            continue
        records.append((number, record))
    return records


def _unreadable(reader, error: csv.Error) -> ImportProblem:
    """The problem for a file the csv module gave up on, at the line it reached."""
    return ImportProblem(reader.line_num or 1, "file", "This is not a CSV file Groundswell can "
                         f"read ({error}); check the quotes and cell sizes near this line.")


def _existing(campaign: Campaign, emails: set[str]) -> dict[str, tuple[int, str, bool]]:
    """This campaign's people with these lower-case emails: id, name and whether archived
    here; chunked queries. Other campaigns' people are never matched."""
    found: dict[str, tuple[int, str, bool]] = {}
    ordered = sorted(emails)
    for start in range(0, len(ordered), 500):
        rows = db.session.execute(
            db.select(Stakeholder.id, Stakeholder.name, db.func.lower(Stakeholder.email),
                      Engagement.archived_at)
            .join(Engagement, Engagement.stakeholder_id == Stakeholder.id)
            .where(Stakeholder.campaign_id == campaign.id,
                   Engagement.campaign_id == campaign.id,
                   db.func.lower(Stakeholder.email).in_(ordered[start:start + 500]))
        )
        for person_id, name, email, archived_at in rows:
            found[email] = (person_id, name, archived_at is not None)
    return found


def _creation_order(rows: list[ImportRow]) -> list[tuple[ImportRow, int]]:
    """The rows with their depth in the file's reporting lines (0: their manager, if any,
    is not in the file), managers before the people who report to them; otherwise in file
    order. read_import refused loops, so every chain ends; it is walked without recursion
    so a long chain cannot hit Python's recursion limit."""
    by_email = {row.person["email"]: row for row in rows}
    depth: dict[str, int] = {}
    order: list[tuple[ImportRow, int]] = []
    for row in rows:
        chain = [row]
        while (chain[-1].reports_to_email in by_email
               and chain[-1].reports_to_email not in depth):
            chain.append(by_email[chain[-1].reports_to_email])
        for link in reversed(chain):
            if link.person["email"] in depth:
                continue
            above = depth.get(link.reports_to_email) if link.reports_to_email else None
            depth[link.person["email"]] = 0 if above is None else above + 1
            order.append((link, depth[link.person["email"]]))
    return order


#: People written per batch by import_people; each batch is the caller's to commit.
IMPORT_BATCH = 500


def import_people(campaign: Campaign, author, rows: list[ImportRow], *,
                  batch_size: int = IMPORT_BATCH,
                  saved: Callable[[list[int], int, int], None] | None = None) -> int:
    """Create every row read_import accepted, with what add_stakeholder writes for one
    person (the stakeholder, their engagement, their starting stance, the two audit events),
    managers in the file before the people who report to them.

    Written in batches of `batch_size` people, a few multi-row INSERTs each; after each
    batch `saved(stakeholder_ids, done, total)` is called, where a caller that commits each
    batch keeps the ids to undo them (remove_imported). Returns how many were created."""
    order = _creation_order(rows)
    author_id = getattr(author, "id", None)
    joined_on = datetime.now(UTC).date()
    ids: dict[str, int] = {}
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        created = _write_batch(campaign.id, author_id, joined_on, batch, ids)
        if saved is not None:
            saved(created, start + len(batch), len(order))
    return len(order)


def _write_batch(campaign_id: int, author_id: int | None, joined_on: date,
                 batch: list[tuple[ImportRow, int]], ids: dict[str, int]) -> list[int]:
    """Write one batch of people; `ids` (email -> stakeholder id) holds those already
    written and gains these. Returns the new stakeholder ids in creation order."""
    levels: dict[int, list[ImportRow]] = {}
    for row, depth in batch:
        levels.setdefault(depth, []).append(row)
    people: dict[str, dict] = {}
    stakeholders = Stakeholder.__table__
    for depth in sorted(levels):
        level = [{**row.person, "campaign_id": campaign_id,
                  "reports_to_id": ids.get(row.reports_to_email, row.person["reports_to_id"])}
                 for row in levels[depth]]
        # RETURNING the email, unique in the campaign, rather than asking for the ids in the
        # order sent: SQLite can only promise that order one row per statement.
        ids.update(db.session.execute(
            db.insert(stakeholders).returning(stakeholders.c.email, stakeholders.c.id),
            level).all())
        people.update((person["email"], person) for person in level)

    engagements = [{"campaign_id": campaign_id, "stakeholder_id": ids[row.person["email"]],
                    "owner_id": None, "joined_on": joined_on, **row.engagement}
                   for row, _ in batch]
    table = Engagement.__table__
    by_person = dict(db.session.execute(
        db.insert(table).returning(table.c.stakeholder_id, table.c.id), engagements).all())
    db.session.execute(db.insert(StanceChange.__table__), [
        {"engagement_id": by_person[engagement["stakeholder_id"]], "from_stance": None,
         "to_stance": engagement["stance"], "changed_at": start_of_day(joined_on),
         "changed_by_id": author_id, "conversation_id": None,
         "reason": "Starting stance on joining the campaign"}
        for engagement in engagements
    ])
    events = []
    for (row, _), engagement in zip(batch, engagements, strict=True):
        stakeholder_id = engagement["stakeholder_id"]
        events.append(_created_event("stakeholder", stakeholder_id, people[row.person["email"]],
                                     STAKEHOLDER_FIELDS, author_id, campaign_id, stakeholder_id))
        events.append(_created_event("engagement", by_person[stakeholder_id], engagement,
                                     ENGAGEMENT_FIELDS, author_id, campaign_id, stakeholder_id))
    db.session.execute(db.insert(AuditEvent.__table__), events)
    return [engagement["stakeholder_id"] for engagement in engagements]


def remove_imported(stakeholder_ids: list[int]) -> None:
    """Undo import_people's committed batches: delete these people with their engagements,
    stance histories and audit events, as if they had never been written. One statement per
    table, so reporting lines among them never stand in the way."""
    if not stakeholder_ids:
        return
    ids = list(stakeholder_ids)
    engagements = db.select(Engagement.id).where(Engagement.stakeholder_id.in_(ids))
    for statement in (
        db.delete(AuditEvent).where(AuditEvent.stakeholder_id.in_(ids)),
        db.delete(StanceChange).where(StanceChange.engagement_id.in_(engagements)),
        db.delete(Engagement).where(Engagement.stakeholder_id.in_(ids)),
        db.delete(Stakeholder).where(Stakeholder.id.in_(ids)),
    ):
        db.session.execute(statement, execution_options={"synchronize_session": False})


def _created_event(entity_type: str, entity_id: int, values: dict, fields, user_id,
                   campaign_id: int, stakeholder_id: int) -> dict:
    """The row audit.created writes for a new record, for a multi-row INSERT."""
    return {"user_id": user_id, "campaign_id": campaign_id, "entity_type": entity_type,
            "entity_id": entity_id, "action": "create", "stakeholder_id": stakeholder_id,
            "changes": {field: [None, audit.jsonable(values[field])] for field in fields}}
