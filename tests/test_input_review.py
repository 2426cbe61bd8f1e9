"""Bad input anywhere: a 4xx with a message that names the problem, and nothing written.

These run on SQLite and on PostgreSQL (TEST_DATABASE_URL); several of the failures they
guard against (NUL characters, ids beyond an INTEGER column) only ever crashed on one of them.
"""

import io
import re
from datetime import date

import pytest

from app.extensions import db
from app.models import (
    Conversation,
    FollowUp,
    Level,
    Objection,
    ObjectionTheme,
    Stakeholder,
    User,
)
from tests.conftest import post_job
from tests.factories import conversation, person, theme

HUGE = "99999999999999999999"


def url(campaign, path: str) -> str:
    return f"/campaigns/{campaign.slug}/{path}"


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# --- NUL characters: PostgreSQL cannot store or even compare text holding one. ---


@pytest.mark.parametrize("path", [
    "stakeholders/?q=a%00b",
    "stakeholders/export.csv?q=%00",
    "stakeholders/search.json?q=a%00",
    "objections/?theme=%00",
    "case-studies/?tag=%00",
    "dashboard/?department=%00",
])
def test_nul_in_query_string_is_refused_naming_the_argument(as_lead, campaign, path):
    # An export is asked for by POST, with the list's filters in the query string.
    ask = as_lead.post if ".csv" in path else as_lead.get
    response = ask(url(campaign, path))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    name = path.split("?")[1].split("=")[0]
    assert f"“{name}”" in page and "NUL" in page


def new_person(name: str, email: str) -> dict:
    """The add-stakeholder form for a worker, everything else at its default."""
    return {"name": name, "email": email, "level": "worker", "influence": "3", "interest": "3",
            "stance": "unknown", "target_stance": "supporter", "owner_id": ""}


def test_nul_in_a_form_field_is_refused_and_nothing_written(as_champion, campaign):
    response = as_champion.post(url(campaign, "stakeholders/new"),
                                data=new_person("Ann\x00Lee", "ann@example.org"))
    assert response.status_code == 400
    assert "“name”" in response.get_data(as_text=True)
    assert count(Stakeholder) == 0


def test_nul_in_a_playbook_edit_leaves_the_theme_as_it_was(as_lead, campaign):
    target = db.session.scalars(db.select(ObjectionTheme).order_by(ObjectionTheme.id)).first()
    before = (target.name, target.description)
    response = as_lead.post(url(campaign, f"objections/playbook/{target.id}/edit"), data={
        "name": target.name, "description": "Too \x00 busy",
        "answer_executive": "", "answer_manager": "", "answer_worker": "",
    })
    assert response.status_code == 400
    db.session.expire_all()
    assert (target.name, target.description) == before


def test_nul_in_a_json_search_answers_json(as_lead, campaign):
    response = as_lead.get(url(campaign, "stakeholders/search.json?q=%00"),
                           headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]


# --- Numbers no INTEGER column can hold. ---


@pytest.mark.parametrize("path", [
    f"stakeholders/{HUGE}",
    f"stakeholders/{HUGE}/edit",
    f"conversations/{HUGE}",
    f"objections/{HUGE}",
    f"objections/playbook/{HUGE}/edit",
    f"briefings/{HUGE}",
    f"briefings/{HUGE}.pdf",
    f"briefings/messages/{HUGE}/edit",
    f"briefings/risks/{HUGE}/edit",
    f"briefings/landmines/{HUGE}/edit",
])
def test_an_id_too_large_for_any_record_is_not_found(as_lead, campaign, path):
    assert as_lead.get(url(campaign, path)).status_code == 404


def test_an_id_too_large_in_a_post_is_not_found_and_writes_nothing(as_lead, campaign):
    response = as_lead.post(url(campaign, f"followups/{HUGE}/done"))
    assert response.status_code == 404


@pytest.mark.parametrize("path", [
    "stakeholders/", "conversations/", "objections/", "followups/", "briefings/",
    "briefings/messages", "briefings/risks", "briefings/landmines", "members",
])
def test_a_page_number_too_large_is_not_found(as_lead, campaign, path):
    assert as_lead.get(url(campaign, f"{path}?page={HUGE}")).status_code == 404


def test_a_page_number_too_large_on_the_campaign_list(as_lead, campaign):
    assert as_lead.get(f"/campaigns/?page={HUGE}").status_code == 404


@pytest.mark.parametrize("path", [
    f"conversations/?author={HUGE}",
    f"conversations/?attendee={HUGE}",
    f"conversations/new?attendee={HUGE}",
    f"followups/new?about={HUGE}",
    f"objections/new?engagement={HUGE}",
    f"briefings/new?attendee={HUGE}",
    f"dashboard/?manager={HUGE}",
])
def test_an_id_too_large_in_a_filter_or_prefill_is_ignored(as_lead, campaign, users, path):
    """The page is the one without that parameter: a filter lists everything, a form
    starts empty (not filtered down to nobody, nor prefilled with someone)."""
    hugo = person(campaign, users["lead"], "Hugo Large", level=Level.manager)
    person(campaign, users["lead"], "Rita Reports", reports_to=hugo)
    conversation(campaign, users["lead"], hugo, subject="Coffee with Hugo")
    db.session.commit()

    def page(path):
        response = as_lead.get(url(campaign, path))
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        # What may differ: a notice that it was ignored, the parameter echoed back (e.g. in
        # the CSV link), a CSRF token and a default of "now" to the minute.
        html = re.sub(r'<div class="alert[^"]*"[^>]*>.*?</div>', "", html, flags=re.S)
        html = html.replace(f"?{name}={HUGE}", "").replace(f"{name}={HUGE}", "")
        html = re.sub(r'"[\w-]{20,}\.[\w.-]+"', '"token"', html)
        html = re.sub(r'value="\d{4}-\d\d-\d\dT\d\d:\d\d"', 'value=""', html)
        return re.sub(r"\s+", " ", html)

    plain, name = path.split("?")[0], path.split("?")[1].split("=")[0]
    ignored = page(path)
    assert ignored == page(plain)
    if plain.endswith("/"):  # a list: everything is listed, not filtered down to nobody
        assert "Hugo Large" in ignored


def test_dashboard_says_the_manager_filter_was_ignored(as_lead, campaign):
    page = as_lead.get(url(campaign, f"dashboard/?manager={HUGE}")).get_data(as_text=True)
    assert "That manager is not in this campaign" in page


def test_conversation_with_an_attendee_id_too_large_is_refused(as_champion, campaign):
    response = as_champion.post(url(campaign, "conversations/new"), data={
        "occurred_at": "2026-09-02T10:00", "channel": "one_to_one", "duration_minutes": "30",
        "subject": "Coffee", "summary": "Talked.",
        "attendees-0-engagement_id": HUGE, "attendees-0-stance_after": "neutral",
    })
    assert response.status_code == 400
    assert "not part of this campaign" in response.get_data(as_text=True)
    assert count(Conversation) == 0


def test_follow_up_about_an_id_too_large_is_refused(as_champion, campaign, users):
    response = as_champion.post(url(campaign, "followups/new"), data={
        "description": "Send the deck", "owner_id": str(users["champion"].id),
        "due_on": "2026-10-01", "engagement_id": HUGE,
    })
    assert response.status_code == 400
    assert "not part of this campaign" in response.get_data(as_text=True)
    assert count(FollowUp) == 0


def test_briefing_with_an_attendee_id_too_large_is_refused(as_lead, campaign):
    response = as_lead.post(url(campaign, "briefings/new"), data={
        "audience": "executive", "attendees": HUGE, "action": "generate",
    })
    assert response.status_code == 400
    assert "not part of this campaign" in response.get_data(as_text=True)


# --- Duplicates that differ only in case never reach a unique constraint. ---


def test_stakeholder_email_in_another_case_is_refused(as_champion, campaign, users):
    ann = person(campaign, users["lead"], "Ann Lee")
    db.session.commit()
    response = as_champion.post(url(campaign, "stakeholders/new"),
                                data=new_person("Ann Again", ann.stakeholder.email.upper()))
    assert response.status_code == 400
    assert "already has this email" in response.get_data(as_text=True)
    assert count(Stakeholder) == 1


def test_theme_name_in_another_case_is_refused(as_lead, campaign):
    existing = db.session.scalars(db.select(ObjectionTheme).order_by(ObjectionTheme.id)).first()
    before = count(ObjectionTheme)
    response = as_lead.post(url(campaign, "objections/playbook/new"), data={
        "name": existing.name.upper(), "description": "", "answer_executive": "",
        "answer_manager": "", "answer_worker": "",
    })
    assert response.status_code == 400
    assert "already has a theme of that name" in response.get_data(as_text=True)
    assert count(ObjectionTheme) == before


def test_two_themes_whose_names_slugify_alike_get_distinct_slugs(as_lead, campaign):
    for name in ("Cost & time!", "Cost, time"):
        response = as_lead.post(url(campaign, "objections/playbook/new"), data={
            "name": name, "description": "", "answer_executive": "",
            "answer_manager": "", "answer_worker": "",
        })
        assert response.status_code == 302, response.get_data(as_text=True)
    slugs = db.session.scalars(db.select(ObjectionTheme.slug).where(
        ObjectionTheme.name.in_(("Cost & time!", "Cost, time")))).all()
    assert sorted(slugs) == ["cost-time", "cost-time-2"]


def test_adding_a_member_twice_in_another_case_is_refused(as_lead, campaign, users):
    response = as_lead.post(url(campaign, "members"), data={
        "email": users["champion"].email.upper(), "role": "champion"})
    assert response.status_code == 400
    assert "already a member" in response.get_data(as_text=True)


# --- Over-long text is refused by the form, never by the database. ---


@pytest.mark.parametrize("field, limit", [
    ("name", 120), ("email", 254), ("title", 120), ("department", 80),
])
def test_stakeholder_text_over_the_column_size_is_refused(as_champion, campaign, field, limit):
    data = {
        "name": "Ann Lee", "email": "ann@example.org", "title": "", "department": "",
        "level": "worker", "influence": "3", "interest": "3", "stance": "unknown",
        "target_stance": "supporter", "owner_id": "",
    }
    data[field] = "x" * (limit + 1) if field != "email" else "a" * (limit - 11) + "@example.org"
    response = as_champion.post(url(campaign, "stakeholders/new"), data=data)
    assert response.status_code == 400
    assert data[field] in response.get_data(as_text=True)  # re-rendered as typed
    assert count(Stakeholder) == 0


def test_objection_raised_in_the_future_is_refused(as_champion, campaign, users):
    someone = person(campaign, users["lead"], "Ann Lee")
    db.session.commit()
    chosen = theme(campaign)
    response = as_champion.post(url(campaign, "objections/new"), data={
        "person": someone.stakeholder.email, "theme_id": str(chosen.id),
        "statement": "Too dear", "raised_on": date(2999, 1, 1).isoformat(),
    })
    assert response.status_code == 400
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert count(Objection) == 0


# --- CSV import: every problem a report line, never a 500, never half an import. ---


def upload(client, campaign, text: str):
    """Import the file through its job; the job's page once it is over."""
    data = {"file": (io.BytesIO(text.encode()), "people.csv")}
    return post_job(client, url(campaign, "stakeholders/import"), data,
                    content_type="multipart/form-data")


HEADER = "name,email,level\n"


def test_import_with_a_nul_character_reports_the_row(as_champion, campaign):
    text = HEADER + "Ann Lee,ann@example.org,worker\nBo\x00b,bob@example.org,worker\n"
    page = upload(as_champion, campaign, text).get_data(as_text=True)
    assert "Nothing was imported" in page and "NUL" in page and ">3<" in page
    assert count(Stakeholder) == 0


def test_import_with_a_nul_character_in_an_email_reports_the_row(as_champion, campaign):
    text = HEADER + "Ann Lee,ann\x00@example.org,worker\n"
    assert "Nothing was imported" in upload(as_champion, campaign, text).get_data(as_text=True)
    assert count(Stakeholder) == 0


def test_import_with_a_giant_cell_is_refused_with_a_message(as_champion, campaign):
    text = HEADER + "Ann Lee,ann@example.org,worker,\"" + "x" * 200_000 + "\"\n"
    page = upload(as_champion, campaign, text).get_data(as_text=True)
    assert "not a CSV file Groundswell can read" in page
    assert count(Stakeholder) == 0


def test_import_with_an_unclosed_quote_writes_nothing(as_champion, campaign):
    text = HEADER + "Ann Lee,ann@example.org,worker\n\"Bob,bob@example.org,worker\n"
    assert "Nothing was imported" in upload(as_champion, campaign, text).get_data(as_text=True)
    assert count(Stakeholder) == 0


# --- CLI: a bad argument exits non-zero with a message, never a traceback. ---


@pytest.mark.parametrize("arguments, message", [
    (["not-an-email", "--name", "Nobody"], "not an email address"),
    (["ann@example.org", "--name", "   "], "Give the user's name"),
    (["ann@example.org", "--name", "x" * 121], "120 characters"),
    (["a" * 250 + "@example.org", "--name", "Ann"], "254 characters"),
])
def test_users_create_refuses_bad_arguments(runner, app, arguments, message):
    result = runner.invoke(args=["users", "create", *arguments, "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code != 0
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert count(User) == 0


def test_users_create_refuses_an_email_taken_in_another_case(runner, users):
    result = runner.invoke(args=["users", "create", "LEAD@Example.org", "--name", "Lead Two",
                                 "--password-stdin"], input="a long enough password\n")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert count(User) == len(users)


def test_report_render_to_an_unwritable_path_says_so(runner, campaign, tmp_path):
    target = tmp_path / "missing-folder" / "report.pdf"
    result = runner.invoke(args=["report", "render", "--campaign", campaign.slug,
                                 "-o", str(target)])
    assert result.exit_code != 0
    assert "Cannot write" in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("arguments, message", [
    (["--campaign", "no-such-campaign"], "no campaign"),
    (["--from", "2026-13-45"], "2026-13-45"),
    (["--from", "2026-10-01", "--to", "2026-09-01"], "--from is after --to"),
    (["--to", "0001-01-01"], "between 1900 and 2999"),
    (["--from", "9999-12-31"], "between 1900 and 2999"),
])
def test_report_render_refuses_bad_arguments(runner, campaign, tmp_path, arguments, message):
    if "--campaign" not in arguments:
        arguments = ["--campaign", campaign.slug, *arguments]
    result = runner.invoke(args=["report", "render", *arguments, "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "r.pdf").exists()


# --- Dates Python can parse but no calendar arithmetic survives (year 1, year 9999). ---


@pytest.mark.parametrize("path", [
    "conversations/?to=9999-12-31",
    "conversations/?from=0001-01-01&to=0001-01-01",
    "objections/?raised_to=9999-12-31",
    "objections/?raised_from=0001-01-01&raised_to=0001-01-01",
    "dashboard/?to=0001-01-01",
    "dashboard/movement.csv?to=0001-01-01",
])
def test_absurd_dates_in_filters_are_ignored_with_a_message(as_lead, campaign, path,
                                                           through_job):
    if ".csv" in path:
        response = through_job(as_lead, url(campaign, path)).file
    else:
        response = as_lead.get(url(campaign, path))
    assert response.status_code == 200
    if "csv" not in path and "pdf" not in path:
        assert "date" in response.get_data(as_text=True)


def test_an_absurd_date_in_the_report_filters_is_ignored(as_lead, campaign, through_job):
    made = through_job(as_lead, url(campaign, "report.pdf"), query_string={"to": "0001-01-01"})
    assert made.file.status_code == 200 and made.file.data.startswith(b"%PDF")


def test_conversation_in_year_one_is_refused(as_champion, campaign, users):
    someone = person(campaign, users["lead"], "Ann Lee")
    db.session.commit()
    response = as_champion.post(url(campaign, "conversations/new"), data={
        "occurred_at": "0001-01-01T00:00", "channel": "one_to_one", "duration_minutes": "30",
        "attendees-0-engagement_id": str(someone.id), "attendees-0-stance_after": "neutral",
    })
    assert response.status_code == 400
    assert count(Conversation) == 0


@pytest.mark.parametrize("due", ["0001-01-01", "9999-12-31"])
def test_follow_up_due_in_an_absurd_year_is_refused(as_champion, campaign, users, due):
    response = as_champion.post(url(campaign, "followups/new"), data={
        "description": "Send the deck", "owner_id": str(users["champion"].id), "due_on": due,
    })
    assert response.status_code == 400
    assert count(FollowUp) == 0


def test_objection_raised_in_year_one_is_refused(as_champion, campaign, users):
    someone = person(campaign, users["lead"], "Ann Lee")
    db.session.commit()
    response = as_champion.post(url(campaign, "objections/new"), data={
        "person": someone.stakeholder.email, "theme_id": str(theme(campaign).id),
        "statement": "Too dear", "raised_on": "0001-01-01",
    })
    assert response.status_code == 400
    assert count(Objection) == 0


@pytest.mark.parametrize("starts, ends", [("0001-01-01", ""), ("2026-01-01", "9999-12-31")])
def test_campaign_in_an_absurd_year_is_refused(as_lead, starts, ends):
    from app.models import Campaign

    before = count(Campaign)
    response = as_lead.post("/campaigns/new", data={
        "name": "Odd dates", "change": "Something", "goals": "Work together more effectively",
        "phase": "embrace", "starts_on": starts, "ends_on": ends,
    })
    assert response.status_code == 400
    assert count(Campaign) == before


def test_briefing_meeting_in_year_9999_is_refused(as_lead, campaign):
    response = as_lead.post(url(campaign, "briefings/new"), data={
        "audience": "executive", "meeting_on": "9999-12-31", "action": "generate",
    })
    assert response.status_code == 400


def test_briefing_render_refuses_a_meeting_in_year_9999(runner, campaign, tmp_path):
    result = runner.invoke(args=["briefing", "render", "--campaign", campaign.slug,
                                 "--audience", "manager", "--meeting", "9999-12-31",
                                 "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 2
    assert "between 1900 and 2999" in result.output
    assert not (tmp_path / "b.pdf").exists()


def test_a_request_body_over_the_limit_is_refused(as_champion, campaign):
    import io

    big = io.BytesIO(b"name,email\n" + b"x" * (5 * 1024 * 1024))
    response = as_champion.post(
        f"/campaigns/{campaign.slug}/stakeholders/import",
        data={"file": (big, "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
