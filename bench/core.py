"""Core pages: the filtered stakeholder list, a busy person's page, logging a conversation."""

from datetime import UTC, datetime, timedelta

from app.models import Stance
from bench.measure import Row, capture_statements, median_ms, read_flashes, replay_ms


def _get(ctx, path: str):
    def fetch():
        response = ctx.client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response
    return fetch


def _measure(ctx, case: str, fn, *, prepare=None, after=None, commit=False,
             note: str = "") -> Row:
    median = median_ms(fn, ctx.repeat, after=after)
    statements = capture_statements(ctx.app, fn)
    floor = replay_ms(ctx.engine, statements, ctx.repeat, prepare=prepare, commit=commit)
    return Row(case, median, floor, len(statements), note)


def _log_conversation(ctx):
    """POST the conversation form with two attendees; one of them moves stance each time."""
    manager, worker = ctx.attendee_engagement_ids
    turn = {"n": 0}

    def post():
        turn["n"] += 1
        when = (datetime.now(UTC) - timedelta(hours=2)).astimezone(ctx.zone)
        data = {
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "channel": "meeting",
            "duration_minutes": "30",
            "subject": "Team space walk-through",
            "summary": "Showed the **questions forum**; both will try it this week.",
            "attendees-0-engagement_id": str(manager),
            "attendees-0-stance_after": Stance.supporter.name,
            "attendees-1-engagement_id": str(worker),
            "attendees-1-stance_after": (
                Stance.neutral if turn["n"] % 2 else Stance.supporter
            ).name,
        }
        response = ctx.client.post(ctx.url("/conversations/new"), data=data)
        if response.status_code != 302:
            raise RuntimeError(f"logging a conversation answered {response.status_code}: "
                               f"{response.get_data(as_text=True)[:500]}")
        return response

    def forget_captured(cursor):
        # Inside the replay's transaction: remove the newest conversation (the captured
        # request's, then each replay's), so the replayed INSERT gets the same id back and
        # the captured statements that name that id fit.
        cursor.execute("SELECT MAX(id) FROM conversation")
        (conversation_id,) = cursor.fetchone()
        for table in ("stance_change", "conversation_attendee", "exposure", "follow_up",
                      "objection"):
            # Fixed table names and an id read back from the database: no outside input.
            cursor.execute(f"DELETE FROM {table} WHERE conversation_id = {conversation_id}")  # nosec B608
        cursor.execute(f"DELETE FROM conversation WHERE id = {conversation_id}")  # nosec B608
        if ctx.dialect == "postgresql":
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('conversation', 'id'), "
                           f"{conversation_id - 1})")

    return post, forget_captured


def run(ctx) -> list[Row]:
    """The three pages every champion uses all day."""
    rows = [
        _measure(ctx, "stakeholder list, manager+sceptic, page 1",
                 _get(ctx, ctx.url("/stakeholders/?level=manager&stance=sceptic"))),
    ]
    person = ctx.busy_stakeholder_ids[0]
    attended = ctx.attendance.get(person, 0)
    rows.append(_measure(ctx, f"stakeholder page, {attended:,} conversations",
                         _get(ctx, ctx.url(f"/stakeholders/{person}"))))
    post, forget_captured = _log_conversation(ctx)
    rows.append(_measure(ctx, "log a conversation (form POST, 2 people)", post,
                         prepare=forget_captured, after=lambda: read_flashes(ctx.client),
                         commit=True,
                         note="floor includes the commit"))
    rows.append(_conversation_csv(ctx))
    return rows


#: Runs of the whole-log CSV: each reads every conversation of the campaign.
CSV_REPEAT = 3


def _conversation_csv(ctx) -> Row:
    """The whole conversation log as CSV, read to the end (it streams)."""
    url = ctx.url("/conversations/export.csv")

    def download():
        response = ctx.client.get(url)
        lines = response.get_data().count(b"\n")
        if response.status_code != 200 or lines < 2:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return lines

    median = median_ms(download, CSV_REPEAT)
    statements = capture_statements(ctx.app, download)
    floor = replay_ms(ctx.engine, statements, CSV_REPEAT)
    return Row(f"conversation log CSV, {download() - 1:,} rows", median, floor, len(statements),
               "no goal: one row per conversation built in Python; median of 3",
               has_goal=False)
