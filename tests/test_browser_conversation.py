"""Logging a conversation in a real browser: the picker, stance selects, rows, and the result.

Set GROUNDSWELL_SHOTS=/some/dir to also save screenshots of the pages at 1280 and 390 px.
"""

import os
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.followups.operations import add_follow_up
from app.models import Conversation, Level, Stance
from tests.conftest import browser_login
from tests.factories import person

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("GROUNDSWELL_SHOTS")


@pytest.fixture(autouse=True)
def _bootstrap_from_the_app(app):
    """Serve Bootstrap from the package, as production should: the browser has no network."""
    app.config["BOOTSTRAP_SERVE_LOCAL"] = True


def shoot(page, name: str) -> None:
    """Save the page at desktop and phone widths when screenshots are asked for."""
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def pick(page, typed: str, name: str) -> None:
    """Type part of a name into the picker and click the suggestion."""
    page.fill("#attendee-search", typed)
    page.locator("#attendee-results [role=option]", has_text=name).click()


def test_a_champion_logs_a_conversation_with_two_people(page, users, campaign):
    lead = users["lead"]
    ann = person(campaign, lead, "Annika Archer", stance=Stance.sceptic, title="Head of IT",
                 level=Level.manager)
    bob = person(campaign, lead, "Bartholomew Baker", stance=Stance.neutral,
                 department="Finance")
    person(campaign, lead, "Annabel Other", stance=Stance.blocker)
    db.session.commit()

    browser_login(page, users["champion"])
    page.goto(f"/campaigns/{campaign.slug}/conversations/new")
    pick(page, "nnika", "Annika Archer")
    pick(page, "barthol", "Bartholomew Baker")
    rows = page.locator("[data-attendees] [data-attendee]")
    assert rows.count() == 2
    # Each row starts at the person's current stance, and the picker no longer offers them.
    assert page.locator("select[name='attendees-0-stance_after']").input_value() == "sceptic"
    assert page.locator("select[name='attendees-1-stance_after']").input_value() == "neutral"
    page.fill("#attendee-search", "Ann")
    expect_names = page.locator("#attendee-results [role=option]")
    expect_names.first.wait_for()
    assert "Annika Archer" not in expect_names.all_inner_texts()[0]
    page.keyboard.press("Escape")
    page.fill("#attendee-search", "")

    page.select_option("select[name='attendees-0-stance_after']", "neutral")
    page.select_option("select[name='attendees-1-stance_after']", "supporter")
    page.click("label[for=channel-demo]")
    page.fill("textarea[name=summary]", "Showed **search** and the expertise finder.")

    page.click("[data-add-row=objection]")
    page.select_option("select[name='objections-0-raised_by']", label="Annika Archer")
    page.fill("textarea[name='objections-0-statement']", "Files would leave the firewall")
    page.click("[data-add-row=follow-up]")
    page.fill("input[name='follow_ups-0-description']", "Send the security white paper")
    page.select_option("select[name='follow_ups-0-about']", label="Annika Archer")
    shoot(page, "conversation-form")

    page.click("button:has-text('Save conversation')")
    page.wait_for_url("**/conversations/*")
    assert page.locator(".alert-success").inner_text().startswith("Conversation logged with 2")
    shoot(page, "conversation-show")
    page.click("text=Edit")
    page.wait_for_url("**/edit")
    shoot(page, "conversation-edit")

    talk = db.session.scalar(db.select(Conversation))
    assert talk.channel.name == "demo"
    for engagement, label in ((ann, "Neutral"), (bob, "Supporter")):
        page.goto(f"/campaigns/{campaign.slug}/stakeholders/{engagement.stakeholder_id}")
        assert page.locator(f".stance:has-text('{label}')").first.is_visible()
        db.session.refresh(engagement)
    assert (ann.stance, bob.stance) == (Stance.neutral, Stance.supporter)
    page.goto(f"/campaigns/{campaign.slug}/conversations/")
    assert page.locator("table tbody tr").count() == 1
    shoot(page, "conversations-list")


def test_a_refused_form_comes_back_with_its_rows_and_the_picker_still_works(page, users,
                                                                             campaign):
    ann = person(campaign, users["lead"], "Annika Archer", stance=Stance.sceptic)
    person(campaign, users["lead"], "Bartholomew Baker", stance=Stance.neutral)
    db.session.commit()
    browser_login(page, users["champion"])
    page.goto(f"/campaigns/{campaign.slug}/conversations/new?attendee={ann.id}")
    assert page.locator("[data-attendee]").count() == 1
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=occurred_at]", future)
    page.select_option("select[name='attendees-0-stance_after']", "champion")
    page.click("[data-add-row=follow-up]")
    page.fill("input[name='follow_ups-0-description']", "Book a second demo")
    page.click("button:has-text('Save conversation')")
    page.wait_for_load_state()
    assert "in the future" in page.locator("body").inner_text()
    assert page.locator("select[name='attendees-0-stance_after']").input_value() == "champion"
    assert (page.locator("input[name='follow_ups-0-description']").input_value()
            == "Book a second demo")
    shoot(page, "conversation-form-refused")

    # Adding a second person after the refusal numbers the new row after the kept one.
    pick(page, "barth", "Bartholomew Baker")
    assert page.locator("select[name='attendees-1-stance_after']").input_value() == "neutral"
    page.fill("input[name=occurred_at]",
              (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.click("button:has-text('Save conversation')")
    page.wait_for_url("**/conversations/*")
    assert db.session.scalar(db.select(db.func.count(Conversation.id))) == 1


def test_follow_ups_and_lists_look_right(page, users, campaign):
    """Marks a follow-up done from the overdue tab; captures the list pages when asked."""
    ann = person(campaign, users["lead"], "Annika Archer", stance=Stance.sceptic)
    today = datetime.now(UTC).date()
    add_follow_up(campaign, users["champion"], "Send the security white paper",
                  today - timedelta(days=3), owner_id=users["champion"].id, engagement=ann)
    add_follow_up(campaign, users["champion"], "Book the demo room", today + timedelta(days=4),
                  owner_id=users["champion"].id)
    db.session.commit()
    browser_login(page, users["champion"])
    page.goto(f"/campaigns/{campaign.slug}/followups/?view=overdue")
    assert page.locator(".gs-subnav .badge").inner_text().startswith("1")
    assert "3 days overdue" in page.locator("table").inner_text()
    shoot(page, "followups")
    page.click("button:has-text('Mark done')")
    page.wait_for_load_state()
    assert page.url.endswith("?view=overdue")
    assert "Nothing overdue" in page.locator("main").inner_text()
    page.goto(f"/campaigns/{campaign.slug}/followups/new?about={ann.id}")
    shoot(page, "followup-new")
    page.goto(f"/campaigns/{campaign.slug}/conversations/")
    shoot(page, "conversations")
