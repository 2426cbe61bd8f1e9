"""A Content-Security-Policy that lets no injected script run, and pages that live with it."""

import re
from pathlib import Path

import pytest

from app import CONTENT_SECURITY_POLICY
from tests.conftest import browser_login

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: Every page with a script of its own, and what proves the script ran.
SCRIPTED_PAGES = ("stakeholders/new", "objections/new", "conversations/new", "followups/new",
                  "briefings/new", "dashboard/")


def directives() -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))


def test_the_policy_allows_scripts_from_the_app_alone():
    policy = directives()
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_every_answer_carries_the_policy(client, as_lead, campaign):
    answers = [
        client.get("/login"),
        as_lead.get(f"/campaigns/{campaign.slug}/stakeholders/"),
        as_lead.get("/campaigns/no-such-campaign/"),
        as_lead.get("/healthz"),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 404, 200]
    for answer in answers:
        assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_templates_hold_no_inline_script(template):
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "event-handler attribute"
    assert "javascript:" not in html


@pytest.mark.browser
def test_pages_run_their_scripts_under_the_policy(page, users, campaign):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    browser_login(page, users["lead"])
    for path in SCRIPTED_PAGES:
        page.goto(f"/campaigns/{campaign.slug}/{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []
    # The shared picker, loaded from a file, still answers on the briefing builder.
    page.goto(f"/campaigns/{campaign.slug}/briefings/new")
    page.fill("#attendee-search", "zz-nobody")
    page.locator("#attendee-results", has_text="No one in this campaign matches").wait_for()
