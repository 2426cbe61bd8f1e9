"""The operations every feature builds on: stances, back-dating, conversations, audit."""

from datetime import UTC, datetime, timedelta

import pytest

from app.conversations.operations import (
    AttendeeInput,
    ConversationError,
    ConversationInput,
    FollowUpInput,
    ObjectionInput,
    log_conversation,
)
from app.extensions import db
from app.models import AuditEvent, Channel, ObjectionStatus, Stance, StanceChange
from app.stakeholders.operations import (
    StakeholderError,
    Standing,
    change_stance,
    standings,
    update_stakeholder,
)
from tests.factories import conversation, person, theme


def test_joining_records_the_starting_stance(campaign, users):
    engagement = person(campaign, users["lead"], stance=Stance.sceptic)
    db.session.commit()
    history = engagement.stance_changes
    assert [(c.from_stance, c.to_stance) for c in history] == [(None, Stance.sceptic)]


def test_conversation_moves_stances_in_one_go(campaign, users):
    ann = person(campaign, users["lead"], "Ann", stance=Stance.sceptic)
    bob = person(campaign, users["lead"], "Bob", stance=Stance.neutral)
    talk = conversation(campaign, users["champion"], ann, bob,
                        stances={ann: Stance.neutral, bob: Stance.supporter})
    db.session.commit()
    assert ann.stance is Stance.neutral and bob.stance is Stance.supporter
    assert ann.last_contact_at == talk.occurred_at
    moves = db.session.scalars(db.select(StanceChange).filter_by(conversation_id=talk.id)).all()
    assert {(m.from_stance, m.to_stance) for m in moves} == {
        (Stance.sceptic, Stance.neutral), (Stance.neutral, Stance.supporter)}


def test_back_dated_move_does_not_override_a_newer_one(campaign, users):
    ann = person(campaign, users["lead"], "Ann", stance=Stance.sceptic)
    now = datetime.now(UTC)
    change_stance(ann, Stance.supporter, users["lead"], at=now - timedelta(days=1))
    change_stance(ann, Stance.neutral, users["lead"], at=now - timedelta(days=10))
    db.session.commit()
    assert ann.stance is Stance.supporter


def test_future_conversation_is_refused(campaign, users):
    ann = person(campaign, users["lead"], "Ann")
    with pytest.raises(ConversationError, match="future"):
        conversation(campaign, users["lead"], ann, when=datetime.now(UTC) + timedelta(days=1))


def test_attendee_from_another_campaign_is_refused(campaign, other_campaign, users):
    stranger = person(other_campaign, users["outsider"], "Stranger")
    with pytest.raises(ConversationError, match="not part of this campaign"):
        conversation(campaign, users["lead"], stranger)


def test_objections_and_follow_ups_come_with_the_conversation(campaign, users):
    ann = person(campaign, users["lead"], "Ann", stance=Stance.blocker)
    data = ConversationInput(
        occurred_at=datetime.now(UTC) - timedelta(days=2),
        channel=Channel.meeting,
        attendees=[AttendeeInput(ann, Stance.sceptic)],
        objections=[
            ObjectionInput(ann, theme(campaign, "security"), "Data will leak to the cloud")
        ],
        follow_ups=[FollowUpInput("Send the security white paper",
                                  datetime.now(UTC).date() + timedelta(days=3),
                                  owner_id=users["champion"].id, engagement=ann)],
    )
    talk = log_conversation(campaign, users["champion"], data, datetime.now(UTC))
    db.session.commit()
    assert talk.objections[0].status is ObjectionStatus.open
    assert talk.follow_ups[0].engagement is ann


def test_reports_to_cycle_is_refused(campaign, users):
    boss = person(campaign, users["lead"], "Boss")
    mid = person(campaign, users["lead"], "Mid", reports_to=boss)
    low = person(campaign, users["lead"], "Low", reports_to=mid)
    with pytest.raises(StakeholderError, match="loop"):
        update_stakeholder(boss.stakeholder, users["lead"], {
            "email": boss.stakeholder.email, "reports_to_id": low.stakeholder_id})


def test_changes_are_audited_with_old_and_new(campaign, users):
    ann = person(campaign, users["lead"], "Ann")
    update_stakeholder(ann.stakeholder, users["champion"],
                       {"email": ann.stakeholder.email, "title": "Head of Risk"})
    db.session.commit()
    event = db.session.scalars(db.select(AuditEvent).filter_by(
        entity_type="stakeholder", action="update")).one()
    assert event.user_id == users["champion"].id
    assert event.changes == {"title": ["", "Head of Risk"]}


def test_back_dated_conversation_records_the_stance_of_that_day(campaign, users):
    ann = person(campaign, users["lead"], "Ann", stance=Stance.sceptic)
    now = datetime.now(UTC)
    change_stance(ann, Stance.supporter, users["lead"], at=now - timedelta(days=2))
    talk = conversation(campaign, users["lead"], ann, when=now - timedelta(days=10),
                        stances={ann: Stance.neutral})
    db.session.commit()
    attendance = talk.attendees[0]
    assert (attendance.stance_before, attendance.stance_after) == (Stance.sceptic, Stance.neutral)
    assert ann.stance is Stance.supporter  # the newer move still stands


def test_standings_answer_for_many_people_at_a_moment(campaign, users):
    now = datetime.now(UTC)
    ann = person(campaign, users["lead"], "Ann", stance=Stance.sceptic)
    bob = person(campaign, users["lead"], "Bob", stance=Stance.neutral)
    change_stance(ann, Stance.neutral, users["lead"], at=now - timedelta(days=20))
    change_stance(ann, Stance.supporter, users["lead"], at=now - timedelta(days=2))
    change_stance(bob, Stance.blocker, users["lead"], at=now - timedelta(days=30))
    db.session.commit()
    ten_days_ago = now - timedelta(days=10)
    assert standings([ann.id, bob.id], ten_days_ago) == {
        # Ann stood at neutral then and has moved since; Bob has not moved since.
        ann.id: Standing(Stance.neutral, Stance.supporter),
        bob.id: Standing(Stance.blocker, None),
    }
    # Before anyone joined, there is nothing to stand on.
    long_ago = now - timedelta(days=3650)
    assert standings([ann.id], long_ago)[ann.id].at_moment is None
    assert standings([], now) == {}


def test_logging_reads_each_attendees_history_once_for_all(campaign, users, count_queries):
    """The SELECTs behind logging a conversation do not grow with its attendees."""
    def selects_for(attendees: int) -> int:
        people = [person(campaign, users["lead"], f"P{attendees}-{n}", stance=Stance.neutral)
                  for n in range(attendees)]
        db.session.commit()
        # Loaded, as the form has them when the request logs the conversation.
        [campaign.id, users["lead"].id, *(p.stance for p in people)]
        with count_queries() as counter:
            conversation(campaign, users["lead"], *people,
                         stances={p: Stance.supporter for p in people})
        db.session.rollback()
        return sum(1 for sql in counter.statements if sql.lstrip().upper().startswith("SELECT"))

    assert selects_for(1) == selects_for(6)
