"""The stakeholder import as a job: progress on its page, the same rows and audit events as
adding people one by one, undone when it fails half-way, and 10,000 rows that do not lock
other people out of SQLite."""

import io
import threading
import time
from datetime import timedelta

import pytest

from app.extensions import db
from app.jobs import runner
from app.models import (
    AuditEvent,
    Engagement,
    Job,
    JobStatus,
    Level,
    Stakeholder,
    Stance,
    StanceChange,
)
from app.stakeholders.operations import add_stakeholder
from tests.conftest import PASSWORD, post_job

HEADER = ("name,email,title,department,level,reports_to_email,influence,stance,target_stance,"
          "interest")


def url(campaign, path: str = "") -> str:
    return f"/campaigns/{campaign.slug}/stakeholders/{path}"


def people_file(count: int, *, domain: str = "example.org") -> str:
    """`count` people in a tree ten wide: row i reports to row (i - 1) // 10."""
    lines = [HEADER]
    for i in range(count):
        boss = f"p{(i - 1) // 10}@{domain}" if i else ""
        lines.append(f"Person {i},p{i}@{domain},Analyst,Dept {i % 7},worker,{boss},"
                     f"{i % 5 + 1},neutral,supporter,{i % 5 + 1}")
    return "\n".join(lines) + "\n"


def ask(client, campaign, text: str) -> int:
    """Upload the file; the id of the import job it started (not run yet)."""
    response = client.post(url(campaign, "import"),
                           data={"file": (io.BytesIO(text.encode()), "people.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def with_handler(app, wrap):
    """Run import jobs through `wrap(handler, job, step)` for this test (the app fixture
    restores the handlers afterwards)."""
    real = app.extensions["job_handlers"]["import"]
    app.extensions["job_handlers"] = {
        **app.extensions["job_handlers"], "import": lambda job, step: wrap(real, job, step)}


def test_an_import_writes_what_adding_each_person_writes(app, as_champion, campaign, users):
    """The same stakeholder, engagement, starting stance and audit events as the form."""
    add_stakeholder(campaign, users["champion"],
                    {"name": "Form Person", "email": "form@example.org", "title": "Analyst",
                     "department": "Ops", "level": Level.manager, "influence": 4,
                     "reports_to_id": None},
                    {"stance": Stance.sceptic, "target_stance": Stance.supporter, "interest": 2})
    db.session.commit()
    page = post_job(as_champion, url(campaign, "import"),
                    {"file": (io.BytesIO((HEADER + "\nFile Person,file@example.org,Analyst,"
                                          "Ops,manager,form@example.org,4,sceptic,supporter,2\n"
                                          ).encode()), "people.csv")},
                    content_type="multipart/form-data")
    assert "Imported 1 person." in page.get_data(as_text=True)

    def written(email):
        person = db.session.scalar(db.select(Stakeholder).filter_by(email=email))
        engagement = db.session.scalar(db.select(Engagement).filter_by(stakeholder_id=person.id))
        moves = db.session.scalars(db.select(StanceChange).filter_by(
            engagement_id=engagement.id)).all()
        events = db.session.scalars(db.select(AuditEvent).filter_by(
            stakeholder_id=person.id).order_by(AuditEvent.id)).all()
        return person, engagement, moves, events

    form, by_form_engagement, form_moves, form_events = written("form@example.org")
    imported, engagement, moves, events = written("file@example.org")
    assert imported.reports_to_id == form.id
    assert (engagement.stance, engagement.target_stance, engagement.interest,
            engagement.joined_on, engagement.campaign_id) == (
        by_form_engagement.stance, by_form_engagement.target_stance,
        by_form_engagement.interest, by_form_engagement.joined_on, campaign.id)
    assert [(m.from_stance, m.to_stance, m.changed_at, m.changed_by_id, m.reason)
            for m in moves] == [(m.from_stance, m.to_stance, m.changed_at, m.changed_by_id,
                                 m.reason) for m in form_moves]

    def shape(event, own_ids):
        changes = dict(event.changes)
        for field, value in (("name", None), ("email", None), ("reports_to_id", None)):
            if field in changes:
                changes[field] = value  # the one thing that differs between the two people
        return (event.entity_type, event.action, event.user_id, event.campaign_id,
                event.entity_id in own_ids, changes)

    assert [shape(e, {imported.id, engagement.id}) for e in events] == [
        shape(e, {form.id, by_form_engagement.id}) for e in form_events]
    assert events[0].changes["reports_to_id"] == [None, form.id]
    assert events[0].changes["email"] == [None, "file@example.org"]


def test_progress_shows_on_the_job_page_while_it_runs(app, as_champion, campaign):
    pages = []

    def watch(handler, job, step):
        def watched(done, total=None, message=None):
            step(done, total, message)
            if total:
                pages.append(as_champion.get(f"/campaigns/{campaign.slug}/jobs/{job.id}")
                             .get_data(as_text=True))
        return handler(job, watched)

    with_handler(app, watch)
    job_id = ask(as_champion, campaign, people_file(1_200))
    assert app.extensions["jobs"].run_pending() == 1
    seen = " ".join(pages)
    for progress in ("Checking rows: 500 of 1200", "Checking rows: 1200 of 1200",
                     "Saving: 0 of 1200", "Saving: 500 of 1200", "Saving: 1000 of 1200"):
        assert progress in seen, progress
    assert 'http-equiv="refresh"' in pages[0]
    page = as_champion.get(f"/campaigns/{campaign.slug}/jobs/{job_id}").get_data(as_text=True)
    assert "Imported 1,200 people." in page and 'http-equiv="refresh"' not in page
    assert count(Stakeholder) == 1_200


def test_a_refused_file_lists_at_most_200_problems_and_writes_nothing(as_champion, campaign):
    text = people_file(300).replace("worker", "overlord")
    events = count(AuditEvent)
    page = post_job(as_champion, url(campaign, "import"),
                    {"file": (io.BytesIO(text.encode()), "people.csv")},
                    content_type="multipart/form-data").get_data(as_text=True)
    assert "Nothing was imported: 300 problems to fix first." in page
    assert page.count('<td data-label="Column"><code>level</code></td>') == 200
    assert "and 100 more problems" in page
    assert count(Stakeholder) == 0 and count(AuditEvent) == events
    job = db.session.scalar(db.select(Job))
    assert job.status is JobStatus.failed and job.payload is None


def test_a_failure_after_some_batches_were_saved_undoes_them(app, as_champion, as_lead,
                                                            campaign):
    """Someone takes row 700's email after the first batch is saved: the second batch
    fails, and the first is removed again with everything written for it."""
    before = {model: count(model) for model in (Stakeholder, Engagement, StanceChange,
                                                AuditEvent)}

    def race(handler, job, step):
        def racing(done, total=None, message=None):
            step(done, total, message)
            if message == "Saving" and done == 500:
                answer = as_lead.post(url(campaign, "new"), data={
                    "name": "Quick Lead", "email": "p700@example.org", "title": "",
                    "department": "", "level": "worker", "reports_to": "", "influence": "3",
                    "stance": "unknown", "target_stance": "supporter", "interest": "3",
                    "owner_id": ""})
                assert answer.status_code == 302
        return handler(job, racing)

    with_handler(app, race)
    job_id = ask(as_champion, campaign, people_file(1_200))
    app.extensions["jobs"].run_pending()
    page = as_champion.get(f"/campaigns/{campaign.slug}/jobs/{job_id}").get_data(as_text=True)
    assert "Nothing was saved" in page
    emails = db.session.scalars(db.select(Stakeholder.email)).all()
    assert emails == ["p700@example.org"]
    after = {model: count(model) for model in before}
    assert after == {Stakeholder: before[Stakeholder] + 1, Engagement: before[Engagement] + 1,
                     StanceChange: before[StanceChange] + 1,
                     AuditEvent: before[AuditEvent] + 2}
    assert "saved" not in db.session.get(Job, job_id).outcome


class WorkerKilled(BaseException):
    """Stands for the worker process dying: nothing in the runner catches it."""


def test_a_job_whose_worker_died_half_way_starts_clean(app, as_champion, campaign):
    attempts = []

    def die_once(handler, job, step):
        def dying(done, total=None, message=None):
            step(done, total, message)
            if message == "Saving" and done == 500 and not attempts:
                attempts.append(done)
                raise WorkerKilled
        return handler(job, dying)

    with_handler(app, die_once)
    job_id = ask(as_champion, campaign, people_file(1_200))
    with app.app_context(), pytest.raises(WorkerKilled):
        runner.run(job_id)
    assert count(Stakeholder) == 500  # the first batch, committed before the worker died
    with app.app_context():
        runner.run(job_id)  # sent again (by the reaper): undoes the first try, then imports
    assert count(Stakeholder) == 1_200
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "stakeholder")) == 1_200
    assert count(StanceChange) == 1_200


@pytest.mark.slow
def test_ten_thousand_people_import(as_champion, campaign):
    started = time.perf_counter()
    page = post_job(as_champion, url(campaign, "import"),
                    {"file": (io.BytesIO(people_file(10_000).encode()), "people.csv")},
                    content_type="multipart/form-data").get_data(as_text=True)
    assert "Imported 10,000 people." in page, page[:2000]
    assert count(Stakeholder) == 10_000 and count(StanceChange) == 10_000
    print(f"10,000-row import: {time.perf_counter() - started:.1f} s")


def test_a_file_over_the_row_limit_is_refused(as_champion, campaign):
    page = post_job(as_champion, url(campaign, "import"),
                    {"file": (io.BytesIO(people_file(10_001).encode()), "people.csv")},
                    content_type="multipart/form-data").get_data(as_text=True)
    assert "At most 10,000 people per import; split the file." in page
    assert count(Stakeholder) == 0


@pytest.mark.slow
@pytest.mark.commits
def test_others_can_write_while_an_import_is_saved(app, as_champion, campaign, users):
    """On SQLite one writer at a time: sign-ins (each writes a session row on its own
    connection, with the app's 5 s busy timeout) all succeed while the import saves."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    job_id = ask(as_champion, campaign, people_file(5_000))
    db.session.commit()
    failures: list[BaseException] = []

    def work():
        try:
            with app.app_context():
                runner.run(job_id)
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            failures.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    during_save, answers = 0, []
    client = app.test_client()
    with db.engine.connect() as watcher:
        while worker.is_alive():
            state = watcher.exec_driver_sql(
                "SELECT message FROM job WHERE id = ?", (job_id,)).scalar()
            watcher.rollback()
            answer = client.post("/login", data={"email": users["viewer"].email,
                                                 "password": PASSWORD})
            answers.append(answer.status_code)
            during_save += state == "Saving"
            client.post("/logout")
    worker.join()
    assert not failures
    assert set(answers) == {302}, answers
    print(f"sign-ins: {len(answers)}, {during_save} while saving")
    assert during_save >= 3, (during_save, len(answers))
    assert count(Stakeholder) == 5_000


def test_the_reaper_gives_up_a_twice_killed_import_and_removes_its_people(app, as_champion,
                                                                         campaign):
    def die(handler, job, step):
        def dying(done, total=None, message=None):
            step(done, total, message)
            if message == "Saving" and done == 500:
                raise WorkerKilled
        return handler(job, dying)

    with_handler(app, die)
    job_id = ask(as_champion, campaign, people_file(800))
    for _ in range(2):
        with app.app_context(), pytest.raises(WorkerKilled):
            runner.run(job_id)
    assert count(Stakeholder) == 500
    job = db.session.get(Job, job_id)
    with app.app_context():
        runner.reap(job.heartbeat_at + timedelta(hours=1))
    db.session.expire_all()
    assert count(Stakeholder) == count(Engagement) == count(StanceChange) == 0
    job = db.session.get(Job, job_id)
    assert job.status is JobStatus.failed and "Nothing was saved" in job.message
