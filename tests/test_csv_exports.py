"""The conversation log and the objection register as CSV, with the lists' filters: each
export is a POST that starts a job, whose page offers the file."""

import csv
import io

from app.extensions import db
from app.models import Channel, Level, ObjectionStatus, Stance
from tests.factories import conversation, person
from tests.test_objections import objection


def read(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_conversation_log_exports_with_its_filters(as_viewer, campaign, users, through_job):
    ann = person(campaign, users["lead"], "Ann Exec", level=Level.executive,
                 stance=Stance.sceptic)
    bob = person(campaign, users["lead"], "Bob Worker", stance=Stance.neutral)
    conversation(campaign, users["champion"], ann, bob, channel=Channel.demo,
                 stances={ann: Stance.neutral}, subject="=HYPERLINK(\"http://x\")",
                 summary="Showed the **questions forum**.")
    conversation(campaign, users["champion"], bob, channel=Channel.email, subject="Follow-up")
    db.session.commit()
    base = f"/campaigns/{campaign.slug}/conversations"

    rows = read(through_job(as_viewer, f"{base}/export.csv").file)
    assert len(rows) == 2
    rows = read(through_job(as_viewer, f"{base}/export.csv?channel=demo").file)
    assert len(rows) == 1
    (row,) = rows
    assert row["channel"] == "Demo"
    assert row["attendees"] == "Ann Exec; Bob Worker"
    assert row["stance_moves"] == "Ann Exec: Sceptic → Neutral"
    assert row["subject"].startswith("'=")  # a spreadsheet shows it, never runs it
    assert row["summary"] == "Showed the **questions forum**."
    assert row["logged_by"] == users["champion"].name
    # The list's button asks for the export with the filters it shows.
    page = as_viewer.get(f"{base}/?channel=demo").get_data(as_text=True)
    assert f"{base}/export.csv?channel=demo" in page


def test_objection_register_exports_what_it_shows(as_viewer, campaign, users, through_job):
    ann = person(campaign, users["lead"], "Ann Exec", level=Level.executive)
    objection(campaign, users["lead"], ann, "security", "-1 for cloud storage", days_ago=5)
    objection(campaign, users["lead"], ann, "fad", "A toy", days_ago=2)
    objection(campaign, users["lead"], ann, "fad", "Old toy", status=ObjectionStatus.resolved)
    db.session.commit()
    base = f"/campaigns/{campaign.slug}/objections"

    rows = read(through_job(as_viewer, f"{base}/export.csv").file)
    # Like the register: open and answered by default, the resolved one left out.
    assert sorted(row["statement"] for row in rows) == ["'-1 for cloud storage", "A toy"]
    rows = read(through_job(as_viewer, f"{base}/export.csv?theme=fad&status=resolved").file)
    assert [(row["statement"], row["status"]) for row in rows] == [("Old toy", "Resolved")]
    rows = read(through_job(as_viewer, f"{base}/export.csv?theme=security").file)
    (row,) = rows
    assert (row["theme"], row["person"], row["level"], row["days_open"]) == (
        "Data leaving the firewall", "Ann Exec", "Executive", "5")
    page = as_viewer.get(f"{base}/?theme=fad").get_data(as_text=True)
    assert f"{base}/export.csv?theme=fad" in page


def test_every_export_is_a_job_never_a_request(as_viewer, campaign, users, through_job):
    """A large export outlasts a web worker's timeout: GET no longer writes the file, the
    POST starts a job, and the job's page offers the file under the campaign's name."""
    ann = person(campaign, users["lead"], "Ann Exec", level=Level.executive)
    conversation(campaign, users["champion"], ann, subject="Board walk-through")
    objection(campaign, users["lead"], ann, "fad", "A toy")
    db.session.commit()
    base = f"/campaigns/{campaign.slug}"
    expected = {"stakeholders/export.csv": ("Ann Exec", "stakeholders"),
                "conversations/export.csv": ("Board walk-through", "conversations"),
                "objections/export.csv": ("A toy", "objections"),
                "dashboard/next-conversations.csv": ("Ann Exec", "next-conversations"),
                "dashboard/objections.csv": ("fad", "objections")}
    for path, (text, name) in expected.items():
        assert as_viewer.get(f"{base}/{path}").status_code == 405, path
        run = through_job(as_viewer, f"{base}/{path}")
        assert "CSV export" in run.page.get_data(as_text=True), path
        assert text in run.file.get_data(as_text=True), path
        assert f'filename="{campaign.slug}-{name}.csv"' in run.file.headers[
            "Content-Disposition"], path


def test_an_export_nobody_offers_is_refused_by_name(campaign, users):
    from app.jobs import operations, runner
    from app.models import Job, JobStatus

    job = operations.ask("export", campaign, users["viewer"], {"export": "secrets", "args": {}})
    runner.run(job.id)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status is JobStatus.failed
    assert job.message == "There is no CSV export called 'secrets'."


def test_the_export_page_leads_back_to_its_list(as_viewer, campaign, through_job):
    base = f"/campaigns/{campaign.slug}"
    page = through_job(as_viewer, f"{base}/conversations/export.csv").page.get_data(as_text=True)
    assert f'href="{base}/conversations/"' in page
    page = through_job(as_viewer, f"{base}/dashboard/levels.csv").page.get_data(as_text=True)
    assert f'href="{base}/dashboard/"' in page
