"""In Chromium: open the demo campaign's dashboard, filter it by department and follow a
"next conversation" link to the person's page."""

import re

import pytest

pytestmark = pytest.mark.browser

DEMO_LEAD = ("lead@demo.groundswell.example", "demo-lead-password")


@pytest.fixture
def demo(app, runner):
    app.config["BOOTSTRAP_SERVE_LOCAL"] = True  # no CDN: the browser only reaches localhost
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return "northmoor-connect"


def test_dashboard_filter_and_next_conversation(page, demo):
    page.goto("/login")
    page.fill("input[name=email]", DEMO_LEAD[0])
    page.fill("input[name=password]", DEMO_LEAD[1])
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"/campaigns/{demo}/dashboard/")
    assert page.locator("h1").inner_text() == "Campaign progress"
    assert page.locator("svg[role=img]").count() == 5
    assert page.locator("a.nav-link.active").inner_text() == "Dashboard"

    page.select_option("#filter-department", "Risk")
    page.click("button:has-text('Apply')")
    page.wait_for_load_state()
    assert re.search(r"[?&]department=Risk", page.url)
    assert page.locator("#filter-department").input_value() == "Risk"
    assert "Risk" in page.locator(".gs-muted.small").first.inner_text()

    section = page.locator("section[aria-labelledby=next]")
    link = section.locator("ol li a").first
    name = link.inner_text()
    reason = section.locator(".gs-reason").first.inner_text()
    assert "influence" in reason and "target" in reason
    link.click()
    page.wait_for_load_state()
    assert re.search(r"/stakeholders/\d+$", page.url)
    assert page.locator("h1").inner_text() == name
    assert "Risk" in page.locator("main").inner_text()
