"""Logging a conversation through the form: stances, objections, follow-ups, refusals."""

import re
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from app.campaigns.operations import set_member
from app.extensions import db
from app.formatting import to_local
from app.models import (
    AuditEvent,
    Conversation,
    ConversationAttendee,
    Exposure,
    FollowUp,
    KeyMessage,
    Level,
    Objection,
    Role,
    Stance,
    StanceChange,
)
from tests.conftest import extract_csrf, login, make_user
from tests.factories import conversation, person, theme


def local(moment: datetime) -> str:
    """A moment as the user's datetime-local input would send it."""
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def form(attendees=(), *, when=None, channel="meeting", minutes="45", subject="Pilot review",
         summary="They liked the search.", objections=(), follow_ups=(), **extra):
    """POST data as the browser sends it: attendees as (engagement, stance name) pairs."""
    data = {
        "occurred_at": when or local(datetime.now(UTC) - timedelta(hours=2)),
        "channel": channel,
        "duration_minutes": minutes,
        "subject": subject,
        "summary": summary,
    }
    for index, (engagement, stance) in enumerate(attendees):
        data[f"attendees-{index}-engagement_id"] = str(getattr(engagement, "id", engagement))
        data[f"attendees-{index}-stance_after"] = stance
    for index, (theme_id, raised_by, statement) in enumerate(objections):
        data[f"objections-{index}-theme_id"] = str(theme_id)
        data[f"objections-{index}-raised_by"] = str(raised_by)
        data[f"objections-{index}-statement"] = statement
    for index, (description, owner_id, due, about) in enumerate(follow_ups):
        data[f"follow_ups-{index}-description"] = description
        data[f"follow_ups-{index}-owner_id"] = str(owner_id)
        data[f"follow_ups-{index}-due_on"] = due
        data[f"follow_ups-{index}-about"] = "" if about is None else str(about)
    data.update(extra)
    return data


def counts() -> dict[str, int]:
    models = (Conversation, ConversationAttendee, StanceChange, Objection, FollowUp, Exposure,
              AuditEvent)
    return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in models}


@pytest.fixture
def people(campaign, users):
    """Two people to talk to: Ann Sceptic and Bob Neutral."""
    ann = person(campaign, users["lead"], "Ann Archer", stance=Stance.sceptic, title="Head of IT")
    bob = person(campaign, users["lead"], "Bob Baker", stance=Stance.neutral, department="Finance")
    db.session.commit()
    return ann, bob


def url(campaign, tail=""):
    return f"/campaigns/{campaign.slug}/conversations/{tail}"


def test_logging_with_two_attendees_moves_both_stances(as_champion, campaign, people, users):
    ann, bob = people
    security = theme(campaign, "security")
    due = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    last_event = db.session.scalar(db.select(db.func.max(AuditEvent.id)))
    response = as_champion.post(url(campaign, "new"), data=form(
        [(ann, "neutral"), (bob, "supporter")],
        objections=[(security.id, ann.id, "Our files would leave the building")],
        follow_ups=[("Send the security white paper", users["champion"].id, due, ann.id)],
    ))
    assert response.status_code == 302
    talk = db.session.scalar(db.select(Conversation))
    assert response.headers["Location"].endswith(f"/conversations/{talk.id}")
    db.session.refresh(ann), db.session.refresh(bob)
    assert (ann.stance, bob.stance) == (Stance.neutral, Stance.supporter)

    moves = db.session.scalars(db.select(StanceChange).filter_by(conversation_id=talk.id)).all()
    assert {(m.engagement_id, m.from_stance, m.to_stance) for m in moves} == {
        (ann.id, Stance.sceptic, Stance.neutral), (bob.id, Stance.neutral, Stance.supporter)}
    assert all(m.changed_at == talk.occurred_at for m in moves)
    assert talk.channel.name == "meeting" and talk.duration_minutes == 45
    assert talk.author_id == users["champion"].id

    # One audit trail: the conversation's creation, each stance move, the objection, the follow-up.
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.id > last_event)).all()
    assert {event.user_id for event in events} == {users["champion"].id}
    kinds = {(event.entity_type, event.action) for event in events}
    assert {("conversation", "create"), ("engagement", "update"), ("objection", "create"),
            ("follow_up", "create")} <= kinds
    assert {event.stakeholder_id for event in events if event.entity_type == "engagement"
            and "stance_change" in event.changes} >= {ann.stakeholder_id, bob.stakeholder_id}
    objection = db.session.scalar(db.select(Objection))
    assert objection.conversation_id == talk.id and objection.engagement_id == ann.id
    follow_up = db.session.scalar(db.select(FollowUp))
    assert follow_up.engagement_id == ann.id and follow_up.owner_id == users["champion"].id

    page = as_champion.get(url(campaign, str(talk.id))).get_data(as_text=True)
    assert "Ann Archer" in page and "Bob Baker" in page
    assert "Our files would leave the building" in page
    assert "Send the security white paper" in page
    assert f"/stakeholders/{ann.stakeholder_id}" in page


def test_a_back_dated_conversation_keeps_its_date(as_champion, campaign, people):
    ann, _ = people
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    response = as_champion.post(url(campaign, "new"),
                                data=form([(ann, "supporter")], when=local(ten_days_ago)))
    assert response.status_code == 302
    talk = db.session.scalar(db.select(Conversation))
    assert abs(talk.occurred_at - ten_days_ago) < timedelta(minutes=1)
    move = db.session.scalar(db.select(StanceChange).filter_by(conversation_id=talk.id))
    assert move.changed_at == talk.occurred_at
    db.session.refresh(ann)
    assert ann.stance is Stance.supporter and ann.last_contact_at == talk.occurred_at
    page = as_champion.get(url(campaign, str(talk.id))).get_data(as_text=True)
    assert "10 days ago" in page


def test_a_future_date_is_refused_and_nothing_is_written(as_champion, campaign, people, users):
    ann, bob = people
    before = counts()
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    response = as_champion.post(url(campaign, "new"), data=form(
        [(ann, "supporter"), (bob, "champion")], when=local(tomorrow),
        objections=[(theme(campaign).id, ann.id, "Too risky")],
        follow_ups=[("Call back", users["champion"].id, tomorrow.date().isoformat(), None)],
    ))
    assert response.status_code == 400
    assert "in the future" in response.get_data(as_text=True)
    assert counts() == before
    db.session.refresh(ann)
    assert ann.stance is Stance.sceptic


def test_an_attendee_from_another_campaign_is_refused(as_champion, campaign, other_campaign,
                                                      people, users):
    ann, _ = people
    stranger = person(other_campaign, users["outsider"], "Sam Stranger")
    db.session.commit()
    before = counts()
    response = as_champion.post(url(campaign, "new"),
                                data=form([(ann, "supporter"), (stranger, "champion")]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "not part of this campaign" in page
    assert "Sam Stranger" not in page  # nothing about a person of another campaign leaks
    assert counts() == before


@pytest.mark.parametrize("change", [
    {"channel": "carrier-pigeon"},
    {"attendees-0-stance_after": "ecstatic"},
    {"objections-0-theme_id": "999999"},
    {"objections-0-theme_id": "security"},
    {"occurred_at": "yesterday-ish"},
    {"duration_minutes": "0"},
    {"subject": "x" * 201},
    {"summary": "x" * 20_001},
    {"objections-0-raised_by": "999999"},
    {"follow_ups-0-owner_id": "999999"},
    {"follow_ups-0-due_on": "soon"},
    {"key_message_ids": "424242"},
])
def test_bad_values_are_refused_with_400(as_champion, campaign, people, users, change):
    ann, _ = people
    data = form([(ann, "neutral")],
                objections=[(theme(campaign).id, ann.id, "It is a fad")],
                follow_ups=[("Book a demo", users["champion"].id,
                             datetime.now(UTC).date().isoformat(), ann.id)])
    data.update(change)
    before = counts()
    response = as_champion.post(url(campaign, "new"), data=data)
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
    assert counts() == before


def test_at_least_one_attendee(as_champion, campaign, people):
    before = counts()
    response = as_champion.post(url(campaign, "new"), data=form([]))
    assert response.status_code == 400
    assert "Add at least one person" in response.get_data(as_text=True)
    assert counts() == before


def test_a_refused_form_keeps_everything_typed(as_champion, campaign, people, users):
    ann, bob = people
    due = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    response = as_champion.post(url(campaign, "new"), data=form(
        [(ann, "champion"), (bob, "blocker")],
        when=local(datetime.now(UTC) + timedelta(days=2)),
        channel="workshop",
        subject="Workshop with the IT leads",
        summary="They asked about *single sign-on* and retention.",
        objections=[(theme(campaign, "fad").id, bob.id, "Another shiny toy")],
        follow_ups=[("Share the retention policy", users["lead"].id, due, bob.id)],
    ))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "They asked about *single sign-on* and retention." in page
    assert 'value="Workshop with the IT leads"' in page
    assert "Ann Archer" in page and "Bob Baker" in page
    # Each attendee row keeps its chosen stance, not their current one.
    rows = re.findall(r'name="attendees-(\d)-stance_after".*?</select>', page, re.S)
    assert len(rows) == 2
    assert re.search(r'name="attendees-0-stance_after".*?<option selected value="champion">',
                     page, re.S)
    assert re.search(r'name="attendees-1-stance_after".*?<option selected value="blocker">',
                     page, re.S)
    assert re.search(r'id="channel-workshop" value="workshop" autocomplete="off" checked', page)
    assert "Another shiny toy" in page and "Share the retention policy" in page
    assert re.search(rf'name="objections-0-raised_by".*?<option selected value="{bob.id}">',
                     page, re.S)
    assert re.search(r'name="follow_ups-0-owner_id".*?'
                     rf'<option selected value="{users["lead"].id}">', page, re.S)
    assert f'value="{due}"' in page


class _Tags(HTMLParser):
    """Collects every start tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_the_summary_is_sanitised_markdown(as_champion, campaign, people):
    ann, _ = people
    summary = (
        "**Agreed** to a pilot.\n\n<script>alert('x')</script>\n\n"
        '<img src=x onerror="alert(1)">\n\n[click me](javascript:alert(2))\n\n'
        "[the plan](https://example.org/plan)"
    )
    as_champion.post(url(campaign, "new"), data=form([(ann, "neutral")], summary=summary))
    talk = db.session.scalar(db.select(Conversation))
    page = as_champion.get(url(campaign, str(talk.id))).get_data(as_text=True)
    assert "<strong>Agreed</strong>" in page
    assert "<script>alert" not in page
    parser = _Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript:"), (tag, attrs)
        assert tag != "img"
    assert 'href="https://example.org/plan"' in page


def test_viewers_cannot_log_and_outsiders_see_nothing(as_viewer, as_outsider, campaign, people):
    ann, _ = people
    assert as_viewer.get(url(campaign, "new")).status_code == 403
    assert as_viewer.post(url(campaign, "new"), data=form([(ann, "neutral")])).status_code == 403
    assert as_viewer.get(url(campaign)).status_code == 200
    assert as_outsider.get(url(campaign, "new")).status_code == 404
    assert as_outsider.get(url(campaign)).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Conversation.id))) == 0


def test_the_form_prefills_attendees_from_the_query(as_champion, campaign, other_campaign,
                                                    people, users):
    ann, bob = people
    stranger = person(other_campaign, users["outsider"], "Sam Stranger")
    db.session.commit()
    page = as_champion.get(
        url(campaign, f"new?attendee={ann.id}&attendee={stranger.id}&attendee=oops")
    ).get_data(as_text=True)
    assert "Ann Archer" in page and "Sam Stranger" not in page
    assert re.search(r'name="attendees-0-stance_after".*?<option selected value="sceptic">',
                     page, re.S)
    assert 'name="attendees-1-engagement_id"' not in page


def test_key_messages_are_offered_by_level_and_recorded(as_champion, campaign, people):
    ann, bob = people
    page = as_champion.get(url(campaign, "new")).get_data(as_text=True)
    assert "For workers" not in page  # no messages written yet: no empty message list
    worker = KeyMessage(campaign_id=campaign.id, level=Level.worker, title="Find answers fast")
    executive = KeyMessage(campaign_id=campaign.id, level=Level.executive, title="Speed to market")
    retired = KeyMessage(campaign_id=campaign.id, level=Level.worker, title="Old slogan",
                         archived_at=datetime.now(UTC))
    db.session.add_all([worker, executive, retired])
    db.session.commit()
    page = as_champion.get(url(campaign, "new")).get_data(as_text=True)
    assert "Messages and case studies used" in page and "Find answers fast" in page
    assert "Old slogan" not in page
    assert page.index("For executives") < page.index("For workers")
    response = as_champion.post(url(campaign, "new"), data=form(
        [(ann, "neutral"), (bob, "neutral")], key_message_ids=[str(worker.id)]))
    assert response.status_code == 302
    exposures = db.session.scalars(db.select(Exposure)).all()
    assert {(e.engagement_id, e.key_message_id) for e in exposures} == {
        (ann.id, worker.id), (bob.id, worker.id)}
    talk = db.session.scalar(db.select(Conversation))
    assert "Find answers fast" in as_champion.get(url(campaign, str(talk.id))).get_data(
        as_text=True)


def test_case_studies_used_are_recorded_per_attendee(as_champion, as_lead, campaign, people):
    ann, bob = people
    page = as_champion.get(url(campaign, "new")).get_data(as_text=True)
    assert 'value="cisco-channel-training"' in page
    response = as_champion.post(url(campaign, "new"), data=form(
        [(ann, "neutral"), (bob, "neutral")], case_study_slugs=["cisco-channel-training"]))
    assert response.status_code == 302
    exposures = db.session.scalars(db.select(Exposure)).all()
    assert {(e.engagement_id, e.case_study_slug) for e in exposures} == {
        (ann.id, "cisco-channel-training"), (bob.id, "cisco-channel-training")}
    talk = db.session.scalar(db.select(Conversation))
    shown = as_lead.get(url(campaign, str(talk.id))).get_data(as_text=True)
    assert "Case study:" in shown and "without the flights" in shown


def test_an_unknown_case_study_is_refused(as_champion, campaign, people):
    ann, bob = people
    response = as_champion.post(url(campaign, "new"), data=form(
        [(ann, "neutral")], case_study_slugs=["no-such-case"]))
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Conversation.id))) == 0


def _second_champion(campaign):
    other = make_user("champion2@example.org", Role.champion, "Chris Second")
    set_member(campaign, other, Role.champion)
    db.session.commit()
    return other


def test_edit_is_for_the_author_and_leads(app, as_champion, as_lead, campaign, people, users):
    ann, _ = people
    talk = conversation(campaign, users["champion"], ann, stances={ann: Stance.neutral})
    db.session.commit()
    last_event = db.session.scalar(db.select(db.func.max(AuditEvent.id)))
    edit = url(campaign, f"{talk.id}/edit")
    other = login(app.test_client(), _second_champion(campaign))

    assert "Edit</a>" in as_champion.get(url(campaign, str(talk.id))).get_data(as_text=True)
    assert "Edit</a>" not in other.get(url(campaign, str(talk.id))).get_data(as_text=True)
    assert other.get(edit).status_code == 403
    assert other.post(edit, data=form(subject="Hijacked")).status_code == 403

    assert as_champion.get(edit).status_code == 200
    response = as_champion.post(edit, data=form(subject="Coffee with Ann", summary="Warming up."))
    assert response.status_code == 302
    response = as_lead.post(edit, data=form(subject="Coffee with Ann", summary="Lead note."))
    assert response.status_code == 302
    db.session.refresh(talk)
    assert talk.subject == "Coffee with Ann" and talk.summary == "Lead note."
    updates = db.session.scalars(db.select(AuditEvent).filter_by(
        entity_type="conversation", entity_id=talk.id, action="update")
        .where(AuditEvent.id > last_event)).all()
    assert [event.user_id for event in updates] == [users["champion"].id, users["lead"].id]
    assert updates[1].changes["summary"] == ["Warming up.", "Lead note."]

    # An author who has since become a viewer no longer edits.
    set_member(campaign, users["champion"], Role.viewer)
    db.session.commit()
    assert as_champion.get(edit).status_code == 403


def test_edit_refuses_the_future_and_keeps_what_was_typed(as_champion, campaign, people, users):
    ann, _ = people
    talk = conversation(campaign, users["champion"], ann)
    db.session.commit()
    response = as_champion.post(url(campaign, f"{talk.id}/edit"), data=form(
        when=local(datetime.now(UTC) + timedelta(hours=3)), summary="Typed but refused"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "in the future" in page and "Typed but refused" in page
    db.session.refresh(talk)
    assert talk.summary == ""


def test_re_dating_a_conversation_moves_its_stance_changes(as_champion, campaign, people, users):
    ann, _ = people
    talk = conversation(campaign, users["champion"], ann, stances={ann: Stance.supporter},
                        when=datetime.now(UTC) - timedelta(hours=1))
    later = conversation(campaign, users["champion"], ann, stances={ann: Stance.neutral},
                         when=datetime.now(UTC) - timedelta(minutes=30))
    db.session.commit()
    assert ann.stance is Stance.neutral
    # Ann's move to supporter actually happened after the neutral one: correct the date.
    response = as_champion.post(url(campaign, f"{talk.id}/edit"),
                                data=form(when=local(datetime.now(UTC) - timedelta(minutes=5))))
    assert response.status_code == 302
    db.session.refresh(ann), db.session.refresh(talk)
    move = db.session.scalar(db.select(StanceChange).filter_by(conversation_id=talk.id))
    assert move.changed_at == talk.occurred_at
    assert ann.stance is Stance.supporter and ann.last_contact_at == talk.occurred_at
    assert later.occurred_at < talk.occurred_at


def test_csrf_token_is_required(app, as_champion, campaign, people):
    ann, _ = people
    app.config["WTF_CSRF_ENABLED"] = True
    before = counts()
    response = as_champion.post(url(campaign, "new"), data=form([(ann, "supporter")]))
    assert response.status_code == 400
    assert counts() == before
    token = extract_csrf(as_champion.get(url(campaign, "new")).get_data(as_text=True))
    response = as_champion.post(url(campaign, "new"),
                                data=form([(ann, "supporter")], csrf_token=token))
    assert response.status_code == 302


def test_other_campaigns_conversations_are_not_found(as_champion, as_outsider, campaign,
                                                     other_campaign, people, users):
    stranger = person(other_campaign, users["outsider"], "Sam Stranger")
    theirs = conversation(other_campaign, users["outsider"], stranger)
    db.session.commit()
    assert as_champion.get(url(campaign, str(theirs.id))).status_code == 404
    assert as_champion.get(url(campaign, f"{theirs.id}/edit")).status_code == 404
    assert as_outsider.get(url(other_campaign, str(theirs.id))).status_code == 200


def test_time_is_read_in_the_users_zone(app, campaign, people, users):
    ann, _ = people
    users["champion"].timezone = "America/New_York"
    db.session.commit()
    client = login(app.test_client(), users["champion"])
    day = (datetime.now(UTC) - timedelta(days=30)).date()
    response = client.post(url(campaign, "new"),
                           data=form([(ann, "neutral")], when=f"{day.isoformat()}T09:30"))
    assert response.status_code == 302
    talk = db.session.scalar(db.select(Conversation))
    typed = datetime.combine(day, time(9, 30), tzinfo=ZoneInfo("America/New_York"))
    assert talk.occurred_at == typed.astimezone(UTC)
    assert talk.occurred_at.hour in (13, 14)  # 09:30 in New York is 13:30 or 14:30 UTC
