"""A person's details belong to the campaign: a champion of campaign X tries every way in
to learn about someone who is only in campaign Y, and to change them. Nothing leaks (no
name, title or even existence: answers are the same as for an email or id nobody has),
and nothing in Y changes. The same email typed in X makes X's own record."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from app.conversations.operations import ObjectionInput
from app.dashboard.summary import CSV_TABLES
from app.extensions import db
from app.models import (
    AuditEvent,
    Briefing,
    Conversation,
    Engagement,
    Level,
    Stakeholder,
    Stance,
    StanceChange,
)
from app.stakeholders.operations import StakeholderError, add_stakeholder, update_stakeholder
from tests.conftest import post_job
from tests.factories import conversation, person, theme

SECRET_EMAIL = "yvonne.secret@shared.example"
NOBODY_EMAIL = "no.one.at.all@shared.example"
#: What X's champion must never see: Y's names and titles.
SECRETS = ("Yvonne Secret", "Chief Hidden Officer", "Yuri Underling", "Covert Analyst")
HEADER = ("name,email,title,department,level,reports_to_email,influence,stance,target_stance,"
          "interest")
#: An id no record has.
NO_ID = 987654


@pytest.fixture
def world(campaign, other_campaign, users):
    """X (`campaign`, the champion's) with a few people; Y (`other_campaign`, the
    outsider's only) with Yvonne, her report Yuri, a conversation and an objection."""
    lead, outsider = users["lead"], users["outsider"]
    xena = person(campaign, lead, "Xena Known", level=Level.manager, title="Head of Claims",
                  stance=Stance.sceptic, influence=5, department="Claims")
    xavi = person(campaign, lead, "Xavi Plain", reports_to=xena, department="Claims")
    conversation(campaign, lead, xena, xavi, when=datetime.now(UTC) - timedelta(days=2),
                 stances={xena: Stance.neutral})
    yvonne = add_stakeholder(other_campaign, outsider, {
        "name": "Yvonne Secret", "email": SECRET_EMAIL, "title": "Chief Hidden Officer",
        "department": "Secrets", "level": Level.executive, "influence": 5,
        "reports_to_id": None}, {"stance": Stance.blocker})
    yuri = person(other_campaign, outsider, "Yuri Underling", title="Covert Analyst",
                  reports_to=yvonne, department="Secrets", level=Level.manager)
    conversation(other_campaign, outsider, yvonne, yuri,
                 when=datetime.now(UTC) - timedelta(days=1), stances={yuri: Stance.sceptic},
                 objections=[ObjectionInput(yvonne, theme(other_campaign), "Covert worries")])
    db.session.commit()
    return {"xena": xena, "xavi": xavi, "yvonne": yvonne, "yuri": yuri}


def snapshot(campaign) -> dict:
    """Every row of campaign Y that a leak could change, as plain values."""

    def rows(model, *where):
        return sorted(tuple(getattr(row, column.key) for column in model.__table__.columns)
                      for row in db.session.scalars(db.select(model).where(*where)))

    db.session.expire_all()
    engagements = db.select(Engagement.id).where(Engagement.campaign_id == campaign.id)
    return {
        "people": rows(Stakeholder, Stakeholder.campaign_id == campaign.id),
        "engagements": rows(Engagement, Engagement.campaign_id == campaign.id),
        "moves": rows(StanceChange, StanceChange.engagement_id.in_(engagements)),
        "conversations": rows(Conversation, Conversation.campaign_id == campaign.id),
        "audit": rows(AuditEvent, AuditEvent.campaign_id == campaign.id),
    }


def assert_no_secrets(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked through {where}"


def masked(html: str, replacements: dict[str, str]) -> str:
    """A page with its CSRF tokens (they carry a timestamp) and the given values masked,
    so two answers can be compared whole."""
    html = re.sub(r'(csrf[^>]*?(?:value|content)=")[^"]*', r"\1X", html)
    for old, new in replacements.items():
        html = html.replace(old, new)
    return html


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def form(**changes) -> dict:
    data = {"name": "Typed Name", "email": NOBODY_EMAIL, "title": "", "department": "",
            "level": "worker", "reports_to": "", "influence": "3", "stance": "unknown",
            "target_stance": "supporter", "interest": "3", "owner_id": ""}
    data.update(changes)
    return data


def upload(client, campaign, text: str):
    """Import the file through its job; the job's page once it is over."""
    return post_job(client, f"/campaigns/{campaign.slug}/stakeholders/import",
                    {"file": (io.BytesIO(text.encode()), "people.csv")},
                    content_type="multipart/form-data")


def test_forms_imports_and_ids_answer_as_if_the_person_did_not_exist(
        world, as_champion, campaign, other_campaign):
    before = snapshot(other_campaign)
    base = f"/campaigns/{campaign.slug}/stakeholders"
    yvonne_id = world["yvonne"].stakeholder_id

    # Reports-to naming someone only in Y: the same refusal as for an unknown email.
    answers = {email: as_champion.post(f"{base}/new", data=form(
        email=f"new.{n}@x.example", reports_to=email))
        for n, email in enumerate((SECRET_EMAIL, NOBODY_EMAIL))}
    assert {answer.status_code for answer in answers.values()} == {400}
    texts = {email: answer.get_data(as_text=True) for email, answer in answers.items()}
    assert "No one in this campaign has that email." in texts[SECRET_EMAIL]
    assert (masked(texts[SECRET_EMAIL], {SECRET_EMAIL: "@", "new.0": "new.n"})
            == masked(texts[NOBODY_EMAIL], {NOBODY_EMAIL: "@", "new.1": "new.n"}))
    assert_no_secrets(texts[SECRET_EMAIL], "the add form's reports-to check")

    # A CSV row reporting to her: the same problem as for an unknown manager.
    for email in (SECRET_EMAIL, NOBODY_EMAIL):
        answer = upload(as_champion, campaign, f"{HEADER}\nTyped,t.{email},,,worker,{email},,,,")
        text = answer.get_data(as_text=True)
        assert "Nothing was imported" in text
        assert f"No one in this campaign or in this file has the email “{email}”." in text
        assert_no_secrets(text, "the import's reports-to check")

    # Her id, on every page and action that takes one: 404, as for an id nobody has.
    for path, method in (("{}", "get"), ("{}/edit", "get"), ("{}/edit", "post"),
                         ("{}/archive", "post"), ("{}/restore", "post"), ("{}/join", "post")):
        theirs = getattr(as_champion, method)(f"{base}/{path.format(yvonne_id)}",
                                              data=form(email=SECRET_EMAIL))
        nobody = getattr(as_champion, method)(f"{base}/{path.format(NO_ID)}",
                                              data=form(email=SECRET_EMAIL))
        assert theirs.status_code == nobody.status_code == 404, path
        assert_no_secrets(theirs.get_data(as_text=True), path)

    # The people picker, by name, email and title.
    for term in ("Yvonne", "yvonne.secret", SECRET_EMAIL, "Chief Hidden", "Yuri", "Covert"):
        answer = as_champion.get(f"{base}/search.json", query_string={"q": term})
        assert answer.status_code == 200 and answer.get_json() == [], term

    # Typing her email on the add form and importing it: accepted exactly like a new
    # email, and each makes X's own record with what X typed.
    for email, name in ((SECRET_EMAIL, "Typed Name"), (NOBODY_EMAIL, "Other Typed")):
        answer = as_champion.post(f"{base}/new", data=form(email=email, name=name))
        assert answer.status_code == 302
        assert_no_secrets(as_champion.get(answer.headers["Location"]).get_data(as_text=True),
                          "the new person's page")
    answer = upload(as_champion, campaign,
                    f"{HEADER}\nImported One,YVONNE.SECRET@shared.example,,,worker,,,,,\n"
                    f"Imported Two,{NOBODY_EMAIL.replace('no.', 'none.')},,,worker,,,,,")
    # Now X knows that email (its own record): X's duplicate message names X's person.
    text = answer.get_data(as_text=True)
    assert "Typed Name already has this email in this campaign" in text
    assert_no_secrets(text, "the import's duplicate check")
    ours = db.session.scalars(db.select(Stakeholder).where(
        Stakeholder.email == SECRET_EMAIL)).all()
    assert {(p.campaign_id, p.name) for p in ours} == {
        (campaign.id, "Typed Name"), (other_campaign.id, "Yvonne Secret")}

    assert snapshot(other_campaign) == before


def test_lists_pictures_exports_and_pdfs_show_only_this_campaigns_people(
        world, as_champion, campaign, other_campaign, through_job):
    before = snapshot(other_campaign)
    root = f"/campaigns/{campaign.slug}"
    yvonne_id = world["yvonne"].stakeholder_id
    # X also has someone with Yvonne's email, under its own name: her record in Y must not
    # colour anything X shows about that person.
    mine = add_stakeholder(campaign, None, {"name": "Yve Mine", "email": SECRET_EMAIL,
                                            "level": Level.worker})
    db.session.commit()
    pages = [
        f"{root}/stakeholders/", f"{root}/stakeholders/?q=yvonne",
        f"{root}/stakeholders/?archived=1", f"{root}/stakeholders/{mine.stakeholder_id}",
        f"{root}/stakeholders/{mine.stakeholder_id}/edit",
        f"{root}/conversations/",
        f"{root}/conversations/?attendee={yvonne_id}", f"{root}/objections/",
        f"{root}/followups/", f"{root}/dashboard/",
        f"{root}/dashboard/?manager={yvonne_id}", f"{root}/briefings/new",
        f"{root}/briefings/new?attendee={world['yvonne'].id}", "/campaigns/",
    ]
    exports = [f"{root}/stakeholders/export.csv", f"{root}/conversations/export.csv",
               f"{root}/objections/export.csv"]
    for table in CSV_TABLES:
        exports.append(f"{root}/dashboard/{table}.csv")
        exports.append(f"{root}/dashboard/{table}.csv?manager={yvonne_id}")
    for path in pages:
        answer = as_champion.get(path)
        assert answer.status_code in (200, 404), path
        assert_no_secrets(answer.get_data(as_text=True), path)
    for path in exports:  # each a job: its page, then its file
        made = through_job(as_champion, path)
        assert made.file is not None and made.file.status_code == 200, path
        assert_no_secrets(made.page.get_data(as_text=True), path)
        assert_no_secrets(made.file.get_data(as_text=True), path)
    # The reporting tree for her id is the same page as for an id nobody has.
    theirs = as_champion.get(f"{root}/dashboard/?manager={yvonne_id}")
    nobody = as_champion.get(f"{root}/dashboard/?manager={NO_ID}")
    assert theirs.status_code == nobody.status_code == 200
    assert (masked(theirs.get_data(as_text=True),
                   {f"manager={yvonne_id}": "manager=N", f'value="{yvonne_id}"': 'value="N"'})
            == masked(nobody.get_data(as_text=True),
                      {f"manager={NO_ID}": "manager=N", f'value="{NO_ID}"': 'value="N"'}))

    # Sponsor report.
    report = through_job(as_champion, f"{root}/report.pdf").file
    assert report.status_code == 200
    text = pdf_text(report.data)
    assert "Xena Known" in text
    assert_no_secrets(text, "the sponsor report")

    # A briefing naming her engagement as an attendee is refused as an unknown one is.
    data = {"audience": "executive", "minutes": "60", "introduction": "", "action": "generate"}
    theirs = as_champion.post(f"{root}/briefings/new",
                              data={**data, "attendees": [str(world["yvonne"].id)]})
    nobody = as_champion.post(f"{root}/briefings/new", data={**data, "attendees": [str(NO_ID)]})
    assert theirs.status_code == nobody.status_code == 400
    assert_no_secrets(theirs.get_data(as_text=True), "the briefing builder")
    # A briefing of X's own people, for executives (Yvonne's level in Y), leaks nothing.
    answer = post_job(as_champion, f"{root}/briefings/new", data={
        **data, "attendees": [str(world["xena"].id), str(mine.id)]})
    assert answer.status_code == 200 and "/briefings/" in answer.request.path
    briefing = db.session.scalars(db.select(Briefing)).one()
    assert_no_secrets(as_champion.get(f"{root}/briefings/{briefing.id}").get_data(as_text=True),
                      "the briefing page")
    pdf = as_champion.get(f"{root}/briefings/{briefing.id}.pdf")
    assert pdf.status_code == 200 and "Xena Known" in pdf_text(pdf.data)
    assert_no_secrets(pdf_text(pdf.data), "the briefing PDF")

    assert snapshot(other_campaign) == before


def test_editing_a_person_in_one_campaign_changes_nothing_in_the_other(
        world, as_champion, as_outsider, campaign, other_campaign, users):
    base = f"/campaigns/{campaign.slug}/stakeholders"
    answer = as_champion.post(f"{base}/new", data=form(email=SECRET_EMAIL, name="Yve Mine",
                                                       title="Temp"))
    assert answer.status_code == 302
    mine = db.session.scalar(db.select(Stakeholder).filter_by(campaign_id=campaign.id,
                                                              email=SECRET_EMAIL))
    before = snapshot(other_campaign)
    answer = as_champion.post(f"{base}/{mine.id}/edit", data=form(
        email=SECRET_EMAIL, name="Yve Renamed", title="Claims handler", level="manager",
        influence="2", stance="supporter", reports_to=world["xena"].stakeholder.email))
    assert answer.status_code == 302
    db.session.expire_all()
    assert (mine.name, mine.title, mine.level) == ("Yve Renamed", "Claims handler", Level.manager)
    assert mine.reports_to_id == world["xena"].stakeholder_id
    assert snapshot(other_campaign) == before
    # Y still shows its own record, as Y knows her.
    html = as_outsider.get(f"/campaigns/{other_campaign.slug}/stakeholders/"
                           f"{world['yvonne'].stakeholder_id}").get_data(as_text=True)
    assert "Yvonne Secret" in html and "Chief Hidden Officer" in html
    assert "Yve Renamed" not in html and "Claims handler" not in html

    # Nor can the operations be pointed across: a manager in Y is refused in words that
    # do not say whether that id exists anywhere.
    for manager_id in (world["yvonne"].stakeholder_id, NO_ID):
        with pytest.raises(StakeholderError, match="That manager is not in this campaign."):
            update_stakeholder(mine, users["champion"], {
                "name": mine.name, "email": mine.email, "reports_to_id": manager_id})
        db.session.rollback()
        with pytest.raises(StakeholderError, match="That manager is not in this campaign."):
            add_stakeholder(campaign, users["champion"], {
                "name": "Somebody", "email": "somebody@x.example", "level": Level.worker,
                "reports_to_id": manager_id})
        db.session.rollback()
    assert snapshot(other_campaign) == before
