"""Follow-ups: my list, overdue, done and reopen, a standalone follow-up, the nav badge."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.followups.operations import add_follow_up
from app.models import AuditEvent, FollowUp
from tests.conftest import extract_csrf
from tests.factories import conversation, person


def url(campaign, tail=""):
    return f"/campaigns/{campaign.slug}/followups/{tail}"


def today():
    return datetime.now(UTC).date()


@pytest.fixture
def follow_ups(campaign, users):
    """Mine overdue by 3 days, mine due next week, the lead's overdue, one already done."""
    ann = person(campaign, users["lead"], "Ann Archer")
    talk = conversation(campaign, users["champion"], ann, subject="Coffee with Ann")
    champion, lead = users["champion"], users["lead"]
    items = {
        "late": add_follow_up(campaign, champion, "Send the white paper",
                              today() - timedelta(days=3),
                              owner_id=champion.id, engagement=ann, conversation=talk),
        "soon": add_follow_up(campaign, champion, "Book the demo room", today() + timedelta(days=7),
                              owner_id=champion.id),
        "leads": add_follow_up(campaign, lead, "Brief the CIO", today() - timedelta(days=1),
                               owner_id=lead.id),
        "done": add_follow_up(campaign, lead, "Share the pilot survey", today() - timedelta(days=9),
                              owner_id=lead.id),
    }
    items["done"].done_at = datetime.now(UTC)
    db.session.commit()
    return items


def test_mine_is_the_default_view(as_champion, campaign, follow_ups):
    page = as_champion.get(url(campaign)).get_data(as_text=True)
    assert "Send the white paper" in page and "Book the demo room" in page
    assert "Brief the CIO" not in page and "Share the pilot survey" not in page
    assert page.index("Send the white paper") < page.index("Book the demo room")  # by due date
    assert "3 days overdue" in page and "gs-overdue" in page
    assert "Coffee with Ann" in page  # where it came from
    assert "Ann Archer" in page
    assert "Mark done" in page


@pytest.mark.parametrize("view, shown, hidden", [
    ("overdue", ["Send the white paper", "Brief the CIO"],
     ["Book the demo room", "Share the pilot survey"]),
    ("open", ["Send the white paper", "Brief the CIO", "Book the demo room"],
     ["Share the pilot survey"]),
    ("done", ["Share the pilot survey"], ["Send the white paper", "Brief the CIO"]),
])
def test_views(as_champion, campaign, follow_ups, view, shown, hidden):
    page = as_champion.get(url(campaign, f"?view={view}")).get_data(as_text=True)
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_tab_counts_and_unknown_view(as_champion, campaign, follow_ups):
    response = as_champion.get(url(campaign, "?view=someday"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "no “someday” view" in page
    counts = dict(re.findall(r'view=(\w+)"[^>]*>\s*[\w -]+ <span class="badge[^"]*">(\d+)<', page))
    assert counts == {"mine": "2", "overdue": "2", "open": "3", "done": "1"}


def test_done_and_reopen_return_to_the_same_view(as_champion, campaign, follow_ups, users):
    late = follow_ups["late"]
    response = as_champion.post(url(campaign, f"{late.id}/done"),
                                data={"next": url(campaign, "?view=overdue")})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(campaign, "?view=overdue"))
    db.session.refresh(late)
    assert late.done_at is not None and late.done_by_id == users["champion"].id
    back = as_champion.get(response.headers["Location"]).get_data(as_text=True)
    assert "Done: Send the white paper" in back  # the flash says what was done
    overdue = as_champion.get(url(campaign, "?view=overdue")).get_data(as_text=True)
    assert "Send the white paper" not in overdue
    done = as_champion.get(url(campaign, "?view=done")).get_data(as_text=True)
    assert "Send the white paper" in done

    response = as_champion.post(url(campaign, f"{late.id}/reopen"),
                                data={"next": url(campaign, "?view=done")})
    assert response.headers["Location"].endswith(url(campaign, "?view=done"))
    db.session.refresh(late)
    assert late.done_at is None
    events = db.session.scalars(db.select(AuditEvent).filter_by(
        entity_type="follow_up", entity_id=late.id, action="update").order_by(AuditEvent.id)).all()
    assert [list(event.changes) for event in events] == [["done_at", "done_by_id"]] * 2
    assert events[0].changes["done_at"][0] is None and events[1].changes["done_at"][1] is None


def test_next_never_leaves_the_site(as_champion, campaign, follow_ups):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = as_champion.post(url(campaign, f"{follow_ups['soon'].id}/done"),
                                    data={"next": target})
        assert response.headers["Location"].endswith(url(campaign))


def test_viewers_read_but_cannot_mark_done(as_viewer, as_outsider, campaign, follow_ups):
    page = as_viewer.get(url(campaign, "?view=open")).get_data(as_text=True)
    assert "Brief the CIO" in page and "Mark done" not in page
    assert as_viewer.post(url(campaign, f"{follow_ups['late'].id}/done")).status_code == 403
    assert as_viewer.get(url(campaign, "new")).status_code == 403
    assert as_outsider.get(url(campaign)).status_code == 404
    db.session.refresh(follow_ups["late"])
    assert follow_ups["late"].done_at is None


def test_follow_ups_of_other_campaigns_are_not_found(as_champion, campaign, other_campaign, users):
    theirs = add_follow_up(other_campaign, users["outsider"], "Theirs", today(),
                           owner_id=users["outsider"].id)
    db.session.commit()
    assert as_champion.post(url(campaign, f"{theirs.id}/done")).status_code == 404
    db.session.refresh(theirs)
    assert theirs.done_at is None


def test_a_standalone_follow_up(as_champion, campaign, users):
    ann = person(campaign, users["lead"], "Ann Archer")
    db.session.commit()
    page = as_champion.get(url(campaign, f"new?about={ann.id}")).get_data(as_text=True)
    assert "Ann Archer" in page and f'value="{ann.id}"' in page
    due = (today() + timedelta(days=2)).isoformat()
    response = as_champion.post(url(campaign, "new"), data={
        "description": "Invite Ann to the pilot", "owner_id": users["lead"].id,
        "due_on": due, "engagement_id": ann.id})
    assert response.status_code == 302 and response.headers["Location"].endswith("?view=open")
    follow_up = db.session.scalar(db.select(FollowUp))
    assert (follow_up.description, follow_up.owner_id, follow_up.engagement_id,
            follow_up.conversation_id) == (
        "Invite Ann to the pilot", users["lead"].id, ann.id, None)
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        entity_type="follow_up", action="create")) == 1


@pytest.mark.parametrize("change, message", [
    ({"description": ""}, "Say what needs doing"),
    ({"due_on": "tomorrow"}, "Not a valid date"),
    ({"owner_id": "999999"}, "Not a valid choice"),
    ({"engagement_id": "FOREIGN"}, "not part of this campaign"),
])
def test_a_standalone_follow_up_is_checked(as_champion, campaign, other_campaign, users,
                                           change, message):
    stranger = person(other_campaign, users["outsider"], "Sam Stranger")
    db.session.commit()
    data = {"description": "Call back", "owner_id": users["champion"].id,
            "due_on": today().isoformat(), "engagement_id": ""}
    data.update({key: str(stranger.id) if value == "FOREIGN" else value
                 for key, value in change.items()})
    response = as_champion.post(url(campaign, "new"), data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    if data["description"]:
        assert f'value="{data["description"]}"' in page
    assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == 0


def test_the_nav_shows_my_overdue_count(as_champion, as_lead, campaign, follow_ups):
    page = as_champion.get(f"/campaigns/{campaign.slug}/conversations/").get_data(as_text=True)
    assert re.search(r"Follow-ups <span class=\"badge[^>]*>1<", page)
    as_champion.post(url(campaign, f"{follow_ups['late'].id}/done"))
    page = as_champion.get(f"/campaigns/{campaign.slug}/conversations/").get_data(as_text=True)
    assert not re.search(r"Follow-ups <span class=\"badge", page)
    lead_page = as_lead.get(f"/campaigns/{campaign.slug}/conversations/").get_data(as_text=True)
    assert re.search(r"Follow-ups <span class=\"badge[^>]*>1<", lead_page)


def test_csrf_token_is_required(app, as_champion, campaign, follow_ups):
    app.config["WTF_CSRF_ENABLED"] = True
    late = follow_ups["late"]
    assert as_champion.post(url(campaign, f"{late.id}/done")).status_code == 400
    db.session.refresh(late)
    assert late.done_at is None
    token = extract_csrf(as_champion.get(url(campaign)).get_data(as_text=True))
    assert as_champion.post(url(campaign, f"{late.id}/done"),
                            data={"csrf_token": token}).status_code == 302
    db.session.refresh(late)
    assert late.done_at is not None


def test_the_list_runs_a_constant_number_of_queries(as_champion, campaign, users, count_queries):
    def load() -> int:
        with count_queries() as counter:
            assert as_champion.get(url(campaign, "?view=open")).status_code == 200
        return counter.count

    def add(n):
        for i in range(n):
            ann = person(campaign, users["lead"])
            talk = conversation(campaign, users["champion"], ann)
            add_follow_up(campaign, users["champion"], f"Task {i}", today() - timedelta(days=i),
                          owner_id=users["champion"].id, engagement=ann, conversation=talk)
        db.session.commit()

    add(2)
    few = load()
    add(15)
    assert load() == few
