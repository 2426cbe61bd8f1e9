"""The list of conversations: newest first, filters, pagination, a constant query count."""

from datetime import UTC, datetime, timedelta

import pytest

from app.conversations.operations import FollowUpInput, ObjectionInput
from app.extensions import db
from app.models import Channel, Stance
from tests.factories import conversation, person, theme


def url(campaign, query=""):
    return f"/campaigns/{campaign.slug}/conversations/{query}"


@pytest.fixture
def history(campaign, users):
    """Ann met three times (two by the champion), Bob once by the lead."""
    ann = person(campaign, users["lead"], "Ann Archer", stance=Stance.sceptic)
    bob = person(campaign, users["lead"], "Bob Baker")
    now = datetime.now(UTC)
    talks = {
        "old": conversation(campaign, users["champion"], ann, when=now - timedelta(days=40),
                            channel=Channel.demo, subject="Old demo"),
        "mid": conversation(campaign, users["lead"], bob, when=now - timedelta(days=10),
                            channel=Channel.workshop, subject="Finance workshop"),
        "new": conversation(campaign, users["champion"], ann, when=now - timedelta(days=1),
                            stances={ann: Stance.supporter}, subject="Follow-up coffee",
                            objections=[ObjectionInput(ann, theme(campaign), "Data leaks")]),
    }
    db.session.commit()
    return ann, bob, talks


def test_newest_first_with_people_and_what_came_of_it(as_viewer, campaign, history):
    page = as_viewer.get(url(campaign)).get_data(as_text=True)
    assert page.index("Follow-up coffee") < page.index("Finance workshop") < page.index("Old demo")
    assert "1 objection" in page
    assert "Log a conversation" not in page  # viewers read, they do not log


@pytest.mark.parametrize("query, shown, hidden", [
    ("?channel=workshop", ["Finance workshop"], ["Old demo", "Follow-up coffee"]),
    ("?author=me", ["Old demo", "Follow-up coffee"], ["Finance workshop"]),
    ("?from={d15}", ["Finance workshop", "Follow-up coffee"], ["Old demo"]),
    ("?to={d5}", ["Finance workshop", "Old demo"], ["Follow-up coffee"]),
    ("?from={d15}&to={d5}", ["Finance workshop"], ["Old demo", "Follow-up coffee"]),
])
def test_filters(as_champion, campaign, history, query, shown, hidden):
    today = datetime.now(UTC).date()
    query = query.format(d15=today - timedelta(days=15), d5=today - timedelta(days=5))
    page = as_champion.get(url(campaign, query)).get_data(as_text=True)
    for subject in shown:
        assert subject in page
    for subject in hidden:
        assert subject not in page


def test_filter_by_attendee_and_by_author_id(as_champion, campaign, history, users):
    ann, bob, _ = history
    page = as_champion.get(url(campaign, f"?attendee={bob.stakeholder_id}")).get_data(as_text=True)
    assert "Finance workshop" in page and "Old demo" not in page
    assert "With <strong>Bob Baker</strong>" in page
    page = as_champion.get(url(campaign, f"?author={users['lead'].id}")).get_data(as_text=True)
    assert "Finance workshop" in page and "Follow-up coffee" not in page


def test_unknown_filter_values_are_ignored_with_a_note(as_champion, campaign, other_campaign,
                                                       history, users):
    stranger = person(other_campaign, users["outsider"], "Sam Stranger")
    db.session.commit()
    response = as_champion.get(url(
        campaign, "?channel=telepathy&author=someone&from=last-week"
                  f"&attendee={stranger.stakeholder_id}"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "no channel called" in page and "not a date" in page
    assert "not part of this campaign" in page and "Sam Stranger" not in page
    assert "Old demo" in page and "Finance workshop" in page


def test_pagination(app, as_champion, campaign, users):
    app.config["PER_PAGE"] = 2
    ann = person(campaign, users["lead"], "Ann Archer")
    for day in range(5):
        conversation(campaign, users["champion"], ann, subject=f"Talk {day}",
                     when=datetime.now(UTC) - timedelta(days=day + 1))
    db.session.commit()
    first = as_champion.get(url(campaign)).get_data(as_text=True)
    assert "Talk 0" in first and "Talk 2" not in first and "5 in all" in first
    third = as_champion.get(url(campaign, "?page=3")).get_data(as_text=True)
    assert "Talk 4" in third and "Talk 0" not in third


def test_the_list_runs_a_constant_number_of_queries(as_champion, campaign, users, count_queries):
    def load() -> int:
        with count_queries() as counter:
            assert as_champion.get(url(campaign)).status_code == 200
        return counter.count

    def add_conversations(n):
        for _ in range(n):
            people = [person(campaign, users["lead"]) for _ in range(3)]
            conversation(campaign, users["champion"], *people,
                         stances={people[0]: Stance.neutral},
                         objections=[ObjectionInput(people[1], theme(campaign), "No")])
        db.session.commit()

    add_conversations(2)
    few = load()
    add_conversations(12)
    assert load() == few


def test_a_conversation_page_runs_a_constant_number_of_queries(as_champion, campaign, users,
                                                               count_queries):
    def log(n):
        people = [person(campaign, users["lead"]) for _ in range(n)]
        talk = conversation(
            campaign, users["champion"], *people,
            stances={engagement: Stance.supporter for engagement in people},
            objections=[ObjectionInput(engagement, theme(campaign), "No") for engagement in people],
            follow_ups=[FollowUpInput("Call", datetime.now(UTC).date(), users["champion"].id,
                                      engagement) for engagement in people],
        )
        db.session.commit()
        with count_queries() as counter:
            assert as_champion.get(url(campaign, str(talk.id))).status_code == 200
        return counter.count

    assert log(1) == log(8)
