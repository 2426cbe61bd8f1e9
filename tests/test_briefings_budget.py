"""A first draft fits its page budget: runner-up case studies make way, nothing else does."""

import io

import pytest
from pypdf import PdfReader
from werkzeug.security import generate_password_hash

from app.briefings import builder
from app.briefings.builder import build_briefing
from app.briefings.jobs import render_within_budget
from app.briefings.operations import add_key_message, count_pages
from app.demo.operations import demo_campaign, load_demo
from app.extensions import db
from app.formatting import user_clock
from app.models import Briefing, Level
from tests.conftest import post_job

LONG = " ".join(["Procedures, fixes and decisions live in the team space where new starters "
                 "can find them, not in one person's inbox."] * 6)


def manager_draft(campaign, users, messages: int = 3):
    for n in range(messages):
        add_key_message(campaign, users["lead"],
                        {"level": Level.manager, "title": f"Message {n + 1}", "body": LONG})
    db.session.commit()
    return build_briefing(campaign, Level.manager)


def kept_cases(draft) -> list[str]:
    return [item.key for item in draft.kept if item.kind == "case_study"]


def test_a_draft_within_budget_is_left_alone(campaign, users, monkeypatch):
    monkeypatch.setitem(builder.BUDGET_PAGES, Level.manager, 20)
    draft = manager_draft(campaign, users)
    before = kept_cases(draft)
    assert len(before) == 2  # a manager draft offers two case studies kept

    pdf = render_within_budget(draft)

    assert kept_cases(draft) == before
    assert not any(item.fitted for item in draft.items)
    assert draft.pages == count_pages(pdf) and not draft.over_budget


def test_runner_up_cases_make_way_and_the_rest_stays(campaign, users, monkeypatch):
    # A one-page manager budget cannot hold three long messages and two case studies.
    monkeypatch.setitem(builder.BUDGET_PAGES, Level.manager, 1)
    draft = manager_draft(campaign, users)
    first, second = kept_cases(draft)
    agenda_before = [line.title for line in draft.agenda]

    pdf = render_within_budget(draft)

    # The best-fitting case study stays, the runner-up is left out and says why.
    assert kept_cases(draft) == [first]
    fitted = [item for item in draft.items if item.fitted]
    assert [item.key for item in fitted] == [second] and fitted[0].dropped
    # Messages are never left out to save paper: the warning says what is still over.
    assert [item.title for item in draft.kept if item.kind == "message"] == [
        "Message 1", "Message 2", "Message 3"]
    assert draft.over_budget and "drop an item" in draft.budget_status
    # What follows from the kept items was worked out again, and the PDF is the final one.
    assert len(draft.agenda) == len(agenda_before) - 1
    assert draft.case_study_slugs == [first.removeprefix("case:")]
    assert draft.pages == count_pages(pdf)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert fitted[0].title not in text


@pytest.fixture
def demo(app, monkeypatch):
    monkeypatch.setattr(
        "app.models.user.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )
    load_demo(user_clock())
    db.session.commit()
    return demo_campaign()


def test_the_demo_briefings_fit_their_budgets_first_time(demo, client):
    response = client.post("/login", data={"email": "lead@demo.groundswell.example",
                                           "password": "demo-lead-password"})
    assert response.status_code == 302
    for level in Level:
        response = post_job(client, f"/campaigns/{demo.slug}/briefings/new",
                            data={"audience": level.name, "action": "generate"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "within budget" in html, f"the first {level.name} draft runs over"


def test_the_command_line_fits_the_budget_and_says_what_it_left_out(
        app, campaign, users, runner, tmp_path, monkeypatch):
    monkeypatch.setitem(builder.BUDGET_PAGES, Level.manager, 1)
    manager_draft(campaign, users)
    out = tmp_path / "managers.pdf"
    result = runner.invoke(args=["briefing", "render", "--campaign", campaign.slug,
                                 "--audience", "manager", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Left out to fit the 1-page budget:" in result.output
    assert count_pages(out.read_bytes()) >= 1
    briefing = db.session.scalar(db.select(Briefing).order_by(Briefing.id.desc()))
    assert len(briefing.content["case_study_slugs"]) == 1
