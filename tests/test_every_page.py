"""Every page of the demo campaign renders for an admin, and no GET writes anything."""

import re
from datetime import UTC, datetime

import pytest

from app.briefings.builder import build_briefing  # noqa: F401  (the briefing feature is loaded)
from app.demo.operations import demo_campaign, load_demo
from app.extensions import db
from app.formatting import user_clock
from app.jobs import operations as jobs
from app.models import (
    Briefing,
    Conversation,
    FollowUp,
    Job,
    KeyMessage,
    Landmine,
    Objection,
    ObjectionTheme,
    RiskItem,
    Stakeholder,
    User,
)
from app.users.operations import LINK_ENDPOINTS, issue_link
from tests.conftest import login

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b", re.I)


@pytest.fixture
def demo(app, users):
    """The demo campaign with one generated briefing and one finished job of the admin's
    (so their pages have a record to show)."""
    load_demo(user_clock())
    db.session.commit()
    campaign = demo_campaign()
    job = jobs.ask("report", campaign, users["admin"], {})
    jobs.finish(job, datetime.now(UTC), "Ready", result=b"%PDF-1.7", result_name="r.pdf",
                result_type="application/pdf")
    db.session.commit()
    briefing_cli = app.test_cli_runner().invoke(args=[
        "briefing", "render", "--campaign", campaign.slug, "--audience", "manager",
        "-o", "/dev/null"])
    assert briefing_cli.exit_code == 0, briefing_cli.output
    return campaign


def _first(model, campaign_id=None):
    query = db.select(model.id)
    if campaign_id is not None and hasattr(model, "campaign_id"):
        query = query.where(model.campaign_id == campaign_id)
    return db.session.scalar(query.order_by(model.id).limit(1))


def _urls(app, campaign):
    """Every GET route with real ids from the demo campaign."""
    values = {
        "slug": campaign.slug,
        "stakeholder_id": db.session.scalar(
            db.select(Stakeholder.id).join(Stakeholder.engagements)
            .where(Stakeholder.engagements.any(campaign_id=campaign.id)).limit(1)),
        "conversation_id": _first(Conversation, campaign.id),
        "objection_id": _first(Objection, campaign.id),
        "follow_up_id": _first(FollowUp, campaign.id),
        "theme_id": _first(ObjectionTheme, campaign.id),
        "message_id": _first(KeyMessage, campaign.id),
        "risk_id": _first(RiskItem, campaign.id),
        "landmine_id": _first(Landmine, campaign.id),
        "briefing_id": _first(Briefing, campaign.id),
        "user_id": _first(User),
        "job_id": _first(Job, campaign.id),
        "cs_slug": "cisco-channel-training",
    }
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        link_purposes = {endpoint: purpose for purpose, endpoint in LINK_ENDPOINTS.items()}
        if rule.endpoint in link_purposes:
            # A link's token is known only when the link is made: a fresh one per page.
            token = issue_link(db.session.get(User, values["user_id"]),
                               link_purposes[rule.endpoint], None)
            db.session.commit()
            yield rule.endpoint, rule.build({"token": token})[1]
            continue
        arguments = {name: values.get(name) for name in rule.arguments}
        if any(value is None for value in arguments.values()):
            missing = [name for name, value in arguments.items() if value is None]
            pytest.fail(f"no demo record for {rule.endpoint} {missing}")
        yield rule.endpoint, rule.build(arguments, append_unknown=False)[1]


def test_every_get_page_renders_and_writes_nothing(app, demo, users, count_queries):
    client = login(app.test_client(), users["admin"])
    checked = 0
    for endpoint, url in _urls(app, demo):
        if endpoint == "auth.login":
            continue
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code in (200, 302), (endpoint, url, response.status_code)
        writes = [statement for statement in counter.statements if WRITES.match(statement)]
        assert writes == [], (endpoint, url, writes)
        checked += 1
    assert checked > 40


def test_every_get_page_also_renders_through_a_real_server(app, demo, users, live_server):
    """The same pages through a real HTTP server, bodies read to the end. There each request
    gets its own database session, closed when the view returns: a page or download that
    still needs it afterwards (a streamed body) fails here and nowhere else."""
    import urllib.error

    from tests.conftest import http_login

    opener = http_login(live_server, users["admin"])
    failures = []
    for endpoint, url in _urls(app, demo):
        if endpoint == "auth.login":
            continue
        try:
            with opener.open(f"{live_server}{url}") as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            failures.append((endpoint, url, error.code))
    assert failures == []
