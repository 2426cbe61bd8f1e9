"""The stance history is one truth: every move starts where the move before it ended.

A move typed after a later one (a back-dated conversation, a corrected date) rewrites the
next move's stored `from_stance`; the person's page, the dashboard's movement and the
stored rows then tell the same story.
"""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from app.conversations.operations import update_conversation
from app.extensions import db
from app.formatting import to_local
from app.models import AuditEvent, Stance, StanceChange
from app.stakeholders.operations import change_stance
from tests.conftest import through_job
from tests.factories import conversation, person


def stored_chain(engagement) -> list[tuple[Stance | None, Stance]]:
    """(from, to) of each stored move, in date order."""
    moves = db.session.scalars(
        db.select(StanceChange)
        .where(StanceChange.engagement_id == engagement.id)
        .order_by(StanceChange.changed_at, StanceChange.id)
        .execution_options(populate_existing=True)
    )
    return [(move.from_stance, move.to_stance) for move in moves]


def page_moves(html: str) -> list[tuple[str, str]]:
    """The "From → To" stance moves the person's timeline shows (newest first)."""
    timeline = html[html.index('<ol class="timeline'):]
    text = re.sub(r"<[^>]+>", "", timeline[:timeline.index("</ol>")])
    labels = "|".join(stance.label for stance in Stance)
    return re.findall(rf"({labels})\s*→\s*({labels})", text)


def dashboard_moves(client, campaign) -> tuple[int, int]:
    """(toward, away) summed over the dashboard's movement table, as its CSV gives it."""
    response = through_job(client, f"/campaigns/{campaign.slug}/dashboard/movement.csv").file
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    return (sum(int(row["Moves toward support"]) for row in rows),
            sum(int(row["Moves away"]) for row in rows))


def test_a_back_dated_conversation_between_two_moves_relinks_the_chain(
        as_champion, as_lead, campaign, users):
    champion = users["champion"]
    ann = person(campaign, champion, "Ann Archer", stance=Stance.sceptic)
    now = datetime.now(UTC)
    change_stance(ann, Stance.supporter, champion, at=now - timedelta(days=20))
    change_stance(ann, Stance.neutral, champion, at=now - timedelta(days=2))
    db.session.commit()
    # Logged today, it happened ten days ago: between the two moves.
    response = as_champion.post(f"/campaigns/{campaign.slug}/conversations/new", data={
        "occurred_at": to_local(now - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "channel": "meeting", "duration_minutes": "30", "subject": "Pilot review",
        "summary": "", "attendees-0-engagement_id": str(ann.id),
        "attendees-0-stance_after": "blocker",
    })
    assert response.status_code == 302

    # Stored: each move starts where the one before it ended; the latest move is current.
    assert stored_chain(ann) == [
        (None, Stance.sceptic),
        (Stance.sceptic, Stance.supporter),
        (Stance.supporter, Stance.blocker),
        (Stance.blocker, Stance.neutral),  # was supporter -> neutral before the insert
    ]
    db.session.refresh(ann)
    assert ann.stance is Stance.neutral
    later_move = db.session.scalar(db.select(StanceChange).where(
        StanceChange.engagement_id == ann.id, StanceChange.to_stance == Stance.neutral))
    rewrite = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.entity_type == "stance_change",
                                    AuditEvent.entity_id == later_move.id)
    ).all()
    assert [(event.changes, event.user_id, event.stakeholder_id) for event in rewrite] == [
        ({"from_stance": ["supporter", "blocker"]}, champion.id, ann.stakeholder_id)]

    # The person's page: the same moves, newest first (no "Supporter → Neutral" any more).
    html = as_champion.get(
        f"/campaigns/{campaign.slug}/stakeholders/{ann.stakeholder_id}").get_data(as_text=True)
    assert page_moves(html) == [("Blocker", "Neutral"), ("Supporter", "Blocker"),
                                ("Sceptic", "Supporter")]

    # The audit trail (leads see it) says which move was rewritten, by whom, old and new.
    trail = re.sub(r"<[^>]+>", "", as_lead.get(
        f"/campaigns/{campaign.slug}/stakeholders/{ann.stakeholder_id}").get_data(as_text=True))
    assert re.search(r"Stance move.*?moved from:\s*Supporter\s*→\s*Blocker", trail, re.S)

    # The dashboard: up to supporter, down to blocker, up to neutral.
    assert dashboard_moves(as_champion, campaign) == (2, 1)


def test_re_dating_a_conversation_relinks_both_places_in_the_chain(campaign, users):
    champion = users["champion"]
    ann = person(campaign, champion, "Ann Archer", stance=Stance.sceptic)
    now = datetime.now(UTC)
    talk = conversation(campaign, champion, ann, stances={ann: Stance.supporter},
                        when=now - timedelta(days=20))
    conversation(campaign, champion, ann, stances={ann: Stance.neutral},
                 when=now - timedelta(days=10))
    db.session.commit()
    assert stored_chain(ann) == [(None, Stance.sceptic), (Stance.sceptic, Stance.supporter),
                                 (Stance.supporter, Stance.neutral)]
    update_conversation(talk, champion, {"occurred_at": now - timedelta(days=5)}, now)
    db.session.commit()
    assert stored_chain(ann) == [(None, Stance.sceptic), (Stance.sceptic, Stance.neutral),
                                 (Stance.neutral, Stance.supporter)]
    db.session.refresh(ann)
    assert ann.stance is Stance.supporter
    rewrites = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.entity_type == "stance_change").order_by(AuditEvent.entity_id)).all()
    assert [event.changes["from_stance"] for event in rewrites] == [
        ["sceptic", "neutral"], ["supporter", "sceptic"]]  # the re-dated move, then the other
    assert {event.user_id for event in rewrites} == {champion.id}
