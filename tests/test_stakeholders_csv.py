"""CSV in and out: imports run as jobs, all-or-nothing with a per-row report on the job's
page; exports follow the filters."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import AuditEvent, Engagement, Level, Stakeholder, Stance
from tests.conftest import post_job
from tests.factories import conversation, person

HEADER = ("name,email,title,department,level,reports_to_email,influence,stance,target_stance,"
          "interest")


def url(campaign, path: str = "") -> str:
    return f"/campaigns/{campaign.slug}/stakeholders/{path}"


def upload(client, campaign, text: str, filename: str = "people.csv", encoding="utf-8"):
    """POST the file; the answer is the form again (400) or a redirect to the import's job."""
    data = {"file": (io.BytesIO(text.encode(encoding)), filename)}
    return client.post(url(campaign, "import"), data=data, content_type="multipart/form-data")


def import_file(client, campaign, text: str):
    """Upload the file, run the import job as a worker would; the job's page afterwards."""
    data = {"file": (io.BytesIO(text.encode()), "people.csv")}
    return post_job(client, url(campaign, "import"), data, content_type="multipart/form-data")


def problems(html: str) -> list[tuple[str, str, str]]:
    """The (row, column, message) triples of the import report."""
    table = html[html.index('id="import-problems"'):]
    table = table[:table.index("</table>")]
    cells = re.findall(
        r'<td data-label="Row">(.*?)</td>\s*<td data-label="Column"><code>(.*?)</code></td>\s*'
        r'<td data-label="Problem">(.*?)</td>', table, re.S)
    return [(row.strip(), column, message.strip()) for row, column, message in cells]


def people_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Stakeholder))


def test_import_creates_everyone_with_reporting_lines(as_champion, campaign, users):
    boss = person(campaign, users["lead"], "Existing Boss", level=Level.executive)
    db.session.commit()
    text = "\n".join([
        HEADER,
        # Reports to someone further down the file.
        "Kim Lee,kim@example.org,Team lead,Sales,worker,MO@example.org,2,sceptic,neutral,4",
        f"Mo Diaz,mo@example.org,Sales director,Sales,Manager,{boss.stakeholder.email},5,,,",
        "Nia Roy,nia@example.org,,Sales,worker,kim@example.org,,blocker,supporter,1",
        "",  # a blank line is harmless
    ])
    page = import_file(as_champion, campaign, text).get_data(as_text=True)
    assert "Imported 3 people." in page
    assert f'href="{url(campaign)}"' in page
    people = {p.email: p for p in db.session.scalars(db.select(Stakeholder))}
    kim, mo, nia = people["kim@example.org"], people["mo@example.org"], people["nia@example.org"]
    assert kim.reports_to_id == mo.id and nia.reports_to_id == kim.id
    assert mo.reports_to_id == boss.stakeholder_id and mo.level is Level.manager
    assert (mo.influence, kim.influence, nia.influence) == (5, 2, 3)
    kim_here = db.session.scalar(db.select(Engagement).filter_by(stakeholder_id=kim.id))
    assert (kim_here.stance, kim_here.target_stance, kim_here.interest) == (
        Stance.sceptic, Stance.neutral, 4)
    mo_here = db.session.scalar(db.select(Engagement).filter_by(stakeholder_id=mo.id))
    assert (mo_here.stance, mo_here.target_stance, mo_here.interest) == (
        Stance.unknown, Stance.supporter, 3)
    created = db.session.scalars(db.select(AuditEvent.entity_type).filter_by(
        action="create", user_id=users["champion"].id)).all()
    assert created.count("stakeholder") == 3 and created.count("engagement") == 3


def test_import_is_all_or_nothing_with_a_report_per_row(as_champion, campaign, users):
    existing = person(campaign, users["lead"], "Already Here")
    db.session.commit()
    before = people_count()
    text = "\n".join([
        HEADER,
        "Good Row,good@example.org,,Ops,worker,,3,neutral,supporter,3",             # 2
        "Bad Level,badlevel@example.org,,Ops,overlord,,3,,,",                        # 3
        "Bad Email,not-an-email,,Ops,worker,,3,,,",                                  # 4
        "Twin One,twin@example.org,,Ops,worker,,3,,,",                               # 5
        "Twin Two,TWIN@example.org,,Ops,worker,,3,,,",                               # 6
        f"Clash,{existing.stakeholder.email},,Ops,worker,,3,,,",                     # 7
        "Lost,lost@example.org,,Ops,worker,ghost@example.org,3,,,",                  # 8
        "Loop A,loopa@example.org,,Ops,worker,loopb@example.org,3,,,",               # 9
        "Loop B,loopb@example.org,,Ops,worker,loopa@example.org,3,,,",               # 10
        "Odd Stance,odd@example.org,,Ops,worker,,9,ecstatic,,0",                     # 11
        ",noname@example.org,,Ops,worker,,3,,,",                                     # 12
        "Self,self@example.org,,Ops,worker,self@example.org,3,,,",                   # 13
    ])
    html = import_file(as_champion, campaign, text).get_data(as_text=True)
    assert people_count() == before
    assert "Nothing was imported" in html
    report = problems(html)
    rows = {(row, column) for row, column, _ in report}
    assert ("2", "email") not in rows and not any(row == "2" for row, _ in rows)
    assert {("3", "level"), ("4", "email"), ("6", "email"), ("7", "email"),
            ("8", "reports_to_email"), ("9", "reports_to_email"), ("10", "reports_to_email"),
            ("11", "influence"), ("11", "stance"), ("11", "interest"), ("12", "name"),
            ("13", "reports_to_email")} <= rows
    messages = dict(((row, column), message) for row, column, message in report)
    assert "Same email as row 5" in messages[("6", "email")]
    assert "already has this email in this campaign" in messages[("7", "email")]
    assert "ghost@example.org" in messages[("8", "reports_to_email")]
    assert "rows 9, 10 make a loop" in messages[("9", "reports_to_email")]
    assert [int(row) for row, _, _ in report] == sorted(int(row) for row, _, _ in report)


def test_import_reports_a_missing_column(as_champion, campaign):
    response = import_file(as_champion, campaign, "name,title\nA,B\n")
    assert problems(response.get_data(as_text=True)) == [
        ("1", "header", "The first row must name the columns; missing: email, level.")]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (HEADER + "\n", "has a header but no people"),
        ("\ufeffname,email,level\nBom Person,bom@example.org,worker\n", None),  # Excel's BOM
    ],
)
def test_import_edge_files(as_champion, campaign, payload, message):
    page = import_file(as_champion, campaign, payload).get_data(as_text=True)
    if message:
        assert message in page and people_count() == 0
    else:
        assert "Imported 1 person." in page and people_count() == 1


def test_import_refuses_non_utf8(as_champion, campaign):
    response = upload(as_champion, campaign, "name,email,level\nJosé,jose@example.org,worker\n",
                      encoding="latin-1")
    assert response.status_code == 400 and "not UTF-8" in response.get_data(as_text=True)
    assert people_count() == 0


def test_import_without_a_file_is_400(as_champion, campaign):
    response = as_champion.post(url(campaign, "import"), data={},
                                content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a CSV file" in response.get_data(as_text=True)


def test_import_from_existing_manager_outside_campaign_is_refused(
    as_champion, campaign, other_campaign, users
):
    stranger = person(other_campaign, users["outsider"], "Stranger")
    db.session.commit()
    text = ("name,email,level,reports_to_email\n"
            f"New,new@example.org,worker,{stranger.stakeholder.email}\n")
    page = import_file(as_champion, campaign, text).get_data(as_text=True)
    assert problems(page)[0][1] == "reports_to_email" and people_count() == 1


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def crowd(campaign, users):
    lead = users["lead"]
    boss = person(campaign, lead, "Pat Boss", level=Level.executive, department="Board",
                  stance=Stance.supporter, owner=users["champion"])
    sceptics = [person(campaign, lead, f"Sam {n}", stance=Stance.sceptic, reports_to=boss,
                       department="IT") for n in range(3)]
    person(campaign, lead, "Formula", title="=HYPERLINK(\"http://x\")", department="IT",
           stance=Stance.neutral)
    conversation(campaign, users["champion"], sceptics[0],
                 when=datetime.now(UTC) - timedelta(days=1))
    db.session.commit()
    return boss, sceptics


def test_export_has_all_rows_and_follows_filters(as_viewer, campaign, crowd, through_job):
    boss, sceptics = crowd
    everyone = read_csv(through_job(as_viewer, url(campaign, "export.csv")).file)
    assert len(everyone) == 5
    assert list(everyone[0]) == HEADER.split(",") + ["owner_email", "last_contact_at", "archived"]
    response = through_job(as_viewer,
                           url(campaign, "export.csv?stance=sceptic&department=IT&sort=-name")).file
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert [row["name"] for row in rows] == ["Sam 2", "Sam 1", "Sam 0"]
    assert {row["reports_to_email"] for row in rows} == {boss.stakeholder.email}
    assert [bool(row["last_contact_at"]) for row in rows] == [False, False, True]
    quiet = read_csv(through_job(as_viewer, url(campaign, "export.csv?not_contacted=2&q=sam"))
                     .file)
    assert sorted(row["name"] for row in quiet) == ["Sam 1", "Sam 2"]
    owned = read_csv(through_job(as_viewer, url(campaign, "export.csv?owner=none")).file)
    assert "Pat Boss" not in [row["name"] for row in owned]


def test_export_guards_spreadsheet_formulas_and_round_trips(as_champion, campaign, crowd,
                                                            through_job):
    rows = read_csv(through_job(as_champion, url(campaign, "export.csv?q=formula")).file)
    assert rows[0]["title"].startswith("'=HYPERLINK")
    # An export imports again once the emails are new: the same columns, formulas undone.
    exported = through_job(as_champion, url(campaign, "export.csv?q=formula")).file.get_data(
        as_text=True)
    page = import_file(as_champion, campaign, exported.replace("@example.org", "@new.example.org"))
    assert "Imported 1 person." in page.get_data(as_text=True)
    copy = db.session.scalar(db.select(Stakeholder).where(
        Stakeholder.email.like("%@new.example.org")))
    assert copy.title == '=HYPERLINK("http://x")'


def test_export_leaves_out_archived_unless_asked(as_champion, campaign, crowd, through_job):
    boss, _ = crowd
    as_champion.post(url(campaign, f"{boss.stakeholder_id}/archive"))
    current = read_csv(through_job(as_champion, url(campaign, "export.csv")).file)
    assert "Pat Boss" not in [row["name"] for row in current]
    rows = read_csv(through_job(as_champion, url(campaign, "export.csv?archived=1")).file)
    assert [r["archived"] for r in rows if r["name"] == "Pat Boss"] == ["yes"]


def test_import_page_needs_champion(as_viewer, campaign):
    assert as_viewer.get(url(campaign, "import")).status_code == 403
    response = upload(as_viewer, campaign, HEADER + "\nA,a@example.org,,,worker,,,,,\n")
    assert response.status_code == 403
    assert people_count() == 0
