"""Briefing pages: who may do what, the builder's validation, history, and the material
briefings draw on (key messages, the risk checklist, landmine words)."""

import hashlib
from datetime import UTC, datetime

from app.extensions import db
from app.models import (
    AuditEvent,
    Briefing,
    BriefingAttendee,
    Exposure,
    KeyMessage,
    Landmine,
    Level,
    RiskItem,
    RiskStatus,
)
from tests import factories
from tests.conftest import extract_csrf, post_job

URL = "/campaigns/collaboration-platform-rollout/briefings"


def briefing_count() -> int:
    return db.session.scalar(db.select(db.func.count(Briefing.id)))


# --- Access ----------------------------------------------------------------------------


def test_viewer_reads_but_cannot_build_and_outsiders_see_nothing(setting, as_viewer, as_outsider):
    for page in ("/", "/messages", "/risks", "/landmines"):
        assert as_viewer.get(URL + page).status_code == 200, page
        assert as_outsider.get(URL + page).status_code == 404, page
    assert as_viewer.get(f"{URL}/new").status_code == 403
    response = as_viewer.post(f"{URL}/new", data={"audience": "executive", "action": "generate"})
    assert response.status_code == 403
    response = as_viewer.post(f"{URL}/messages/new", data={"level": "worker", "title": "x"})
    assert response.status_code == 403
    assert briefing_count() == 0
    listing = as_viewer.get(URL + "/").get_data(as_text=True)
    assert "New briefing" not in listing


def test_champion_opens_the_builder_with_a_preview(setting, as_champion):
    response = as_champion.get(f"{URL}/new?audience=manager&attendee={setting.mia.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Running order" in html and "Generate PDF" in html
    assert f'name="attendees" value="{setting.mia.id}"' in html
    assert "Mia Jones" in html
    assert 'id="audience-manager" value="manager" checked' in html
    assert "Less chasing for your team" in html  # manager key message in the preview
    # The preview lays out no PDF (that is the job's): it states the page budget instead.
    assert "Budget 2 pages: runner-up case studies are left out to fit it" in html
    assert briefing_count() == 0


def test_attendee_prefill_sets_the_audience_and_ignores_strangers(setting, other_campaign,
                                                                  as_champion, users):
    stranger = factories.person(other_campaign, users["outsider"], "Sam Stranger")
    db.session.commit()
    response = as_champion.get(f"{URL}/new?attendee={setting.ann.id}&attendee={stranger.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="audience-executive" value="executive" checked' in html
    assert "Sam Stranger" not in html
    assert "not in this campaign" in html


# --- Builder validation ----------------------------------------------------------------


def post(client, **fields):
    data = {"audience": "executive", "minutes": "60", "introduction": "", "action": "generate"}
    data.update(fields)
    return client.post(f"{URL}/new", data=data)


def test_unknown_level_is_refused(setting, as_champion):
    response = post(as_champion, audience="director")
    assert response.status_code == 400
    assert briefing_count() == 0


def test_attendee_from_another_campaign_is_refused(setting, other_campaign, as_champion, users):
    stranger = factories.person(other_campaign, users["outsider"], "Sam Stranger")
    db.session.commit()
    response = post(as_champion, attendees=[str(setting.ann.id), str(stranger.id)])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "An attendee is not part of this campaign." in html
    assert "Ann Smith" in html  # the valid pick stays on the form
    assert briefing_count() == 0
    assert db.session.scalar(db.select(db.func.count(Exposure.id))) == 0


def test_minutes_and_introduction_limits_keep_what_was_typed(setting, as_champion):
    for minutes in ("4", "481", "sixty"):
        response = post(as_champion, minutes=minutes, introduction="Kept *as typed*")
        assert response.status_code == 400, minutes
        html = response.get_data(as_text=True)
        assert "Kept *as typed*" in html
        assert f'value="{minutes}"' in html
    response = post(as_champion, introduction="x" * 5001)
    assert response.status_code == 400
    assert "At most 5,000 characters." in response.get_data(as_text=True)
    assert post(as_champion, minutes="5", action="preview").status_code == 200
    assert briefing_count() == 0


def test_preview_applies_the_presenters_order_drops_and_moves(setting, as_champion):
    first = as_champion.post(f"{URL}/new", data={
        "audience": "executive", "attendees": [str(setting.ann.id)], "action": "preview"})
    html = first.get_data(as_text=True)
    message_ids = [m.id for m in setting.messages[Level.executive]]
    keys = [f"message:{i}" for i in message_ids] + ["case:northwind-firewall", "theme:security",
                                                   "risks"]
    for key in keys:
        assert f'name="item" value="{key}"' in html

    data = {"audience": "executive", "attendees": [str(setting.ann.id)], "action": "preview",
            "item": keys, "drop": [keys[1]]}
    # Risks numbered first; the second message dropped.
    data.update({f"order-{key}": str(n) for n, key in enumerate(keys, start=2)})
    data["order-risks"] = "1"
    html = as_champion.post(f"{URL}/new", data=data).get_data(as_text=True)
    order = [html.index(f'name="item" value="{key}"') for key in keys]
    assert order[-1] < order[0]  # risks now listed first
    assert f'value="{keys[1]}" id="drop-' in html and "checked" in html
    preview = html[html.index('class="gs-paper"'):]
    assert "A private, secure space" not in preview  # the dropped message
    assert "Faster answers for customers" in preview
    assert preview.index("Risk checklist") < preview.index("Faster answers for customers")

    # ↓ on the first message swaps it with the next.
    data = {"audience": "executive", "attendees": [str(setting.ann.id)], "item": keys,
            "move": f"down:{keys[0]}"}
    html = as_champion.post(f"{URL}/new", data=data).get_data(as_text=True)
    assert html.index(f'value="{keys[1]}"') < html.index(f'value="{keys[0]}"')


def test_generate_stores_the_briefing_and_shows_it(setting, as_champion, users):
    asked = post(as_champion, attendees=[str(setting.ann.id), str(setting.raj.id)],
                 meeting_on="2026-10-14", minutes="30",
                 introduction="Ten minutes, then questions.")
    # A job worker makes it: the presenter is sent to the job's page, which waits for it.
    assert asked.status_code == 303 and "/jobs/" in asked.headers["Location"]
    assert briefing_count() == 0
    waiting = as_champion.get(asked.headers["Location"])
    assert waiting.status_code == 200 and 'http-equiv="refresh"' in waiting.text
    as_champion.application.extensions["jobs"].run_pending()
    response = as_champion.get(asked.headers["Location"])
    briefing = db.session.scalars(db.select(Briefing)).one()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{URL}/{briefing.id}")
    assert briefing.created_by_id == users["champion"].id
    assert briefing.audience is Level.executive
    assert briefing.meeting_minutes == 30
    assert briefing.introduction == "Ten minutes, then questions."
    assert briefing.pdf_sha256 == hashlib.sha256(briefing.pdf).hexdigest()
    assert db.session.scalar(
        db.select(db.func.count(AuditEvent.id)).filter_by(entity_type="briefing", action="create")
    ) == 1

    page = as_champion.get(f"{URL}/{briefing.id}").get_data(as_text=True)
    assert "Executive briefing for 14 Oct 2026" in page
    assert briefing.pdf_sha256 in page
    assert "Ann Smith" in page and "Raj Patel" in page
    assert "answers 2 open objections on “Data leaving the firewall” (Ann Smith, Raj Patel)" in page

    history = as_champion.get(URL + "/").get_data(as_text=True)
    assert f"{URL}/{briefing.id}.pdf" in history
    assert briefing.pdf_sha256[:12] in history
    assert "3 messages" in history and "1 case study" in history


def test_briefings_of_another_campaign_are_not_found(setting, other_campaign, as_champion, users):
    foreign = Briefing(campaign_id=other_campaign.id, audience=Level.worker, content={},
                       pdf=b"%PDF-1.7 foreign", pdf_sha256="0" * 64)
    db.session.add(foreign)
    db.session.commit()
    assert as_champion.get(f"{URL}/{foreign.id}").status_code == 404
    assert as_champion.get(f"{URL}/{foreign.id}.pdf").status_code == 404


def test_history_runs_a_constant_number_of_queries(setting, as_viewer, count_queries):
    def add_briefings(n):
        for _ in range(n):
            briefing = Briefing(campaign_id=setting.campaign.id, audience=Level.executive,
                                content={"message_ids": [1], "case_study_slugs": []},
                                pdf=b"%PDF", pdf_sha256="a" * 64, created_at=datetime.now(UTC))
            briefing.attendees = [BriefingAttendee(engagement_id=setting.ann.id),
                                  BriefingAttendee(engagement_id=setting.raj.id)]
            db.session.add(briefing)
        db.session.commit()

    add_briefings(1)
    with count_queries() as one:
        assert as_viewer.get(URL + "/").status_code == 200
    add_briefings(12)
    with count_queries() as many:
        html = as_viewer.get(URL + "/").get_data(as_text=True)
    assert many.count == one.count
    assert html.count("Ann Smith, Raj Patel") == 13


def test_history_filters_by_level_and_ignores_unknown_ones(setting, as_viewer):
    db.session.add(Briefing(campaign_id=setting.campaign.id, audience=Level.worker, content={},
                            pdf=b"%PDF", pdf_sha256="b" * 64))
    db.session.commit()
    html = as_viewer.get(f"{URL}/?level=executive").get_data(as_text=True)
    assert "No briefings for executives" in html
    response = as_viewer.get(f"{URL}/?level=bosses")
    assert response.status_code == 200
    assert "There is no level called" in response.get_data(as_text=True)


# --- Key messages ----------------------------------------------------------------------


def test_lead_adds_edits_archives_and_restores_a_key_message(setting, as_lead, as_champion):
    response = as_lead.post(f"{URL}/messages/new", data={
        "level": "worker", "title": "Questions get answered once",
        "body": "Then they stay findable."})
    assert response.status_code == 302
    message = db.session.scalars(
        db.select(KeyMessage).filter_by(title="Questions get answered once")).one()
    assert message.level is Level.worker and message.position == 3  # after the two seeded

    response = as_lead.post(f"{URL}/messages/{message.id}/edit", data={
        "level": "worker", "title": "Ask once, find it later", "body": "", "position": "0"})
    assert response.status_code == 302
    db.session.refresh(message)
    assert (message.title, message.position) == ("Ask once, find it later", 0)

    assert as_lead.post(f"{URL}/messages/{message.id}/archive").status_code == 302
    listed = '<div class="gs-message-title">Ask once, find it later</div>'
    assert listed not in as_lead.get(f"{URL}/messages").get_data(as_text=True)
    assert listed in as_lead.get(f"{URL}/messages?archived=1").get_data(as_text=True)
    html = as_champion.get(f"{URL}/new?audience=worker").get_data(as_text=True)
    assert "Ask once, find it later" not in html
    assert as_lead.post(f"{URL}/messages/{message.id}/restore").status_code == 302
    html = as_champion.get(f"{URL}/new?audience=worker").get_data(as_text=True)
    assert "Ask once, find it later" in html

    actions = db.session.scalars(
        db.select(AuditEvent.action).filter_by(entity_type="key_message", entity_id=message.id)
    ).all()
    assert actions == ["create", "update", "archive", "restore"]
    assert as_champion.post(f"{URL}/messages/{message.id}/archive").status_code == 403


def test_key_message_form_refuses_bad_input_and_keeps_it(setting, as_lead):
    response = as_lead.post(f"{URL}/messages/new",
                            data={"level": "worker", "title": "", "body": "Kept body"})
    assert response.status_code == 400
    assert "Kept body" in response.get_data(as_text=True)
    response = as_lead.post(f"{URL}/messages/new", data={"level": "board", "title": "Hello"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(KeyMessage.id)).filter_by(title="Hello")) == 0


def test_messages_list_shows_how_many_people_heard_each(setting, as_viewer, as_champion):
    post_job(as_champion, f"{URL}/new", data={
        "audience": "executive", "action": "generate",
        "attendees": [str(setting.ann.id), str(setting.raj.id)]})
    html = as_viewer.get(f"{URL}/messages?level=executive").get_data(as_text=True)
    assert html.count("Heard by 2 people") == 3
    assert "Less chasing for your team" not in html  # a manager message


def test_key_messages_of_another_campaign_are_not_found(setting, other_campaign, as_lead):
    foreign = KeyMessage(campaign_id=other_campaign.id, level=Level.worker, title="Theirs")
    db.session.add(foreign)
    db.session.commit()
    assert as_lead.get(f"{URL}/messages/{foreign.id}/edit").status_code == 404


# --- Risk checklist --------------------------------------------------------------------


def test_checklist_is_seeded_lazily_and_grouped_by_area(campaign, as_viewer):
    html = as_viewer.get(f"{URL}/risks").get_data(as_text=True)
    assert db.session.scalar(
        db.select(db.func.count(RiskItem.id)).filter_by(campaign_id=campaign.id)) == 10
    for area in ("Technical", "Financial", "Information", "Communications", "Support",
                 "Scalability", "Data migration", "Licensing", "User management", "Architecture"):
        assert f'<h2 class="gs-area-heading">{area}</h2>' in html
    assert html.count('class="risk risk-not_assessed"') >= 10
    assert "Edit" not in html.split("gs-risk-counts")[1]  # viewers cannot change it


def test_lead_updates_status_owner_and_notes_and_removes_items(setting, as_lead, as_champion):
    item = db.session.scalars(
        db.select(RiskItem).filter_by(campaign_id=setting.campaign.id)).first()
    data = {"area": item.area.name, "question": item.question, "status": "open",
            "owner": "Information Security", "notes": "Pen test booked for **March**."}
    assert as_champion.post(f"{URL}/risks/{item.id}/edit", data=data).status_code == 403
    assert as_lead.post(f"{URL}/risks/{item.id}/edit", data=data).status_code == 302
    db.session.refresh(item)
    assert (item.status, item.owner) == (RiskStatus.open, "Information Security")
    html = as_lead.get(f"{URL}/risks").get_data(as_text=True)
    assert "<strong>March</strong>" in html

    response = as_lead.post(f"{URL}/risks/{item.id}/edit", data={**data, "status": "on_fire"})
    assert response.status_code == 400
    response = as_lead.post(f"{URL}/risks/new", data={"area": "licensing", "question": "",
                                                      "status": "open"})
    assert response.status_code == 400
    assert as_lead.post(f"{URL}/risks/new", data={
        "area": "licensing", "question": "Are contractors covered?", "status": "open",
        "owner": "", "notes": ""}).status_code == 302
    item_id = item.id
    assert as_lead.post(f"{URL}/risks/{item_id}/delete").status_code == 302
    assert db.session.get(RiskItem, item_id) is None
    # Removing every item does not bring the defaults back while one remains.
    assert db.session.scalar(
        db.select(db.func.count(RiskItem.id)).filter_by(campaign_id=setting.campaign.id)) == 10


# --- Landmine words --------------------------------------------------------------------


def test_lead_edits_the_landmine_list_and_anyone_can_check_text(setting, as_lead, as_viewer):
    response = as_lead.post(f"{URL}/landmines/new", data={
        "word": "synergy", "audiences": ["executive", "worker"], "suggestion": "working together",
        "reason": "Empty jargon."})
    assert response.status_code == 302
    landmine = db.session.scalars(db.select(Landmine).filter_by(word="synergy")).one()
    assert landmine.audiences == ["executive", "worker"]

    response = as_lead.post(f"{URL}/landmines/new", data={
        "word": "Social", "audiences": ["worker"], "suggestion": "x"})
    assert response.status_code == 400
    assert "already on the list" in response.get_data(as_text=True)
    response = as_lead.post(f"{URL}/landmines/new", data={"word": "ok", "suggestion": "x"})
    assert response.status_code == 400  # no audience
    response = as_lead.post(f"{URL}/landmines/new", data={
        "word": "<b>", "audiences": ["worker"], "suggestion": "x"})
    assert response.status_code == 400

    html = as_viewer.get(f"{URL}/landmines", query_string={
        "audience": "worker", "text": "Real synergy from our new social tools",
    }).get_data(as_text=True)
    assert "working together" in html
    assert "Nothing here should put" not in html
    landmine_id = landmine.id
    assert as_viewer.post(f"{URL}/landmines/{landmine_id}/delete").status_code == 403
    assert as_lead.post(f"{URL}/landmines/{landmine_id}/delete").status_code == 302
    assert db.session.get(Landmine, landmine_id) is None


def test_forms_carry_a_csrf_token(setting, app, as_lead):
    app.config["WTF_CSRF_ENABLED"] = True
    for page in ("/new", "/messages/new", "/risks/new", "/landmines/new"):
        assert extract_csrf(as_lead.get(URL + page).get_data(as_text=True)), page
    response = as_lead.post(f"{URL}/messages/new", data={"level": "worker", "title": "No token"})
    assert response.status_code == 400
