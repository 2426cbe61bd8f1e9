"""Security review: every campaign route checked for membership, role, foreign record ids,
CSRF and redirects; user text checked for escaping in pages, pictures and exports."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from app.briefings.operations import add_key_message
from app.extensions import db
from app.followups.operations import add_follow_up
from app.jobs import operations as jobs
from app.models import Briefing, Job, KeyMessage, Landmine, Level, Objection, RiskItem
from app.objections.operations import raise_objection
from tests import factories
from tests.conftest import extract_csrf, post_job

CAMPAIGN_PREFIX = "/campaigns/<slug>"


@dataclass
class Records:
    """One record of every kind a campaign URL can name, all in one campaign."""

    slug: str
    stakeholder_id: int
    engagement_id: int
    conversation_id: int
    objection_id: int
    theme_id: int
    follow_up_id: int
    message_id: int
    risk_id: int
    landmine_id: int
    briefing_id: int
    user_id: int
    job_id: int

    def url_values(self, cs_slug: str) -> dict:
        return {
            "slug": self.slug, "stakeholder_id": self.stakeholder_id,
            "conversation_id": self.conversation_id, "objection_id": self.objection_id,
            "theme_id": self.theme_id, "follow_up_id": self.follow_up_id,
            "message_id": self.message_id, "risk_id": self.risk_id,
            "landmine_id": self.landmine_id, "briefing_id": self.briefing_id,
            "user_id": self.user_id, "table": "levels", "cs_slug": cs_slug,
            "token": "no-such-link", "job_id": self.job_id,
        }


def make_records(campaign, author, member, name="Rita Record") -> Records:
    """A person, conversation, objection, follow-up, key message and briefing in `campaign`."""
    engagement = factories.person(campaign, author, name, level=Level.executive)
    conversation = factories.conversation(campaign, author, engagement)
    theme = factories.theme(campaign)
    objection = raise_objection(campaign, author, engagement, theme, "Too risky.",
                                at=datetime.now(UTC))
    follow_up = add_follow_up(campaign, author, "Send the case study",
                              date.today() + timedelta(days=3), owner_id=author.id,
                              engagement=engagement)
    message = add_key_message(campaign, author, {"level": Level.executive,
                                                 "title": "Evidence first", "body": ""})
    briefing = Briefing(campaign_id=campaign.id, audience=Level.executive, content={},
                        pdf=b"%PDF-1.7 test", pdf_sha256="0" * 64, created_at=datetime.now(UTC))
    db.session.add(briefing)
    jobs.finish(jobs.ask("report", campaign, member, {}), datetime.now(UTC), "Ready",
                result=b"%PDF-1.7 test", result_name="r.pdf", result_type="application/pdf")
    db.session.commit()
    first = lambda model: db.session.scalar(  # noqa: E731
        db.select(model.id).where(model.campaign_id == campaign.id).order_by(model.id))
    return Records(
        slug=campaign.slug, stakeholder_id=engagement.stakeholder_id,
        engagement_id=engagement.id, conversation_id=conversation.id,
        objection_id=objection.id, theme_id=theme.id, follow_up_id=follow_up.id,
        message_id=message.id, risk_id=first(RiskItem), landmine_id=first(Landmine),
        briefing_id=briefing.id, user_id=member.id, job_id=first(Job),
    )


@pytest.fixture
def ours(campaign, users):
    return make_records(campaign, users["lead"], users["champion"])


@pytest.fixture
def theirs(other_campaign, users):
    return make_records(other_campaign, users["outsider"], users["outsider"])


def campaign_routes(app):
    """(endpoint, rule, methods) of every route under /campaigns/<slug>/."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(CAMPAIGN_PREFIX):
            yield rule.endpoint, rule, sorted(rule.methods - {"HEAD", "OPTIONS"})


def build(rule, values: dict) -> str:
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def a_case_study(app) -> str:
    return app.extensions["case_studies"].all()[0].slug


#: Routes whose every method needs at least champion; a viewer gets 403.
CHAMPION_ROUTES = {
    "stakeholders.new", "stakeholders.edit", "stakeholders.import_",
    "stakeholders.archive", "stakeholders.restore", "conversations.new", "conversations.edit",
    "objections.new", "objections.status", "objections.edit", "followups.new",
    "followups.done", "followups.reopen", "briefings.new",
}
#: Routes whose every method needs at least lead; a champion gets 403.
LEAD_ROUTES = {
    "campaign.settings", "campaign.members", "campaign.member_role", "campaign.member_remove",
    "objections.new_theme", "objections.edit_theme", "objections.retire", "objections.restore",
    "briefings.message_new",
    "briefings.message_edit", "briefings.message_archive", "briefings.message_restore",
    "briefings.risk_new", "briefings.risk_edit", "briefings.risk_delete",
    "briefings.landmine_new", "briefings.landmine_edit", "briefings.landmine_delete",
    "case_studies.index", "case_studies.show", "case_studies.pdf",
    "personal_data.export_json", "personal_data.export_pdf", "personal_data.erase",
}


#: POST routes open to every member, viewers included: they only ask for a document the
#: member may already read (a job makes it; only its asker sees the job).
DOCUMENT_ROUTES = {"dashboard_report.report", "stakeholders.export", "conversations.export",
                   "objections.export", "dashboard.export"}


def test_every_route_that_changes_something_is_in_a_role_table(app):
    """A new POST route must be added to CHAMPION_ROUTES or LEAD_ROUTES (or this test)."""
    posting = {endpoint for endpoint, _, methods in campaign_routes(app) if "POST" in methods}
    assert posting - CHAMPION_ROUTES - LEAD_ROUTES - DOCUMENT_ROUTES == set()


def test_a_non_member_gets_404_for_every_campaign_route_and_method(app, ours, as_outsider):
    values = ours.url_values(a_case_study(app))
    wrong = []
    for endpoint, rule, methods in campaign_routes(app):
        url = build(rule, values)
        for method in methods:
            status = as_outsider.open(url, method=method).status_code
            if status != 404:
                wrong.append((endpoint, method, status))
    assert wrong == []


def test_a_viewer_is_refused_every_champion_and_lead_route(app, ours, as_viewer):
    values = ours.url_values(a_case_study(app))
    wrong = []
    for endpoint, rule, methods in campaign_routes(app):
        if endpoint not in CHAMPION_ROUTES | LEAD_ROUTES:
            continue
        for method in methods:
            status = as_viewer.open(build(rule, values), method=method).status_code
            if status != 403:
                wrong.append((endpoint, method, status))
    assert wrong == []


def test_a_champion_is_refused_every_lead_route(app, ours, as_champion):
    values = ours.url_values(a_case_study(app))
    wrong = []
    for endpoint, rule, methods in campaign_routes(app):
        if endpoint not in LEAD_ROUTES:
            continue
        for method in methods:
            status = as_champion.open(build(rule, values), method=method).status_code
            if status != 403:
                wrong.append((endpoint, method, status))
    assert wrong == []


def test_a_champion_may_not_edit_someone_elses_conversation(ours, as_champion):
    url = f"/campaigns/{ours.slug}/conversations/{ours.conversation_id}/edit"
    assert as_champion.get(url).status_code == 403
    assert as_champion.post(url, data={"summary": "rewritten"}).status_code == 403


def test_another_campaigns_record_ids_under_this_campaign_give_404(app, ours, theirs, as_admin):
    values = {**theirs.url_values(a_case_study(app)), "slug": ours.slug}
    wrong = []
    for endpoint, rule, methods in campaign_routes(app):
        ids = set(rule.arguments) - {"slug", "table", "cs_slug"}
        if not ids:
            continue
        for method in methods:
            status = as_admin.open(build(rule, values), method=method).status_code
            if status != 404:
                wrong.append((endpoint, method, status))
    assert wrong == []
    # Nothing of theirs was touched through our URLs.
    assert db.session.get(Objection, theirs.objection_id).status.name == "open"
    assert db.session.get(KeyMessage, theirs.message_id).archived_at is None
    assert db.session.get(RiskItem, theirs.risk_id) is not None
    assert db.session.get(Landmine, theirs.landmine_id) is not None
    assert db.session.get(Briefing, theirs.briefing_id) is not None


# --- User text is escaped everywhere -----------------------------------------------------

ATTACK = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
#: What would be live markup if user text reached the page unescaped.
RAW_MARKERS = ("<img src=x", "<script>alert", 'href="javascript', "href='javascript")


def hostile_campaign(campaign, users) -> Records:
    """A campaign whose people, departments, titles and texts are all script injections."""
    lead = users["lead"]
    boss = factories.person(campaign, lead, "Boss " + ATTACK, level=Level.executive,
                            department="Dept " + ATTACK, title="Title " + ATTACK,
                            stance=factories.Stance.blocker, influence=5)
    worker = factories.person(campaign, lead, "Worker " + ATTACK, department="Dept " + ATTACK,
                              title="T " + ATTACK, reports_to=boss,
                              stance=factories.Stance.supporter)
    summary = f"Said {ATTACK} and [click](javascript:alert(3)) <a href='javascript:alert(4)'>x</a>"
    factories.conversation(campaign, lead, boss, worker, summary=summary,
                           stances={boss: factories.Stance.sceptic}, subject="S " + ATTACK)
    raise_objection(campaign, lead, boss, factories.theme(campaign), "Obj " + ATTACK,
                    at=datetime.now(UTC))
    add_follow_up(campaign, lead, "Do " + ATTACK, date.today() - timedelta(days=2),
                  owner_id=users["champion"].id, engagement=worker)
    users["champion"].name = "Champ " + ATTACK
    campaign.description = "Why " + ATTACK
    add_key_message(campaign, lead, {"level": Level.executive, "title": "KM " + ATTACK,
                                     "body": "Body " + ATTACK})
    db.session.commit()
    # Quotes that would end a JavaScript string inside an inline handler attribute.
    return make_records(campaign, lead, users["champion"], name="Quinn');alert(5);('")


def inline_handlers(page: str) -> list[tuple[str, str]]:
    """(tag, attribute) of every on…= event handler attribute in the page."""
    from html.parser import HTMLParser

    found = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend((tag, name) for name, _ in attrs if name.startswith("on"))

    Finder().feed(page)
    return found


def test_user_text_is_escaped_on_every_get_page(app, campaign, users, as_admin):
    records = hostile_campaign(campaign, users)
    values = records.url_values(a_case_study(app))
    checked = 0
    for endpoint, rule, methods in campaign_routes(app):
        if "GET" not in methods or endpoint.endswith((".pdf", ".report")):
            continue
        if endpoint.startswith("jobs."):
            continue  # only the job's asker (the champion) sees it; see tests/test_jobs.py
        response = as_admin.get(build(rule, values))
        assert response.status_code == 200, endpoint
        if response.mimetype != "text/html":
            continue  # CSV and JSON: checked on their own below
        body = response.get_data(as_text=True)
        for marker in RAW_MARKERS:
            assert marker not in body, (endpoint, marker)
        # No inline handlers: the browser decodes entities in an attribute before running
        # it as script, so autoescaping cannot keep user text inside a JS string there.
        assert inline_handlers(body) == [], endpoint
        checked += 1
    assert checked > 25


def test_user_text_is_escaped_in_pdf_html(app, campaign, users, as_lead, monkeypatch,
                                          through_job):
    """What WeasyPrint is given (report, case study, briefing) carries no live markup."""
    import app.pdf as pdf_module

    seen = []
    real_html = pdf_module.HTML

    def capture(*args, **kwargs):
        seen.append(kwargs["string"])
        return real_html(*args, **kwargs)

    monkeypatch.setattr(pdf_module, "HTML", capture)
    records = hostile_campaign(campaign, users)
    base = f"/campaigns/{records.slug}"
    assert through_job(as_lead, f"{base}/report.pdf").file.status_code == 200
    response = post_job(as_lead, f"{base}/briefings/new", data={
        "audience": "executive", "attendees": [records.engagement_id],
        "introduction": "Intro " + ATTACK, "action": "generate"})
    assert "/briefings/" in response.request.path, response.get_data(as_text=True)[:500]
    assert len(seen) == 2
    for document in seen:
        assert "&lt;img src=x" in document  # the text is there, as text
        for marker in RAW_MARKERS:
            assert marker not in document, marker


def test_search_json_is_json_not_html(campaign, users, as_viewer):
    hostile_campaign(campaign, users)
    response = as_viewer.get(f"/campaigns/{campaign.slug}/stakeholders/search.json?q=boss")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_json()[0]["name"] == "Boss " + ATTACK


# --- CSV exports never hand a spreadsheet a formula ---------------------------------------

FORMULAS = ("=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1")


def _csv_cells(response) -> list[str]:
    import csv
    import io

    return [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True)))
            for cell in row]


def test_csv_exports_defuse_formulas_in_every_cell(app, campaign, users, as_viewer, through_job):
    lead = users["lead"]
    for n, formula in enumerate(FORMULAS):
        engagement = factories.person(campaign, lead, f"Name {n}", department=f"D{n}")
        # Straight into the row: text from older imports or the CLI was never stripped.
        engagement.stakeholder.name = formula
        engagement.stakeholder.department = formula
        engagement.stakeholder.title = formula
    db.session.commit()
    base = f"/campaigns/{campaign.slug}"
    urls = [f"{base}/stakeholders/export.csv", f"{base}/dashboard/departments.csv",
            f"{base}/dashboard/never-contacted.csv", f"{base}/dashboard/coverage-departments.csv"]
    for url in urls:
        response = through_job(as_viewer, url).file
        assert response.status_code == 200, url
        cells = _csv_cells(response)
        for formula in FORMULAS:
            assert formula not in cells, (url, formula)
        assert any(cell == "'" + FORMULAS[0] for cell in cells), url


# --- Links built from the query string ----------------------------------------------------


@pytest.mark.parametrize("query", [
    "_anchor=x", "_external=1", "_external=1&_scheme=javascript", "_method=POST",
    "slug=other-rollout", "page=1&_anchor=x",
])
def test_query_arguments_cannot_steer_pager_and_sort_links(campaign, users, as_viewer, query):
    for n in range(3):
        factories.person(campaign, users["lead"], f"Person {n}")
    db.session.commit()
    response = as_viewer.get(f"/campaigns/{campaign.slug}/stakeholders/?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/campaigns/{campaign.slug}/stakeholders/?sort=' in html
    assert "http://" not in html.split("<main", 1)[-1]
    assert "other-rollout" not in html


def test_a_path_argument_in_the_query_string_does_not_break_the_page(campaign, users, as_lead):
    engagement = factories.person(campaign, users["lead"], "Ann")
    db.session.commit()
    url = f"/campaigns/{campaign.slug}/stakeholders/{engagement.stakeholder_id}"
    assert as_lead.get(f"{url}?stakeholder_id=999&history=all").status_code == 200


# --- CSRF -------------------------------------------------------------------------------------


def all_post_routes(app, values):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            yield rule.endpoint, build(rule, values)


def test_every_post_route_refuses_a_request_without_a_csrf_token(app, ours, as_admin):
    from app.models import AuditEvent, UserSession

    app.config["WTF_CSRF_ENABLED"] = True
    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    values = ours.url_values(a_case_study(app))
    # The Account page's "Sign out" buttons name one of the user's sign-in sessions.
    values["session_id"] = db.session.scalar(db.select(UserSession.id).limit(1))
    wrong = []
    routes = list(all_post_routes(app, values))
    for endpoint, url in routes:
        if endpoint == "auth.login":
            continue  # signing in with a session already open just redirects
        response = as_admin.post(url, data={"description": "x", "title": "x", "role": "viewer"})
        if response.status_code != 400:
            wrong.append((endpoint, response.status_code))
    assert len(routes) > 30
    assert wrong == []
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before


def test_sign_in_itself_needs_a_csrf_token(app, client, users):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": "lead@example.org",
                                           "password": "correct horse battery"})
    assert response.status_code == 400
    token = extract_csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "lead@example.org", "csrf_token": token,
                                           "password": "correct horse battery"})
    assert response.status_code == 302


def test_every_form_on_every_page_carries_a_csrf_token(app, ours, as_admin):
    app.config["WTF_CSRF_ENABLED"] = True
    values = ours.url_values(a_case_study(app))
    forms = 0
    for endpoint, rule, methods in campaign_routes(app):
        if "GET" not in methods:
            continue
        response = as_admin.get(build(rule, values))
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method="post"', form, re.I):
                forms += 1
                assert 'name="csrf_token"' in form, (endpoint, form[:200])
    assert forms > 20


# --- Ids inside form bodies must belong to this campaign -----------------------------------


def row_counts() -> dict[str, int]:
    """Rows in every table: a refused submission leaves them all as they were."""
    return {table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def conversation_data(attendee_id, **extra) -> dict:
    now = datetime.now().replace(microsecond=0) - timedelta(hours=3)
    return {"occurred_at": now.strftime("%Y-%m-%dT%H:%M"), "channel": "meeting",
            "duration_minutes": "30", "subject": "s", "summary": "",
            "attendees-0-engagement_id": str(attendee_id),
            "attendees-0-stance_after": "neutral", **extra}


def test_conversation_refuses_ids_from_another_campaign(ours, theirs, users, as_champion):
    url = f"/campaigns/{ours.slug}/conversations/new"
    foreign_due = (date.today() + timedelta(days=3)).isoformat()
    cases = {
        "attendee": conversation_data(theirs.engagement_id),
        "objection theme": conversation_data(ours.engagement_id, **{
            "objections-0-theme_id": str(theirs.theme_id),
            "objections-0-raised_by": str(ours.engagement_id),
            "objections-0-statement": "no"}),
        "objection raised by a non-attendee": conversation_data(ours.engagement_id, **{
            "objections-0-theme_id": str(ours.theme_id),
            "objections-0-raised_by": str(theirs.engagement_id),
            "objections-0-statement": "no"}),
        "follow-up owner": conversation_data(ours.engagement_id, **{
            "follow_ups-0-description": "x", "follow_ups-0-owner_id": str(users["outsider"].id),
            "follow_ups-0-due_on": foreign_due, "follow_ups-0-about": ""}),
        "follow-up about": conversation_data(ours.engagement_id, **{
            "follow_ups-0-description": "x", "follow_ups-0-owner_id": str(users["champion"].id),
            "follow_ups-0-due_on": foreign_due,
            "follow_ups-0-about": str(theirs.engagement_id)}),
        "key message": conversation_data(ours.engagement_id,
                                         key_message_ids=str(theirs.message_id)),
    }
    before = row_counts()
    for case, data in cases.items():
        assert as_champion.post(url, data=data).status_code == 400, case
    assert row_counts() == before
    # The same submission with our own ids goes through.
    ok = conversation_data(ours.engagement_id, key_message_ids=str(ours.message_id))
    assert as_champion.post(url, data=ok).status_code == 302


def test_follow_up_refuses_a_foreign_owner_or_person(ours, theirs, users, as_champion):
    url = f"/campaigns/{ours.slug}/followups/new"
    due = (date.today() + timedelta(days=3)).isoformat()
    before = row_counts()
    for data in ({"description": "x", "owner_id": users["outsider"].id, "due_on": due},
                 {"description": "x", "owner_id": users["champion"].id, "due_on": due,
                  "engagement_id": theirs.engagement_id}):
        assert as_champion.post(url, data=data).status_code == 400, data
    assert row_counts() == before


def test_stakeholder_form_refuses_a_foreign_owner_or_manager(ours, theirs, users, as_champion):
    from app.models import Stakeholder

    theirs_email = db.session.get(Stakeholder, theirs.stakeholder_id).email
    url = f"/campaigns/{ours.slug}/stakeholders/new"
    base = {"name": "New Person", "email": "new.person@example.org", "level": "worker",
            "influence": "3", "stance": "unknown", "target_stance": "supporter",
            "interest": "3", "owner_id": ""}
    before = row_counts()
    for extra in ({"owner_id": str(users["outsider"].id)}, {"reports_to": theirs_email},
                  {"owner_id": str(users["viewer"].id)}):
        assert as_champion.post(url, data={**base, **extra}).status_code == 400, extra
    assert row_counts() == before


def test_objection_forms_refuse_foreign_themes_and_people(ours, theirs, as_champion):
    from app.models import Stakeholder

    base = f"/campaigns/{ours.slug}/objections"
    theirs_email = db.session.get(Stakeholder, theirs.stakeholder_id).email
    ours_email = db.session.get(Stakeholder, ours.stakeholder_id).email
    today = date.today().isoformat()
    before = row_counts()
    for data in ({"person": theirs_email, "theme_id": ours.theme_id, "statement": "no",
                  "raised_on": today},
                 {"person": ours_email, "theme_id": theirs.theme_id, "statement": "no",
                  "raised_on": today}):
        assert as_champion.post(f"{base}/new", data=data).status_code == 400, data
    response = as_champion.post(f"{base}/{ours.objection_id}/edit",
                                data={"theme_id": theirs.theme_id, "statement": "changed"})
    assert response.status_code == 400
    assert row_counts() == before
    assert db.session.get(Objection, ours.objection_id).theme_id == ours.theme_id


def test_briefing_refuses_a_foreign_attendee(ours, theirs, as_champion):
    before = row_counts()
    response = as_champion.post(f"/campaigns/{ours.slug}/briefings/new", data={
        "audience": "executive", "attendees": [ours.engagement_id, theirs.engagement_id],
        "action": "generate"})
    assert response.status_code == 400
    assert row_counts() == before


def test_members_of_another_campaign_cannot_be_changed_from_this_one(ours, theirs, users,
                                                                       as_lead):
    from app.models import Membership

    base = f"/campaigns/{ours.slug}/members/{users['outsider'].id}"
    assert as_lead.post(f"{base}/role", data={"role": "viewer"}).status_code == 404
    assert as_lead.post(f"{base}/remove").status_code == 404
    other = db.session.get(Membership, (db.session.get(Briefing, theirs.briefing_id).campaign_id,
                                        users["outsider"].id))
    assert other.role.name == "lead"


# --- Another campaign's person cannot be pulled in, by id or by email -------------------


def test_no_route_brings_another_campaigns_person_into_this_one(ours, theirs, as_champion):
    """People belong to their campaign: there is no "join" any more, and typing their
    email makes this campaign's own record, never a link to theirs."""
    from app.models import Engagement, Stakeholder

    theirs_person = db.session.get(Stakeholder, theirs.stakeholder_id)
    before = row_counts()
    url = f"/campaigns/{ours.slug}/stakeholders/{theirs.stakeholder_id}/join"
    assert as_champion.post(url, data={"email": theirs_person.email}).status_code == 404
    assert row_counts() == before
    assert db.session.scalar(db.select(db.func.count(Engagement.id)).filter_by(
        stakeholder_id=theirs.stakeholder_id)) == 1


# --- Confirmation questions quote names as text, never as script ---------------------------

QUOTE_BREAKER = "Quinn');alert(5);('"


def test_a_name_in_a_confirmation_question_cannot_become_script(campaign, users, as_champion):
    import html as html_module

    engagement = factories.person(campaign, users["lead"], QUOTE_BREAKER)
    db.session.commit()
    page = as_champion.get(f"/campaigns/{campaign.slug}/stakeholders/"
                           f"{engagement.stakeholder_id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*/archive"[^>]*>', page).group(0)
    assert "onsubmit" not in form
    assert html_module.unescape(re.search(r'data-confirm="([^"]*)"', form).group(1)) == (
        f"Archive {QUOTE_BREAKER} in this campaign? They leave its lists and pickers; their "
        "history stays, and other campaigns keep them.")


def test_the_confirmation_still_asks_and_a_no_keeps_the_person(page, campaign, users):
    from app.models import Engagement
    from tests.conftest import browser_login

    engagement = factories.person(campaign, users["lead"], QUOTE_BREAKER)
    db.session.commit()
    dialogs = []

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", answer)
    browser_login(page, users["champion"])
    page.goto(f"/campaigns/{campaign.slug}/stakeholders/{engagement.stakeholder_id}")
    archive = page.locator("form[action$='/archive'] button")
    archive.click()
    page.wait_for_timeout(300)
    db.session.expire_all()
    assert db.session.get(Engagement, engagement.id).archived_at is None
    archive.click()
    page.wait_for_load_state()
    page.wait_for_selector("text=Restore")
    db.session.expire_all()
    assert db.session.get(Engagement, engagement.id).archived_at is not None
    assert [kind for kind, _ in dialogs] == ["confirm", "confirm"]
    assert dialogs[0][1].startswith(f"Archive {QUOTE_BREAKER} in this campaign?")


# --- Cookies and passwords ------------------------------------------------------------------


def test_the_remember_me_cookie_is_as_guarded_as_the_session_cookie(app, client, users):
    from app.config import Config

    response = client.post("/login", data={"email": "lead@example.org", "remember": "y",
                                           "password": "correct horse battery"})
    assert response.status_code == 302
    cookie = next(value for value in response.headers.getlist("Set-Cookie")
                  if value.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Whoever turns on Secure for the session (SESSION_COOKIE_SECURE=1) gets it here too.
    assert Config.REMEMBER_COOKIE_SECURE == Config.SESSION_COOKIE_SECURE


def test_passwords_are_stored_hashed(app):
    from app.auth.operations import create_user
    from app.models import Role

    user = create_user("new@example.org", "New", Role.viewer, "a long enough password")
    assert "a long enough password" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.check_password("a long enough password")


# --- Redirects stay on this site -------------------------------------------------------------

NASTY_TARGETS = (
    "//evil.example/x", "/\\evil.example/x", "\\\\evil.example", "/\t/evil.example",
    "https://evil.example", "javascript:alert(1)", "/%5Cevil.example", " //evil.example",
)


def same_site(location: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(location)
    # A browser reads a backslash as a slash: "/\\host" would leave the site.
    return (not parts.scheme and not parts.netloc and location.startswith("/")
            and not location.startswith("//") and "\\" not in location)


def test_follow_up_buttons_only_return_to_pages_of_this_site(ours, as_champion):
    base = f"/campaigns/{ours.slug}/followups/{ours.follow_up_id}"
    for target in NASTY_TARGETS:
        for action in ("done", "reopen"):
            response = as_champion.post(f"{base}/{action}", data={"next": target})
            assert response.status_code == 302
            assert same_site(response.headers["Location"]), (target, response.headers["Location"])
    back = f"/campaigns/{ours.slug}/followups/?view=open&page=1"
    response = as_champion.post(f"{base}/done", data={"next": back})
    assert response.headers["Location"] == back


def test_sign_in_only_goes_on_to_pages_of_this_site(client, users):
    from urllib.parse import quote

    for target in NASTY_TARGETS:
        response = client.post(f"/login?next={quote(target)}", data={
            "email": "viewer@example.org", "password": "correct horse battery"})
        assert response.status_code == 302
        assert same_site(response.headers["Location"]), (target, response.headers["Location"])
        client.post("/logout")


def test_only_leads_and_admins_start_campaigns(as_champion, as_viewer):
    for client in (as_champion, as_viewer):
        assert client.get("/campaigns/new").status_code == 403
        assert client.post("/campaigns/new", data={"name": "Mine", "change": "x",
                                                   "starts_on": "2026-01-01"}).status_code == 403


def test_an_unknown_email_costs_a_password_check_too(app, users, monkeypatch):
    """Without it, a fast answer (no hash computed) tells which emails have accounts."""
    import app.auth.operations as auth_operations
    import app.models.user as user_model
    from app.auth.operations import authenticate

    checks = []

    def counting(real):
        def check(stored, password):
            checks.append(stored)
            return real(stored, password)
        return check

    monkeypatch.setattr(user_model, "check_password_hash",
                        counting(user_model.check_password_hash))
    if hasattr(auth_operations, "check_password_hash"):
        monkeypatch.setattr(auth_operations, "check_password_hash",
                            counting(auth_operations.check_password_hash))
    users["viewer"].active = False
    assert authenticate("nobody@example.org", "correct horse battery") is None
    assert authenticate("viewer@example.org", "correct horse battery") is None
    assert authenticate("lead@example.org", "wrong password here") is None
    assert authenticate("lead@example.org", "correct horse battery") is users["lead"]
    assert len(checks) == 4
