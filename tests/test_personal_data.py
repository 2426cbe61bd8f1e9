"""Personal-data requests: a person's data exported (JSON, PDF, command line) and erased."""

import dataclasses
import io
import json
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from markupsafe import Markup
from pypdf import PdfReader

from app.briefings.builder import build_briefing
from app.briefings.jobs import render_within_budget
from app.briefings.operations import add_key_message, add_risk_item, generate_briefing
from app.conversations.operations import FollowUpInput, ObjectionInput
from app.dashboard import summary
from app.dashboard.metrics import Filters, Scope
from app.extensions import db
from app.formatting import user_clock
from app.models import (
    AuditEvent,
    Briefing,
    Engagement,
    Job,
    Level,
    Objection,
    ObjectionStatus,
    RiskArea,
    Stakeholder,
    Stance,
)
from app.objections.operations import change_objection_status, raise_objection
from app.stakeholders.operations import archive_engagement, change_stance, update_stakeholder
from tests.factories import conversation, person, theme

OLD_NAME = "Mima Quarrington"
NAME = "Jemima Quarrington"
OLD_EMAIL = "mima.q@oldmail.example.org"


def pdf_text(data: bytes) -> str:
    """All the words of a PDF, whitespace collapsed (lines wrap anywhere)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclasses.dataclass
class Story:
    jemima: Engagement
    otto: Engagement
    kit: Engagement
    email: str
    coffee_id: int
    her_briefing_id: int
    kit_briefing_id: int

    @property
    def url(self) -> str:
        return (f"/campaigns/collaboration-platform-rollout/stakeholders/"
                f"{self.jemima.stakeholder_id}")

    @property
    def secrets(self) -> list[str]:
        """Everything that must be gone after the erasure (compared in lower case)."""
        return [NAME, OLD_NAME, self.email, OLD_EMAIL, "Quarrington", "Claims handler",
                "Our client data will leak to the web."]


@pytest.fixture
def story(app, campaign, users) -> Story:
    """Jemima, renamed and re-addressed once, in conversations, objections, follow-ups, a
    stance history, a risk item and a stored briefing; Otto and Kit around her."""
    lead, champion = users["lead"], users["champion"]
    message = add_key_message(campaign, lead, {"level": Level.worker, "title": "Ask once",
                                               "body": "Ask the whole firm a question."})
    manager = person(campaign, lead, "Morag Manager", level=Level.manager, department="Risk")
    jemima = person(campaign, lead, OLD_NAME, level=Level.worker, department="Risk",
                    title="Claims handler", reports_to=manager, stance=Stance.sceptic,
                    owner=champion)
    email = jemima.stakeholder.email
    update_stakeholder(jemima.stakeholder, lead, {
        "name": OLD_NAME, "email": OLD_EMAIL, "title": "Claims handler", "department": "Risk",
        "level": Level.worker, "reports_to_id": manager.stakeholder_id, "influence": 4,
    })
    update_stakeholder(jemima.stakeholder, lead, {
        "name": NAME, "email": email, "title": "Claims handler", "department": "Risk",
        "level": Level.worker, "reports_to_id": manager.stakeholder_id, "influence": 4,
    })
    otto = person(campaign, lead, "Otto Other", level=Level.worker, department="Risk")
    kit = person(campaign, lead, "Kit Keeper", level=Level.manager, department="IT")
    security = theme(campaign)
    days_ago = datetime.now(UTC) - timedelta(days=5)

    coffee = conversation(
        campaign, champion, jemima, otto, when=days_ago,
        stances={jemima: Stance.neutral},
        subject="Coffee with jemima quarrington",
        summary=f"Met **{NAME}** ([{email}](mailto:{email})); Otto listened.\n\n"
                f"{NAME.upper()} worries about client data.",
        objections=[ObjectionInput(jemima, security, "Our client data will leak to the web.")],
        follow_ups=[FollowUpInput(f"Send {NAME} the Cisco case", date.today(),
                                  engagement=jemima)],
        key_message_ids=[message.id],
        case_study_slugs=["cisco-channel-training"],
    )
    conversation(campaign, champion, otto, when=days_ago + timedelta(hours=2),
                 summary=f"Otto says {OLD_EMAIL} is her old address; she is Mima to friends. "
                         f"{OLD_NAME} agreed.")
    her_objection = db.session.scalar(
        db.select(Objection).filter_by(engagement_id=jemima.id))
    change_objection_status(her_objection, ObjectionStatus.answered, lead,
                            note=f"Answered {NAME} with the playbook",
                            at=days_ago + timedelta(hours=3))
    raise_objection(campaign, lead, otto, security,
                    f"Agrees with {NAME} that data will leak.", at=days_ago)
    change_stance(jemima, Stance.supporter, lead, at=days_ago + timedelta(days=1),
                  reason=f"{NAME} came round after the demo")
    add_risk_item(campaign, lead, {"area": RiskArea.information, "question": "Who owns leaks?",
                                   "owner": NAME, "notes": f"Ask {email}"})

    draft = build_briefing(campaign, Level.worker, [jemima],
                           introduction=f"For {NAME}'s team ({email}).")
    her_briefing = generate_briefing(draft, lead, render_within_budget(draft), user_clock())
    kit_draft = build_briefing(campaign, Level.manager, [kit], introduction="For Kit.")
    kit_briefing = generate_briefing(kit_draft, lead, render_within_budget(kit_draft),
                                     user_clock())
    db.session.commit()
    assert NAME in pdf_text(her_briefing.pdf) and email in her_briefing.introduction
    return Story(jemima, otto, kit, email, coffee.id, her_briefing.id, kit_briefing.id)


# --- Export ----------------------------------------------------------------------------------


def test_the_json_export_holds_everything_about_the_person(story, as_lead, users):
    response = as_lead.post(f"{story.url}/personal-data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data())

    assert data["campaign"]["slug"] == "collaboration-platform-rollout"
    assert data["person"] | {"reports_to": None} == {
        "id": story.jemima.stakeholder_id, "name": NAME, "email": story.email,
        "title": "Claims handler", "department": "Risk", "level": "worker",
        "reports_to": None, "influence": 4,
    }
    assert data["person"]["reports_to"]["name"] == "Morag Manager"
    assert data["engagement"]["stance"] == "supporter"
    assert data["engagement"]["owner"] == users["champion"].name
    assert data["engagement"]["archived_at"] is None

    moves = [(move["from"], move["to"]) for move in data["stance_history"]]
    assert moves == [(None, "sceptic"), ("sceptic", "neutral"), ("neutral", "supporter")]
    assert data["stance_history"][-1]["reason"] == f"{NAME} came round after the demo"
    assert data["stance_history"][-1]["by"] == users["lead"].name

    [coffee] = data["conversations"]
    assert coffee["title"] == "Coffee with jemima quarrington"
    assert coffee["channel"] == "one_to_one"
    assert f"**{NAME}**" in coffee["summary_markdown"]
    assert coffee["other_attendees"] == ["Otto Other"]

    [objection] = data["objections"]
    assert objection["statement"] == "Our client data will leak to the web."
    assert [(e["from"], e["to"]) for e in objection["history"]] == [
        (None, "open"), ("open", "answered")]
    assert objection["history"][1]["note"] == f"Answered {NAME} with the playbook"

    assert [f["description"] for f in data["follow_ups"]] == [f"Send {NAME} the Cisco case"]
    heard = {(e["kind"], e["conversation_id"] is not None) for e in data["exposures"]}
    assert {("key_message", True), ("case_study", True)} <= heard
    assert any(e["briefing_id"] == story.her_briefing_id for e in data["exposures"])
    assert [b["id"] for b in data["briefings"]] == [story.her_briefing_id]
    actions = {(e["record"], e["action"]) for e in data["audit_events"]}
    assert {("stakeholder", "create"), ("stakeholder", "update"), ("objection", "create"),
            ("engagement", "update"), ("follow_up", "create")} <= actions
    # The Otto-only conversation is not hers.
    assert all(c["id"] == story.coffee_id for c in data["conversations"])


def test_each_download_is_audited_without_personal_values(story, as_lead, as_admin, users,
                                                          through_job):
    assert as_lead.post(f"{story.url}/personal-data.json").status_code == 200
    assert through_job(as_admin, f"{story.url}/personal-data.pdf").file.status_code == 200
    events = db.session.scalars(
        db.select(AuditEvent).filter_by(action="export").order_by(AuditEvent.id)).all()
    assert [(e.user_id, e.changes["format"][1], e.stakeholder_id, e.campaign_id)
            for e in events] == [
        (users["lead"].id, "json", story.jemima.stakeholder_id, story.jemima.campaign_id),
        (users["admin"].id, "pdf", story.jemima.stakeholder_id, story.jemima.campaign_id),
    ]
    assert NAME not in json.dumps([e.changes for e in events])


def test_the_pdf_export_reads_as_the_persons_file(story, as_lead, through_job):
    response = through_job(as_lead, f"{story.url}/personal-data.pdf").file
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.get_data())
    for expected in (NAME, story.email, "Claims handler", "Morag Manager",
                     "Coffee with jemima quarrington", "Otto Other",
                     "Our client data will leak to the web.", f"Send {NAME} the Cisco case",
                     f"{NAME} came round after the demo", "Stance history", "Audit trail",
                     "Briefings that named them", "Cisco"):
        assert expected in text, expected
    assert "<strong>" not in text  # the summary's Markdown is rendered, not shown raw


def test_a_history_too_long_to_print_points_to_the_json(story, app, as_lead, through_job):
    app.config["PDF_MAX_PAGES"] = 1
    made = through_job(as_lead, f"{story.url}/personal-data.pdf")
    assert made.file is None
    text = made.html
    assert "the limit is 1" in text and "The JSON download has no such limit" in text
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                             .filter_by(action="export")) == 0


def test_only_leads_and_admins_may_export_or_erase(story, login_as):
    urls = [("post", f"{story.url}/personal-data.json"), ("post", f"{story.url}/personal-data.pdf"),
            ("get", f"{story.url}/erase"), ("post", f"{story.url}/erase")]
    for who, status in (("champion", 403), ("viewer", 403), ("outsider", 404)):
        client = login_as(who)
        for method, url in urls:
            response = getattr(client, method)(url, data={"confirm": "y"})
            assert response.status_code == status, (who, method, url)
    assert db.session.get(Stakeholder, story.jemima.stakeholder_id).name == NAME
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                             .filter_by(action="export")) == 0
    assert login_as("admin").get(f"{story.url}/erase").status_code == 200


def test_the_persons_page_offers_the_request_to_leads_only(story, as_lead, as_champion):
    page = as_lead.get(story.url).get_data(as_text=True)
    assert 'id="personal-data"' in page and "Download JSON" in page
    assert "Erase their details" in page
    page = as_champion.get(story.url).get_data(as_text=True)
    assert "personal-data" not in page and "/erase" not in page


# --- Erasure ---------------------------------------------------------------------------------


def numbers(value):
    """Every figure of a dashboard, without the words (names, reasons, titles)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: numbers(getattr(value, f.name))
                for f in dataclasses.fields(value) if f.name != "scope"}
    if isinstance(value, dict):
        return {key: numbers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [numbers(item) for item in value]
    if isinstance(value, db.Model):
        return (type(value).__name__, value.id)
    if isinstance(value, str | Markup):
        return None
    return value


#: Dashboard parts that always describe today's current people, whatever the date filter.
CURRENT_ONLY = {"next", "grid", "tree_roots", "tree_total_roots"}


def dashboard(campaign, **filters):
    now = datetime.now(UTC)
    board = summary.build(Scope(campaign, Filters(**filters), now, now.date()), limit=1000)
    return numbers(board), numbers(board.headline)


def every_stored_value() -> str:
    """Every value of every row of every table, as text, plus every stored PDF's words."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(db.select(table)):
            parts.extend(str(value) for value in row)
    for pdf in db.session.scalars(db.select(Briefing.pdf).where(Briefing.pdf.is_not(None))):
        parts.append(pdf_text(pdf))
    return "\n".join(parts).lower()


def test_erasing_removes_the_person_everywhere_and_keeps_every_figure(story, campaign, as_lead,
                                                                       users):
    yesterday = date.today() - timedelta(days=1)
    before_as_of_yesterday = dashboard(campaign, date_to=yesterday)
    stored = every_stored_value()
    assert all(secret.lower() in stored for secret in story.secrets)

    page = as_lead.get(f"{story.url}/erase")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    person_id = story.jemima.stakeholder_id
    assert f"Erased person {person_id}" in text and "cannot be undone" in text
    assert "2 conversations," in text  # the coffee and the one that names her old address
    refused = as_lead.post(f"{story.url}/erase", data={})
    assert refused.status_code == 400
    assert "Tick the box" in refused.get_data(as_text=True)
    assert db.session.get(Stakeholder, person_id).name == NAME

    response = as_lead.post(f"{story.url}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()

    stored = every_stored_value()
    for secret in story.secrets:
        assert secret.lower() not in stored, secret
    erased = db.session.get(Stakeholder, person_id)
    assert erased.name == f"Erased person {person_id}"
    assert erased.email == f"erased-person-{person_id}" and "@" not in erased.email
    assert (erased.department, erased.level, erased.influence) == ("Risk", Level.worker, 4)
    engagement = db.session.get(Engagement, story.jemima.id)
    assert engagement.archived_at is not None and engagement.erased_at is not None

    # The numbers stay: attendee, stance history, objections, follow-ups, exposures.
    # Whom to talk to next, the reporting tree and the grid's report counts describe the
    # people current today, which the archiving (part of erasing) changes like any archiving;
    # the next test compares those for a person archived beforehand.
    figures, headline = dashboard(campaign, date_to=yesterday)
    assert {key: value for key, value in figures.items() if key not in CURRENT_ONLY} == {
        key: value for key, value in before_as_of_yesterday[0].items()
        if key not in CURRENT_ONLY}
    assert headline == before_as_of_yesterday[1]
    record = as_lead.post(f"{story.url}/personal-data.json").get_json()
    assert [c["id"] for c in record["conversations"]] == [story.coffee_id]
    assert record["conversations"][0]["other_attendees"] == ["Otto Other"]
    assert len(record["stance_history"]) == 3 and len(record["objections"]) == 1
    assert record["objections"][0]["statement"].startswith("[Statement erased")
    follow_up = record["follow_ups"][0]["description"]
    assert follow_up == f"Send Erased person {person_id} the Cisco case"
    assert record["exposures"]
    otto_page = as_lead.get(f"/campaigns/{campaign.slug}/conversations/{story.coffee_id}")
    assert f"Erased person {person_id}" in otto_page.get_data(as_text=True)

    # The briefing that named her lost its PDF and says so; Kit's is untouched.
    hers = db.session.get(Briefing, story.her_briefing_id)
    assert hers.pdf is None and hers.pdf_sha256 is None
    assert hers.introduction == f"For Erased person {person_id}'s team (Erased person {person_id})."
    page = as_lead.get(f"/campaigns/{campaign.slug}/briefings/{hers.id}").get_data(as_text=True)
    assert "The PDF of this briefing was removed" in page and "Download PDF" not in page
    assert as_lead.get(f"/campaigns/{campaign.slug}/briefings/{hers.id}.pdf").status_code == 404
    kits = db.session.get(Briefing, story.kit_briefing_id)
    assert kits.pdf is not None and "Kit Keeper" in pdf_text(kits.pdf)

    # The erasure is audited, without the erased values; it is final.
    [event] = db.session.scalars(db.select(AuditEvent).filter_by(action="erase")).all()
    assert event.user_id == users["lead"].id and event.stakeholder_id == person_id
    assert len(event.changes["conversations"][1]) == 2  # their ids, never their text
    assert event.changes["briefing_pdfs_removed"][1] == [story.her_briefing_id]
    show = as_lead.get(story.url).get_data(as_text=True)
    assert "Erased</strong>" in show and "Erase their details" not in show
    assert "Restore" not in show and "mailto:" not in show
    assert as_lead.post(f"{story.url}/restore").status_code == 302
    assert as_lead.get(f"{story.url}/edit").status_code == 302
    assert db.session.get(Engagement, story.jemima.id).archived_at is not None
    again = as_lead.get(f"{story.url}/erase")
    assert again.status_code == 302


def test_erasing_an_archived_person_leaves_todays_figures_as_they_were(story, campaign, users):
    from app.personal_data.operations import erase_person

    archive_engagement(story.jemima, users["lead"], now=datetime.now(UTC))
    db.session.commit()
    before = dashboard(campaign)
    erase_person(story.jemima, users["lead"], now=datetime.now(UTC))
    db.session.commit()
    db.session.expire_all()
    assert dashboard(campaign) == before
    assert before[1]["people"] == 3  # Morag, Otto and Kit; Jemima left when archived


# --- Command line ----------------------------------------------------------------------------


def test_the_command_line_exports_json_and_pdf(story, runner, tmp_path):
    output = tmp_path / "jemima.json"
    result = runner.invoke(args=["person", "export", story.email.upper(), "--campaign",
                                 "collaboration-platform-rollout", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "1 conversations" in result.output
    data = json.loads(output.read_text())
    assert data["person"]["name"] == NAME and data["objections"][0]["theme"]
    pdf = tmp_path / "jemima.pdf"
    result = runner.invoke(args=["person", "export", story.email, "--campaign",
                                 "collaboration-platform-rollout", "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    assert NAME in pdf_text(pdf.read_bytes())
    formats = db.session.scalars(db.select(AuditEvent.changes).filter_by(action="export")).all()
    assert [changes["format"][1] for changes in formats] == ["json", "pdf"]


def test_the_command_line_says_what_it_cannot_find(story, runner, tmp_path):
    output = tmp_path / "x.json"
    result = runner.invoke(args=["person", "export", story.email, "--campaign", "nope",
                                 "-o", str(output)])
    assert result.exit_code != 0 and "no campaign with the slug 'nope'" in result.output
    result = runner.invoke(args=["person", "erase", "nobody@example.org", "--campaign",
                                 "collaboration-platform-rollout", "--yes"])
    assert result.exit_code != 0
    assert "No one with the email nobody@example.org in campaign" in result.output
    assert not output.exists()


def test_the_command_line_erases_only_with_yes(story, runner, users):
    args = ["person", "erase", story.email, "--campaign", "collaboration-platform-rollout"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "Not erased: add --yes" in result.output and "Erased person" in result.output
    db.session.expire_all()
    assert db.session.get(Stakeholder, story.jemima.stakeholder_id).name == NAME

    result = runner.invoke(args=[*args, "--yes", "--by", users["lead"].email])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    person = db.session.get(Stakeholder, story.jemima.stakeholder_id)
    assert person.name == f"Erased person {person.id}"
    [event] = db.session.scalars(db.select(AuditEvent).filter_by(action="erase")).all()
    assert event.user_id == users["lead"].id
    result = runner.invoke(args=[*args, "--yes"])
    assert result.exit_code != 0  # the email is gone: nobody to find any more


# --- In the browser ----------------------------------------------------------------------------


def test_a_lead_downloads_and_erases_in_the_browser(story, page, users):
    from tests.conftest import browser_login

    browser_login(page, users["lead"])
    page.goto(story.url)
    with page.expect_download() as download:
        page.click("text=Download JSON")
    data = json.loads(open(download.value.path()).read())
    assert data["person"]["email"] == story.email

    page.click("text=Erase their details…")
    page.click("button:has-text('Erase')")  # without the box ticked
    assert "Tick the box" in page.content()
    page.check("input[name=confirm]")
    page.click("button:has-text('Erase')")
    page.wait_for_load_state()
    person_id = story.jemima.stakeholder_id
    assert page.locator("h1").inner_text() == f"Erased person {person_id}"
    assert NAME not in page.content() and story.email not in page.content()


def test_erasing_drops_the_documents_jobs_made_in_the_campaign(story, as_lead, through_job):
    made = through_job(as_lead, f"{story.url}/personal-data.pdf")
    assert made.file.status_code == 200
    job_page = made.page.request.path
    assert as_lead.post(f"{story.url}/erase", data={"confirm": "y"}).status_code == 302
    assert as_lead.get(f"{job_page}/download").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Job.id)).where(Job.result.is_not(None))) == 0
    erased = db.session.scalars(db.select(AuditEvent).filter_by(action="erase")).one()
    assert erased.changes["job_documents_removed"] == [None, 1]
