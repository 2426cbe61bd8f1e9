"""`flask briefing render`: the builder from the command line."""

import hashlib

from app.extensions import db
from app.models import Briefing, Exposure, Level
from tests import factories
from tests.test_briefings_pdf import pages, pdf_text

SLUG = "collaboration-platform-rollout"


def render(runner, *args):
    return runner.invoke(args=["briefing", "render", *args])


def test_render_writes_stores_and_reports(setting, runner, users, tmp_path):
    output = tmp_path / "exec.pdf"
    result = render(runner, "--campaign", SLUG, "--audience", "Executive",
                    "--attendee", setting.ann.stakeholder.email,
                    "--attendee", setting.raj.stakeholder.email.upper(),
                    "--minutes", "45", "--meeting", "2026-10-14",
                    "--introduction", "A short social update.", "-o", str(output))
    assert result.exit_code == 0, result.output
    data = output.read_bytes()
    assert data.startswith(b"%PDF") and pages(data) == 1

    briefing = db.session.scalars(db.select(Briefing)).one()
    assert briefing.pdf == data
    assert briefing.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert briefing.created_by_id == users["lead"].id  # the campaign's first lead
    assert briefing.audience is Level.executive and briefing.meeting_minutes == 45
    assert db.session.scalar(
        db.select(db.func.count(Exposure.id)).filter_by(briefing_id=briefing.id)) == 2 * (3 + 1)

    assert f"Wrote {output}" in result.output and briefing.pdf_sha256 in result.output
    assert "Pages: 1 page; within budget (the executive budget is 1)." in result.output
    assert "case studies: northwind-firewall" in result.output
    assert "'social' x1 -> say 'collaboration / knowledge sharing'" in result.output
    assert "Customer data will leak outside the firewall." in pdf_text(data)


def test_render_without_attendees_by_a_named_user(setting, runner, users, tmp_path):
    output = tmp_path / "workers.pdf"
    result = render(runner, "--campaign", SLUG, "--audience", "worker",
                    "--by", users["champion"].email, "-o", str(output))
    assert result.exit_code == 0, result.output
    briefing = db.session.scalars(db.select(Briefing)).one()
    assert briefing.created_by_id == users["champion"].id
    assert briefing.attendees == []
    assert "Risk checklist" not in pdf_text(output.read_bytes())


def test_render_fails_cleanly_on_bad_input(setting, other_campaign, runner, users, tmp_path):
    stranger = factories.person(other_campaign, users["outsider"], "Sam Stranger")
    db.session.commit()
    output = tmp_path / "never.pdf"
    cases = [
        (["--campaign", "no-such-campaign", "--audience", "worker"], "No campaign with the slug"),
        (["--campaign", SLUG, "--audience", "director"], "Invalid value for '--audience'"),
        (["--campaign", SLUG, "--audience", "worker", "--attendee", "nobody@example.org"],
         "Not in campaign collaboration-platform-rollout: nobody@example.org"),
        (["--campaign", SLUG, "--audience", "worker", "--attendee", stranger.stakeholder.email],
         "Not in campaign"),
        (["--campaign", SLUG, "--audience", "worker", "--minutes", "2"], "--minutes"),
        (["--campaign", SLUG, "--audience", "worker", "--by", "ghost@example.org"],
         "No active user with the email ghost@example.org"),
    ]
    for args, message in cases:
        result = render(runner, *args, "-o", str(output))
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert not output.exists()
    assert db.session.scalar(db.select(db.func.count(Briefing.id))) == 0


def test_render_refuses_an_unwritable_output_and_keeps_nothing(setting, runner, tmp_path):
    result = render(runner, "--campaign", SLUG, "--audience", "manager",
                    "-o", str(tmp_path / "missing-folder" / "out.pdf"))
    assert result.exit_code == 1
    assert "Cannot write" in result.output
    assert db.session.scalar(db.select(db.func.count(Briefing.id))) == 0
