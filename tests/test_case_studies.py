"""The case-study library: loading and validation, the CLI, the pages and the PDF."""

import io
import logging
import shutil
from pathlib import Path

import pytest
from flask import g
from markupsafe import escape
from pypdf import PdfReader

from app import create_app
from app.case_studies.library import THEME_SLUGS, current_library, load_library
from app.markdown import plain
from app.models import Level
from tests.conftest import login

LIBRARY = Path(__file__).resolve().parent.parent / "case_studies"

GOOD = """---
title: A sound case
organisation: Example Org
sector: Testing
year: 2009
source: A discussion, described in words.
summary: One sentence.
outcomes:
  - {figure: "2 weeks", label: "to roll out"}
tags: [alpha, beta]
answers: [fad]
---
## Executive
Executive words.

## Manager
Manager words.

## Worker
Worker words.
"""


@pytest.fixture
def library_copy(tmp_path):
    """A copy of the real library that a test may break."""
    folder = tmp_path / "case_studies"
    shutil.copytree(LIBRARY, folder)
    return folder


def errors_by_field(library, file):
    return {error.field: error.message for error in library.errors if error.file == file}


# --- the real library ---------------------------------------------------------------


def test_real_library_loads_cleanly_with_all_levels():
    library = load_library(LIBRARY)
    assert library.errors == []
    studies = library.all()
    assert len(studies) >= 6
    assert sum(study.cautionary for study in studies) >= 2
    for study in studies:
        assert set(study.answers) <= set(THEME_SLUGS)
        for level in Level:
            assert study.section(level).strip(), (study.slug, level)
        # An executive reads a case in a minute: 80 to 150 words.
        words = len(plain(study.section(Level.executive)).split())
        assert 80 <= words <= 150, (study.slug, words)
        # Anything not from the source says so in the text.
        marked = "Illustrative" in "".join(study.sections.values())
        assert study.illustrative == marked, study.slug


def test_each_level_tells_its_own_version():
    study = load_library(LIBRARY).get("cisco-channel-training")
    assert study.organisation == "Cisco" and study.year is None
    assert [outcome.figure for outcome in study.outcomes][:2] == ["85%", "2 weeks"]
    texts = {level: study.section(level) for level in Level}
    assert len(set(texts.values())) == 3
    assert study.section("manager") == texts[Level.manager]
    assert study.section("nonsense") == ""


def test_filters_and_tags():
    library = load_library(LIBRARY)
    assert {s.slug for s in library.filter(tag="sharepoint")} == {"hr-stopped-sharepoint-rollout"}
    cost = {s.slug for s in library.filter(theme="cost-value")}
    assert "cisco-channel-training" in cost and "hr-stopped-sharepoint-rollout" not in cost
    assert library.filter(theme="cost-value", tag="sharepoint") == []
    assert len(library.filter(level=Level.worker)) == len(library.all())
    assert library.tags() == sorted(library.tags()) and "sharepoint" in library.tags()
    # Success stories come before cautionary tales.
    flags = [study.cautionary for study in library.all()]
    assert flags == sorted(flags)


# --- validation -------------------------------------------------------------------------


def test_broken_file_is_reported_by_name_and_field_and_the_rest_still_load(library_copy):
    (library_copy / "broken-case.md").write_text(
        GOOD.replace("year: 2009", "year: soon")
        .replace("answers: [fad]", "answers: [fad, world-peace]")
        .replace("tags: [alpha, beta]", "tags: [alpha, beta]\ncolour: green")
        .replace("## Manager\nManager words.", "## Manager\n")
        .replace('label: "to roll out"', 'label: ""')
    )
    library = load_library(library_copy)
    problems = errors_by_field(library, "broken-case.md")
    assert set(problems) == {"year", "answers", "colour", "manager", "outcomes[1].label"}
    assert "world-peace" in problems["answers"]
    assert "unknown key" in problems["colour"]
    assert library.get("broken-case") is None
    assert len(library.studies) == len(load_library(LIBRARY).studies)
    assert {error.file for error in library.errors} == {"broken-case.md"}


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("title: A sound case\n", "", "title"),
        ("organisation: Example Org", "organisation: ''", "organisation"),
        ("sector: Testing\n", "", "sector"),
        ("source: A discussion, described in words.\n", "", "source"),
        ("summary: One sentence.", "summary: [a, list]", "summary"),
        ("tags: [alpha, beta]", "tags: []", "tags"),
        ("answers: [fad]\n", "", "answers"),
        ("year: 2009", "year: true", "year"),
        ("year: 2009", "year: 19", "year"),
        ('  - {figure: "2 weeks", label: "to roll out"}', "  - 2 weeks", "outcomes[1]"),
        ('  - {figure: "2 weeks", label: "to roll out"}', '  - {figure: "2"}', "outcomes[1].label"),
        ('outcomes:\n  - {figure: "2 weeks", label: "to roll out"}', "outcomes: many", "outcomes"),
        ("answers: [fad]", "answers: [fad]\ncautionary: maybe", "cautionary"),
        ("## Worker\nWorker words.\n", "", "worker"),
        ("## Executive", "## Directors", "body"),
        ("## Worker", "## Manager", "manager"),
        ("---\n## Executive", "---\nStray intro.\n## Executive", "body"),
        ("title: A sound case", "title: A: broken: title", "front matter"),
        ("---\ntitle", "title", "front matter"),
    ],
)
def test_each_rule_names_its_field(tmp_path, old, new, field):
    assert old in GOOD
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "bad.md").write_text(GOOD.replace(old, new, 1))
    library = load_library(tmp_path)
    assert field in errors_by_field(library, "bad.md"), library.errors
    assert library.get("bad") is None
    assert library.get("good") is not None and library.errors_for("good.md") == []


def test_file_names_must_be_slugs_and_missing_folder_is_an_error(tmp_path):
    (tmp_path / "Bad Name.md").write_text(GOOD)
    library = load_library(tmp_path)
    assert "file" in errors_by_field(library, "Bad Name.md")
    missing = load_library(tmp_path / "nowhere")
    assert missing.studies == {} and missing.errors[0].field == "directory"


def test_library_is_loaded_at_start_up_and_errors_are_logged(app, tmp_path, caplog):
    assert current_library().get("cisco-channel-training") is not None
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "bad.md").write_text(GOOD.replace("answers: [fad]", "answers: [nope]"))
    with caplog.at_level(logging.ERROR):
        other = create_app({"TESTING": True, "CASE_STUDIES_DIR": str(tmp_path),
                            "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert set(other.extensions["case_studies"].studies) == {"good"}
    assert "case study bad.md: answers: unknown theme 'nope'" in caplog.text


# --- CLI -----------------------------------------------------------------------------------


def test_check_passes_on_the_real_library(runner):
    result = runner.invoke(args=["case-studies", "check", "--dir", str(LIBRARY)])
    assert result.exit_code == 0, result.output
    for path in LIBRARY.glob("*.md"):
        assert f"OK     {path.name}" in result.output


def test_check_fails_and_lists_a_broken_file(runner, library_copy):
    (library_copy / "broken-case.md").write_text(GOOD.replace("year: 2009", "year: soon"))
    result = runner.invoke(args=["case-studies", "check", "--dir", str(library_copy)])
    assert result.exit_code == 1
    assert "broken-case.md: year: must be a whole number" in result.output
    assert "OK     cisco-channel-training.md" in result.output


def test_check_uses_the_configured_folder(app, runner, tmp_path):
    app.config["CASE_STUDIES_DIR"] = str(tmp_path)
    (tmp_path / "bad.md").write_text("no front matter")
    result = runner.invoke(args=["case-studies", "check"])
    assert result.exit_code == 1 and "bad.md: front matter" in result.output


def test_list_shows_titles_and_flags(runner):
    result = runner.invoke(args=["case-studies", "list", "--dir", str(LIBRARY)])
    assert result.exit_code == 0
    assert "cisco-channel-training" in result.output and "[cautionary]" in result.output


# --- pages ----------------------------------------------------------------------------------


def url(campaign, rest=""):
    return f"/campaigns/{campaign.slug}/case-studies/{rest}"


def fetch(client, path, **kwargs):
    """GET as this client's user. The test client's requests share the test's app context,
    so Flask-Login's cached user in `g` must be forgotten when a test switches clients."""
    g.pop("_login_user", None)
    return client.get(path, **kwargs)


@pytest.fixture
def clients(app, users):
    """clients("lead", "champion") gives one signed-in client per user, safe to mix."""

    def sign_in(*names):
        signed_in = []
        for name in names:
            g.pop("_login_user", None)
            signed_in.append(login(app.test_client(), users[name]))
        return signed_in

    return sign_in


def test_library_page_for_leads_only(campaign, clients):
    as_lead, as_admin, as_champion, as_viewer, as_outsider = clients(
        "lead", "admin", "champion", "viewer", "outsider"
    )
    page = fetch(as_lead, url(campaign))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for study in current_library().all():
        assert str(escape(study.organisation)) in html
    assert "Cautionary" in html and "85%" in html
    assert "Cost and proof of value" in html  # themes named as the campaign's playbook names them
    assert fetch(as_admin, url(campaign)).status_code == 200
    assert fetch(as_champion, url(campaign)).status_code == 403
    assert fetch(as_viewer, url(campaign)).status_code == 403
    assert fetch(as_outsider, url(campaign)).status_code == 404
    assert fetch(as_champion, url(campaign, "cisco-channel-training")).status_code == 403
    pdf_url = url(campaign, "cisco-channel-training.pdf?level=worker")
    assert as_champion.post(pdf_url).status_code == 403
    assert fetch(as_outsider, url(campaign, "cisco-channel-training")).status_code == 404
    assert as_outsider.post(url(campaign, "cisco-channel-training.pdf")).status_code == 404


def test_nav_link_only_for_leads(campaign, clients):
    as_lead, as_champion = clients("lead", "champion")
    link = f'href="{url(campaign)}"'
    assert link in fetch(as_lead, url(campaign)).get_data(as_text=True)
    champion_page = fetch(as_champion, f"/campaigns/{campaign.slug}/stakeholders/",
                          follow_redirects=True)
    assert champion_page.status_code == 200
    assert link not in champion_page.get_data(as_text=True)


def test_filters(campaign, as_lead):
    html = as_lead.get(url(campaign, "?theme=cost-value")).get_data(as_text=True)
    assert "Cisco" in html and "SharePoint rollout stopped" not in html
    html = as_lead.get(url(campaign, "?tag=sharepoint")).get_data(as_text=True)
    assert "SharePoint rollout stopped" in html and "Cisco" not in html
    assert f"1 of {len(current_library().studies)} case studies match" in html
    html = as_lead.get(url(campaign, "?level=manager")).get_data(as_text=True)
    assert "level=manager" in html and "Cisco" in html
    html = as_lead.get(url(campaign, "?theme=cost-value&tag=sharepoint")).get_data(as_text=True)
    assert "No case study matches these filters" in html


def test_unknown_filter_values_are_ignored_with_a_message(campaign, as_lead):
    response = as_lead.get(url(campaign, "?theme=world-peace&tag=nope&level=board"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "no objection theme “world-peace”" in html
    assert "No case study is tagged “nope”" in html
    assert "no audience level called “board”" in html
    assert "Cisco" in html and "SharePoint rollout stopped" in html


def test_theme_filter_uses_the_campaigns_own_themes(campaign, as_lead):
    from app.extensions import db
    from app.models import ObjectionTheme

    theme = db.session.scalar(
        db.select(ObjectionTheme).filter_by(campaign_id=campaign.id, slug="fad")
    )
    theme.name = "Just the latest craze"
    db.session.commit()
    html = as_lead.get(url(campaign, "?theme=fad")).get_data(as_text=True)
    assert "Just the latest craze" in html and "IBM" in html


def test_library_page_runs_a_constant_number_of_queries(campaign, as_lead, count_queries):
    as_lead.get(url(campaign))
    with count_queries() as counter:
        assert as_lead.get(url(campaign)).status_code == 200
    assert counter.count <= 8


def test_case_page_reads_as_the_chosen_audience(campaign, as_lead):
    study = current_library().get("cisco-channel-training")
    manager_line = plain(study.section(Level.manager)).split("\n")[0][:60]
    worker_line = plain(study.section(Level.worker)).split("\n")[0][:60]
    html = as_lead.get(url(campaign, "cisco-channel-training?level=manager")).get_data(as_text=True)
    assert manager_line in html and worker_line not in html
    assert 'aria-current="page"' in html and "Download manager PDF" in html
    assert "Hundreds of millions" in html and "Learning Technologies conference" in html
    default = as_lead.get(url(campaign, "cisco-channel-training")).get_data(as_text=True)
    assert plain(study.section(Level.executive)).split("\n")[0][:60] in default
    odd = as_lead.get(url(campaign, "cisco-channel-training?level=board"))
    assert odd.status_code == 200 and "no audience level called" in odd.get_data(as_text=True)
    assert as_lead.get(url(campaign, "no-such-case")).status_code == 404


def test_case_study_pdf_holds_the_manager_telling_only(campaign, as_lead, through_job):
    study = current_library().get("cisco-channel-training")
    response = through_job(as_lead, url(campaign, "cisco-channel-training.pdf?level=manager")).file
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "cisco-channel-training-manager.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)

    def opening(level):
        return " ".join(plain(study.section(level)).split()[:12])

    assert opening(Level.manager) in text
    assert opening(Level.worker) not in text
    assert opening(Level.executive) not in text
    assert study.title in text and campaign.name in text and "Page 1 of" in text
    assert "MANAGER EDITION" in text.upper()


def test_pdf_needs_a_known_level(campaign, as_lead, through_job):
    assert as_lead.post(url(campaign, "cisco-channel-training.pdf?level=board")).status_code == 400
    assert as_lead.post(url(campaign, "no-such-case.pdf?level=worker")).status_code == 404
    default = through_job(as_lead, url(campaign, "cisco-channel-training.pdf")).file
    assert default.status_code == 200 and default.mimetype == "application/pdf"
    assert "cisco-channel-training-executive.pdf" in default.headers["Content-Disposition"]


def test_the_same_pdf_asked_for_again_is_served_without_a_new_job(campaign, as_lead, through_job):
    first = through_job(as_lead, url(campaign, "cisco-channel-training.pdf?level=worker"))
    again = as_lead.post(url(campaign, "cisco-channel-training.pdf?level=worker"))
    assert again.status_code == 303 and again.headers["Location"].endswith(first.page.request.path)
    other = as_lead.post(url(campaign, "cisco-channel-training.pdf?level=manager"))
    assert other.headers["Location"] != again.headers["Location"]


def test_pdf_error_is_shown_as_a_message(app, campaign, as_lead, through_job):
    app.config["PDF_MAX_HTML_BYTES"] = 1000
    made = through_job(as_lead, url(campaign, "cisco-channel-training.pdf?level=worker"))
    assert made.file is None
    assert "too long to print" in made.html and "alert-danger" in made.html


def test_library_pages_through_long_lists(campaign, as_lead, monkeypatch):
    from app.case_studies import views

    monkeypatch.setattr(views, "PER_PAGE", 4)
    first = as_lead.get(url(campaign)).get_data(as_text=True)
    second = as_lead.get(url(campaign, "?page=2")).get_data(as_text=True)
    titles = [str(escape(study.title)) for study in current_library().all()]
    assert all(title in first for title in titles[:4]) and titles[4] not in first
    assert all(title in second for title in titles[4:]) and titles[0] not in second
    assert "page=2" in first and "Next" in first
    beyond = as_lead.get(url(campaign, "?page=99")).get_data(as_text=True)
    assert titles[-1] in beyond  # a page past the end shows the last page


def test_list_page_numbers():
    from app.case_studies.views import ListPage

    page = ListPage(list(range(30)), 2, 12)
    assert page.items == list(range(12, 24)) and page.pages == 3 and page.total == 30
    assert (page.has_prev, page.has_next, page.prev_num, page.next_num) == (True, True, 1, 3)
    assert list(page.iter_pages()) == [1, 2, 3]
    assert list(ListPage(list(range(200)), 1, 10).iter_pages()) == [1, 2, 3, None, 20]
    empty = ListPage([], 5, 10)
    assert empty.page == 1 and empty.items == [] and not empty.has_next
