"""The sponsor report PDF: what a reader finds in it, from the web and from the CLI."""

import io
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from app.extensions import db
from app.models import Level, Stance
from tests.factories import conversation, person


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def small_campaign(campaign, users):
    lead = users["lead"]
    head = person(campaign, lead, "Harriet Kane", level=Level.manager, stance=Stance.sceptic,
                  influence=5, title="Head of Risk", department="Risk")
    person(campaign, lead, "Oscar Reyes", stance=Stance.blocker, reports_to=head,
           department="Risk")
    ally = person(campaign, lead, "Ana Ally", stance=Stance.neutral, department="IT")
    conversation(campaign, lead, ally, when=datetime.now(UTC) - timedelta(days=3),
                 stances={ally: Stance.supporter})
    db.session.commit()


def test_report_pdf_has_the_headline_and_next_conversations(campaign, users, as_viewer,
                                                            through_job):
    small_campaign(campaign, users)
    made = through_job(as_viewer, f"/campaigns/{campaign.slug}/report.pdf")
    assert "The sponsor report is ready" in made.html
    response = made.file
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="{campaign.slug}-report-')
    text, pages = pdf_text(response.data)
    assert 1 < pages <= 5
    assert "progress report for sponsors" in text.lower()
    assert "1 of 3 people (33%) are supporters or champions" in text
    assert "Harriet Kane" in text and "Oscar Reyes" in text
    assert ("Head of Risk, influence 5, sceptic, target supporter, never contacted, "
            "manages 1") in text
    assert "Managers not on board" in text and "Targets versus actual" in text


def test_report_pdf_follows_the_filters(campaign, users, as_lead, through_job):
    small_campaign(campaign, users)
    response = through_job(as_lead, f"/campaigns/{campaign.slug}/report.pdf",
                           query_string={"department": "IT"}).file
    text, _ = pdf_text(response.data)
    assert "Harriet Kane" not in text and "Oscar Reyes" not in text
    assert "1 of 1 people (100%) are supporters or champions" in text


def test_cli_renders_the_same_report(campaign, users, runner, tmp_path):
    small_campaign(campaign, users)
    output = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "render", "--campaign", campaign.slug,
                                 "--from", "2026-09-01", "--to", "2026-10-31", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "Wrote the" in result.output
    text, _ = pdf_text(output.read_bytes())
    assert "Harriet Kane" in text
    assert "as of the end of 31 Oct 2026" in text


def test_cli_refuses_unknown_campaigns_and_bad_dates(campaign, runner, tmp_path):
    output = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "render", "--campaign", "nope", "-o", str(output)])
    assert result.exit_code != 0 and "no campaign" in result.output
    result = runner.invoke(args=["report", "render", "--campaign", campaign.slug,
                                 "--from", "2026-11-01", "--to", "2026-10-01", "-o", str(output)])
    assert result.exit_code != 0 and "--from is after --to" in result.output
    result = runner.invoke(args=["report", "render", "--campaign", campaign.slug,
                                 "--from", "1 Nov", "-o", str(output)])
    assert result.exit_code != 0
    assert not output.exists()
