"""The register, an objection and the playbook in a real browser, at desktop and phone width.

Set GS_SHOTS=/some/dir to keep screenshots of each page at each width.
"""

import os
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Level, ObjectionStatus, Stance
from tests.conftest import browser_login
from tests.factories import conversation, person
from tests.test_objections import objection

BASE = "/campaigns/collaboration-platform-rollout/objections"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def shown(campaign, users):
    """A register worth looking at: several themes, levels, statuses and a conversation."""
    lead = users["lead"]
    ann = person(campaign, lead, "Ann Ashworth", level=Level.executive, stance=Stance.sceptic,
                 title="Chief Information Officer", department="IT")
    bob = person(campaign, lead, "Bob Mensah", level=Level.manager, stance=Stance.blocker,
                 title="Head of Internal Communications", department="HR")
    cat = person(campaign, lead, "Cat Lindqvist", level=Level.worker, stance=Stance.neutral,
                 title="Claims handler", department="Operations")
    talk = conversation(campaign, lead, ann, bob, subject="Steering group: platform demo",
                        when=datetime.now(UTC) - timedelta(days=12))
    first = objection(campaign, lead, ann, "security",
                      "Employee data will sit on **someone else's servers**, outside our firewall.",
                      days_ago=12, conversation=talk)
    objection(campaign, lead, bob, "loss-of-control",
              "If anyone can post, how do we keep our messages consistent?", days_ago=12,
              conversation=talk, status=ObjectionStatus.answered)
    objection(campaign, lead, cat, "time-wasting", "I already have three inboxes to watch.",
              days_ago=4)
    objection(campaign, lead, ann, "it-support-scale",
              "Who supports it at 2 a.m., and what happens to the licences when we grow?",
              days_ago=30)
    objection(campaign, lead, cat, "fad", "We had a wiki in 2012 and nobody used it.",
              days_ago=60, status=ObjectionStatus.parked)
    db.session.commit()
    return first


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen(page, users, shown, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    browser_login(page, users["champion"])
    shots = os.environ.get("GS_SHOTS")
    for name, url in (("register", f"{BASE}/"), ("objection", f"{BASE}/{shown.id}"),
                      ("playbook", f"{BASE}/playbook"), ("new", f"{BASE}/new")):
        response = page.goto(url)
        assert response.status == 200, url
        assert _no_sideways_scroll(page), f"{name} scrolls sideways at {width}"
        if shots:
            os.makedirs(shots, exist_ok=True)
            page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
            page.screenshot(path=f"{shots}/{name}-{width}-top.png")
    page.goto(f"{BASE}/")
    assert page.get_by_text("Ann Ashworth").first.is_visible()
    assert page.locator("section.gs-card h2").first.inner_text() == "Data leaving the firewall"


def test_status_change_and_typeahead_in_the_browser(page, users, shown, campaign):
    browser_login(page, users["champion"])
    page.goto(f"{BASE}/{shown.id}")
    page.select_option("select[name=status]", "resolved")
    page.click("text=Save status")
    assert page.locator(".is-invalid").count() == 1  # a note is needed to resolve
    page.fill("textarea[name=note]", "IT showed the hosting review; she is satisfied.")
    page.click("text=Save status")
    page.wait_for_url(f"**{BASE}/{shown.id}")
    assert "Marked resolved." in page.content()
    assert page.locator(".timeline li").count() == 2

    page.goto(f"{BASE}/new")
    page.fill("input[name=person]", "Lind")
    # Locators, not wait_for_function: the page's CSP forbids evaluating strings.
    suggestions = page.locator("#people-suggestions option")
    suggestions.first.wait_for(state="attached")
    assert suggestions.count() == 1
    email = suggestions.get_attribute("value")
    page.fill("input[name=person]", email)
    page.select_option("select[name=theme_id]", label="Cost and proof of value")
    page.fill("textarea[name=statement]", "Who pays for the licences?")
    page.click("text=Raise objection")
    page.wait_for_load_state()
    assert "Objection raised." in page.content()
    assert "Cat Lindqvist" in page.content()


def test_lead_edits_a_theme_in_the_browser(page, users, campaign):
    page.set_viewport_size({"width": 390, "height": 900})
    browser_login(page, users["lead"])
    page.goto(f"{BASE}/playbook?level=manager")
    assert page.locator(".gs-answer").count() == 9
    page.locator("#theme-fad").get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    assert _no_sideways_scroll(page)
    if shots := os.environ.get("GS_SHOTS"):
        page.screenshot(path=f"{shots}/theme-edit-phone.png", full_page=True)
    page.fill("textarea[name=answer_manager]", "Ask: **which job** would this make easier?")
    page.click("text=Save theme")
    page.wait_for_url("**/playbook#theme-fad")
    assert page.locator("#theme-fad strong", has_text="which job").is_visible()
