"""Starting a campaign in a real browser (Chromium), form validation included."""

import pytest

from app.extensions import db
from app.models import Campaign
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_lead_starts_a_campaign_in_the_browser(page, users):
    browser_login(page, users["lead"])
    page.goto("/campaigns/new")
    page.fill("input[name=name]", "Working out loud in Sales")
    page.fill("input[name=change]", "Team spaces and a questions forum")
    page.fill("input[name=starts_on]", "2026-04-01")
    page.fill("input[name=ends_on]", "2026-03-01")
    page.check("text=Improve how we communicate")
    page.click("button:has-text('Create campaign')")
    assert "end date must be after the start" in page.content()
    # What was typed is still there; fix the date and submit again.
    assert page.input_value("input[name=name]") == "Working out loud in Sales"
    assert page.is_checked("text=Improve how we communicate")
    page.fill("input[name=ends_on]", "2026-10-31")
    page.fill("input[name='target_manager-share']", "60")
    page.fill("input[name='target_manager-due_on']", "2026-08-31")
    page.click("button:has-text('Create campaign')")
    page.wait_for_load_state()
    assert "/campaigns/working-out-loud-in-sales/" in page.url
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug="working-out-loud-in-sales"))
    assert campaign.goals == ["Improve how we communicate"]
    assert [(target.level.name, target.share) for target in campaign.targets] == [("manager", 60)]
