"""The stakeholder pages in a real browser: desktop and phone widths, and the manager lookup."""

import os
from datetime import UTC, date, datetime, timedelta

import pytest

from app.conversations.operations import FollowUpInput, ObjectionInput
from app.extensions import db
from app.models import Level, Stance
from tests.conftest import browser_login
from tests.factories import conversation, person, theme

pytestmark = pytest.mark.browser

#: Set GROUNDSWELL_SHOTS=/some/dir to keep screenshots of each page and width for a look.
SHOTS = os.environ.get("GROUNDSWELL_SHOTS")


@pytest.fixture(autouse=True)
def _bootstrap_from_the_app(app):
    """Serve Bootstrap from the package: the test browser has no network."""
    app.config["BOOTSTRAP_SERVE_LOCAL"] = True


@pytest.fixture
def office(campaign, users):
    lead, champion = users["lead"], users["champion"]
    cfo = person(campaign, lead, "Margaret Okafor", level=Level.executive, stance=Stance.sceptic,
                 department="Finance", title="Chief Financial Officer", influence=5, owner=lead)
    grace = person(campaign, lead, "Grace Hill", level=Level.manager, stance=Stance.sceptic,
                   department="Legal and Compliance", title="Head of Compliance", influence=4,
                   reports_to=cfo, owner=champion)
    for n, (name, stance) in enumerate([("Ivan Petrov", Stance.supporter),
                                        ("Lena Fischer", Stance.neutral),
                                        ("Tom Brady-Nwosu", Stance.blocker)]):
        person(campaign, lead, name, stance=stance, reports_to=grace, department="Legal",
               title="Compliance analyst", influence=1 + n)
    now = datetime.now(UTC)
    conversation(
        campaign, champion, grace, when=now - timedelta(days=12), subject="Compliance walkthrough",
        stances={grace: Stance.neutral},
        objections=[ObjectionInput(grace, theme(campaign, "leakage-compliance"),
                                   "Client data could end up in an open group")],
        follow_ups=[FollowUpInput("Send the retention policy", date.today() - timedelta(days=2),
                                  owner_id=champion.id, engagement=grace)],
    )
    conversation(campaign, lead, grace, cfo, when=now - timedelta(days=3),
                 subject="Pilot space demo for the finance and legal leadership team",
                 stances={grace: Stance.supporter})
    db.session.commit()
    return grace


def look(page, name: str) -> None:
    """Check nothing spills sideways, and keep a screenshot when asked to."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name}: page is {scroll}px wide in a {width}px window"
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_list_and_person_page_fit_the_screen(page, users, campaign, office, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, users["lead"])
    page.goto(f"/campaigns/{campaign.slug}/stakeholders/")
    assert page.locator("table.gs-people tbody tr").count() == 5
    look(page, "list")
    page.goto(f"/campaigns/{campaign.slug}/stakeholders/?level=overlord&stance=sceptic")
    assert page.locator(".alert-warning").is_visible()
    look(page, "list-filtered")
    page.goto(f"/campaigns/{campaign.slug}/stakeholders/{office.stakeholder_id}")
    assert page.locator("h1").inner_text() == "Grace Hill"
    # Two talks (each with the move it made), the objection, and joining.
    assert page.locator(".timeline > li").count() == 4
    look(page, "person")
    page.click("details.gs-audit-card > summary")
    assert page.locator("table.gs-audit").is_visible()
    look(page, "person-audit")
    page.goto(f"/campaigns/{campaign.slug}/stakeholders/{office.stakeholder_id}/edit")
    look(page, "edit")


def test_reports_to_suggests_people_as_you_type(page, users, campaign, office):
    browser_login(page, users["champion"])
    page.goto(f"/campaigns/{campaign.slug}/stakeholders/new")
    page.fill("#reports_to", "marg")
    option = page.locator("#manager-options option").first
    option.wait_for(state="attached")
    assert option.get_attribute("value") == office.stakeholder.reports_to.email
    assert "Margaret Okafor" in option.get_attribute("label")
    page.fill("#name", "Nora Quinn")
    page.fill("#email", "nora@example.org")
    page.fill("#reports_to", office.stakeholder.reports_to.email)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Nora Quinn"
    network = page.locator("section[aria-labelledby=network-title]").inner_text()
    assert "Margaret Okafor" in network
