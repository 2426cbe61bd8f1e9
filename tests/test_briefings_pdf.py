"""Generated briefings read as a reader would read them (pypdf), stored and served as made."""

import hashlib
import io
import unicodedata
from datetime import date

from pypdf import PdfReader

from app.extensions import db
from app.models import Briefing, Exposure, Level, PlaybookResponse
from tests.briefing_fixtures import COST_EXEC_ANSWER, EXEC_ANSWER, MANAGER_ANSWER
from tests.conftest import post_job

URL = "/campaigns/collaboration-platform-rollout/briefings"


def pdf_text(data: bytes) -> str:
    """All the words of a PDF, whitespace collapsed (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def generate(client, audience, *people, **fields) -> Briefing:
    data = {
        "audience": audience,
        "meeting_on": fields.pop("meeting_on", "2026-10-14"),
        "minutes": fields.pop("minutes", "60"),
        "attendees": [str(p.id) for p in people],
        "introduction": fields.pop("introduction", ""),
        "action": "generate",
        **fields,
    }
    response = post_job(client, f"{URL}/new", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    briefing_id = int(response.request.path.rstrip("/").rsplit("/", 1)[1])
    return db.session.get(Briefing, briefing_id)


def playbook_answer(campaign, slug, level) -> str:
    return db.session.scalar(
        db.select(PlaybookResponse.response)
        .join(PlaybookResponse.theme)
        .where(PlaybookResponse.level == level)
        .filter_by(campaign_id=campaign.id, slug=slug)
    )


def first_words(markdown_text: str, n: int = 8) -> str:
    plain = markdown_text.replace("**", "").replace("*", "")
    return " ".join(plain.split()[:n])


def test_executive_pdf_fits_one_page_with_risk_summary_objections_and_answers(setting, as_champion):
    briefing = generate(as_champion, "executive", setting.ann, setting.raj)
    assert briefing.pdf.startswith(b"%PDF")
    assert pages(briefing.pdf) == 1 == briefing.content["pages"]
    text = pdf_text(briefing.pdf)

    # Title block, footer and page numbers.
    assert "executive briefing" in text.lower()
    assert "Collaboration platform rollout" in text
    assert "14 Oct 2026" in text
    assert "Ann Smith (Chief Information Officer)" in text and "Raj Patel" in text
    assert "Page 1 of 1" in text

    # The attendees' open (and answered) objections with the executive answers.
    assert "Customer data will leak outside the firewall." in text
    assert "Who signs off the security risk?" in text
    assert "What does it cost and what do we get back?" in text
    assert "Another passing craze." not in text  # resolved
    assert EXEC_ANSWER in text and COST_EXEC_ANSWER in text
    assert MANAGER_ANSWER not in text

    # Risk summary: counts by status and the open item with its owner.
    assert "Risk checklist" in text
    assert "7 not assessed" in text and "1 open" in text
    assert "Finance" in text
    assert "Not yet assessed:" in text

    # The chosen case told in the executive section, with its outcome figures.
    assert "Board evidence from Northwind" in text
    assert "Team lead guide from Northwind" not in text
    assert "40%" in text and "fewer repeat questions" in text

    # Key messages.
    assert "Faster answers for customers" in text


def test_worker_pdf_has_day_to_day_changes_and_no_executive_sections(setting, as_champion):
    briefing = generate(as_champion, "worker", setting.wes)
    text = pdf_text(briefing.pdf)
    assert pages(briefing.pdf) <= 2
    assert "worker briefing" in text.lower()
    assert "What changes for you day to day" in text
    assert "Find the answer once" in text
    assert "Risk checklist" not in text and "not assessed" not in text
    assert "Board evidence" not in text and "Team lead guide" not in text
    assert "Everyday view from Northwind" in text
    assert "I do not want work seeing my weekend photos." in text
    worker_answer = playbook_answer(setting.campaign, "personal-professional", Level.worker)
    assert first_words(worker_answer) in text


def test_manager_pdf_has_agenda_and_the_managers_answers(setting, as_champion):
    briefing = generate(as_champion, "manager", setting.mia, setting.ann, minutes="45")
    text = pdf_text(briefing.pdf)
    assert "Agenda" in text
    assert "22 minutes of content; the rest of the 45-minute slot is for your questions" in text
    assert "Questions and discussion" in text
    assert "My team will chat instead of working." in text
    assert first_words(playbook_answer(setting.campaign, "time-wasting", Level.manager)) in text
    assert MANAGER_ANSWER in text and EXEC_ANSWER not in text
    assert "Team lead guide from Contoso" in text
    assert "Board evidence from" not in text
    assert "Risk checklist" not in text
    assert briefing.content["agenda"][-1]["title"] == "Questions and discussion"


def test_landmines_in_the_introduction_are_reported_but_never_printed(setting, as_champion):
    introduction = "Thank you. This is our social learning programme, with a game to finish."
    preview = as_champion.post(f"{URL}/new", data={
        "audience": "executive", "attendees": [str(setting.ann.id)], "minutes": "30",
        "introduction": introduction, "action": "preview",
    })
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Words that may put executives off" in html
    assert "collaboration / knowledge sharing" in html  # for "social"
    assert "performance support / getting the job done" in html  # for "learning"
    assert "practice / simulation" in html  # for "game"

    briefing = generate(as_champion, "executive", setting.ann, introduction=introduction)
    text = pdf_text(briefing.pdf)
    assert "social learning programme" in text  # the presenter's words, as written
    assert "may put" not in text and "knowledge sharing" not in text
    assert {hit["word"] for hit in briefing.content["landmines"]} >= {"social", "learning", "game"}


def test_stored_pdf_downloads_byte_identical_with_its_hash(setting, as_champion, as_viewer):
    briefing = generate(as_champion, "executive", setting.ann)
    stored = briefing.pdf
    assert briefing.pdf_sha256 == hashlib.sha256(stored).hexdigest()

    response = as_viewer.get(f"{URL}/{briefing.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == stored
    assert hashlib.sha256(response.data).hexdigest() == briefing.pdf_sha256
    assert response.headers["ETag"] == f'"{briefing.pdf_sha256}"'
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="collaboration-platform-rollout-executive-briefing-2026-10-14.pdf"'
    )
    again = as_viewer.get(f"{URL}/{briefing.id}.pdf",
                          headers={"If-None-Match": f'"{briefing.pdf_sha256}"'})
    assert again.status_code == 304 and again.data == b""


def test_generating_records_exposures_per_attendee_per_message_and_case(setting, as_champion):
    briefing = generate(as_champion, "executive", setting.ann, setting.raj)
    content = briefing.content
    assert len(content["message_ids"]) == 3
    assert content["case_study_slugs"] == ["northwind-firewall"]
    assert {a.engagement_id for a in briefing.attendees} == {setting.ann.id, setting.raj.id}

    exposures = db.session.scalars(db.select(Exposure).filter_by(briefing_id=briefing.id)).all()
    assert len(exposures) == 2 * (3 + 1)
    for engagement in (setting.ann, setting.raj):
        mine = [e for e in exposures if e.engagement_id == engagement.id]
        assert sorted(e.key_message_id for e in mine if e.key_message_id) == sorted(
            content["message_ids"])
        assert [e.case_study_slug for e in mine if e.case_study_slug] == ["northwind-firewall"]
    for exposure in exposures:
        assert exposure.campaign_id == setting.campaign.id
        assert exposure.conversation_id is None
        assert (exposure.key_message_id is None) != (exposure.case_study_slug is None)
        assert exposure.exposed_at.date() == date(2026, 10, 14)

    # The contents list items in order with message ids and case-study slugs.
    kinds = [item["kind"] for item in content["items"]]
    assert kinds[:4] == ["message", "message", "message", "case_study"]
    assert content["items"][3]["slug"] == "northwind-firewall"
    assert content["items"][0]["id"] == content["message_ids"][0]


def test_unsafe_markup_in_the_introduction_is_printed_as_text_not_fetched(setting, as_champion):
    introduction = ('<img src="file:///etc/passwd"> '
                    '<link rel="attachment" href="file:///etc/hosts"> '
                    "![x](http://127.0.0.1:9/secret.png)")
    briefing = generate(as_champion, "worker", setting.wes, introduction=introduction)
    assert b"root:x:0:0" not in briefing.pdf
    assert "<img" in pdf_text(briefing.pdf)  # escaped, shown as the characters typed


def test_pdf_embeds_its_fonts(setting, as_champion):
    briefing = generate(as_champion, "manager", setting.mia)
    reader = PdfReader(io.BytesIO(briefing.pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descendant = (font["/DescendantFonts"][0].get_object()
                      if "/DescendantFonts" in font else font)
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font
