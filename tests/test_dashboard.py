"""The dashboard page, its filters and CSV tables: access, what a reader sees, and a
constant number of SQL statements whatever the campaign's size."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import g

from app.extensions import db
from app.followups.operations import add_follow_up
from app.models import CampaignTarget, Level, ObjectionStatus, Stance
from app.objections.operations import change_objection_status, raise_objection
from app.stakeholders.operations import archive_engagement
from tests.factories import conversation, person, theme


def url(campaign, tail: str = "") -> str:
    return f"/campaigns/{campaign.slug}/dashboard/{tail}"


def build_campaign(campaign, users, size: int):
    """`size` people in a reporting tree (one manager per ten), with conversations,
    answered and open objections, overdue follow-ups and targets (one past due)."""
    lead, champion = users["lead"], users["champion"]
    now = datetime.now(UTC)
    stances = [Stance.blocker, Stance.sceptic, Stance.neutral, Stance.supporter,
               Stance.champion, Stance.unknown]
    managers, people = [], []
    for n in range(size):
        is_manager = n % 10 == 0
        engagement = person(
            campaign, lead, f"Person {n:04d}",
            level=Level.manager if is_manager else Level.worker,
            stance=stances[n % len(stances)] if not is_manager else Stance.sceptic,
            department=f"Dept {n % 4}",
            influence=1 + n % 5,
            reports_to=managers[-1] if managers and not is_manager else
            (managers[0] if managers else None),
            owner=champion if n % 3 == 0 else None,
            joined_on=campaign.starts_on + timedelta(days=n % 40),
        )
        (managers if is_manager else people).append(engagement)
    everyone = managers + people
    for i in range(0, len(everyone), 5):
        group = everyone[i:i + 2]
        conversation(campaign, champion, *group, when=now - timedelta(days=1 + i % 60),
                     stances={group[0]: Stance.supporter})
    security = theme(campaign, "security")
    for i, engagement in enumerate(everyone[::7]):
        objection = raise_objection(campaign, lead, engagement, security, "Leaks",
                                    at=now - timedelta(days=50))
        if i % 2:
            change_objection_status(objection, ObjectionStatus.answered, lead,
                                    at=now - timedelta(days=45))
    for engagement in everyone[::11]:
        add_follow_up(campaign, lead, "Call back", now.date() - timedelta(days=3),
                      engagement=engagement, owner_id=champion.id)
    archive_engagement(people[-1], lead, now=datetime.now(UTC))
    db.session.add_all([
        CampaignTarget(campaign_id=campaign.id, level=Level.manager, share=60,
                       min_stance=Stance.supporter, due_on=date(2026, 10, 1)),
        CampaignTarget(campaign_id=campaign.id, level=Level.worker, share=40,
                       min_stance=Stance.supporter, due_on=date(2027, 3, 1)),
    ])
    db.session.commit()
    return everyone


@pytest.mark.parametrize("who", ["admin", "lead", "champion", "viewer"])
def test_every_member_reads_the_dashboard(campaign, users, login_as, who):
    person(campaign, users["lead"], "Ann Sceptic", stance=Stance.sceptic)
    db.session.commit()
    response = login_as(who).get(url(campaign))
    assert response.status_code == 200
    assert "Campaign progress" in response.text and "Ann Sceptic" in response.text


def test_strangers_sign_in_first(campaign, client):
    for response in (client.get(url(campaign)), client.post(url(campaign, "levels.csv"))):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_outsiders_get_404(campaign, as_outsider):
    assert as_outsider.get(url(campaign)).status_code == 404
    assert as_outsider.post(url(campaign, "levels.csv")).status_code == 404
    assert as_outsider.post(f"/campaigns/{campaign.slug}/report.pdf").status_code == 404


def test_page_shows_pictures_definitions_and_next_conversation_links(campaign, users, as_lead):
    head = person(campaign, users["lead"], "Hugo Head", level=Level.manager, stance=Stance.sceptic,
                  influence=5, title="Head of Risk", department="Risk")
    person(campaign, users["lead"], "Rita Report", reports_to=head, department="Risk")
    db.session.commit()
    html = as_lead.get(url(campaign)).text
    assert html.count('role="img"') == 5          # levels, movement, grid, tree, departments
    assert html.count("<title id=") == 5
    assert html.count("Table view:") == 5
    assert f'href="/campaigns/{campaign.slug}/stakeholders/{head.stakeholder_id}"' in html
    assert ("Head of Risk, influence 5, sceptic, target supporter, never contacted, "
            "manages 1") in html
    assert "Score</strong> = 2 × influence" in html
    assert 'class="gs-info"' in html and "Managers not on board" in html
    assert f'class="nav-link active" href="/campaigns/{campaign.slug}/dashboard/"' in html


def test_filters_narrow_the_figures_and_bad_values_are_reported(campaign, users, as_lead):
    person(campaign, users["lead"], "Rob Risk", department="Risk", stance=Stance.sceptic)
    person(campaign, users["lead"], "Ivy Ops", department="Operations", stance=Stance.blocker)
    db.session.commit()
    html = as_lead.get(url(campaign), query_string={"department": "Risk"}).text
    assert "Rob Risk" in html and "Ivy Ops" not in html
    assert '<option selected>Risk</option>' in html
    # The PDF link carries the same filters.
    assert f'/campaigns/{campaign.slug}/report.pdf?department=Risk' in html
    response = as_lead.get(url(campaign), query_string={
        "department": "Nowhere", "level": "boss", "from": "last week", "to": "2026-13-40"})
    assert response.status_code == 200
    for text in ("No department “Nowhere”", "“boss” is not a level", "“last week” is not a date",
                 "“2026-13-40” is not a date"):
        assert text in response.text
    assert "Rob Risk" in response.text and "Ivy Ops" in response.text


def test_past_to_date_shows_where_people_stood_then(campaign, users, as_lead):
    ann = person(campaign, users["lead"], "Ann Early", stance=Stance.sceptic)
    conversation(campaign, users["lead"], ann, when=datetime(2026, 10, 20, 10, tzinfo=UTC),
                 stances={ann: Stance.supporter})
    db.session.commit()
    html = as_lead.get(url(campaign), query_string={"to": "2026-10-01"}).text
    assert "Where people stood at the end of 1 Oct 2026" in html
    assert "supporter or champion (0)" in html


def read_csv(run):
    response = run.file
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.text)))


def test_every_table_exports_as_csv_with_the_filters(campaign, users, as_viewer, through_job):
    build_campaign(campaign, users, 30)
    from app.dashboard.summary import CSV_TABLES

    for table in CSV_TABLES:
        rows = read_csv(through_job(as_viewer, url(campaign, f"{table}.csv")))
        assert rows[0], table
    people = read_csv(through_job(as_viewer, url(campaign, "next-conversations.csv")))
    assert people[0][:3] == ["Rank", "Name", "Title"]
    risky = read_csv(through_job(as_viewer, url(campaign, "next-conversations.csv"),
                                   query_string={"department": "Dept 1"}))
    assert len(risky) > 1 and {row[3] for row in risky[1:]} == {"Dept 1"}
    assert len(risky) < len(people)
    levels = read_csv(through_job(as_viewer, url(campaign, "levels.csv")))
    assert [row[0] for row in levels[1:]] == ["Executive", "Manager", "Worker"]
    assert as_viewer.post(url(campaign, "secrets.csv")).status_code == 404


def test_csv_cells_cannot_run_as_formulas(campaign, users, as_lead, through_job):
    person(campaign, users["lead"], "=HYPERLINK(\"http://evil\")", stance=Stance.blocker)
    db.session.commit()
    rows = read_csv(through_job(as_lead, url(campaign, "never-contacted.csv")))
    assert rows[1][0].startswith("'=")


def test_csv_movement_matches_the_weeks(campaign, users, as_lead, through_job):
    ann = person(campaign, users["lead"], "Ann", stance=Stance.sceptic)
    conversation(campaign, users["lead"], ann, when=datetime(2026, 9, 10, 10, tzinfo=UTC),
                 stances={ann: Stance.supporter})
    db.session.commit()
    rows = read_csv(through_job(as_lead, url(campaign, "movement.csv"),
                                query_string={"to": "2026-09-20"}))
    header = rows[0]
    assert header[:3] == ["Week", "From", "To"]
    weeks = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [w["To"] for w in weeks] == ["2026-09-07", "2026-09-14", "2026-09-20"]
    assert [(w["Sceptic"], w["Supporter"], w["Moves toward support"]) for w in weeks] == [
        ("1", "0", "0"), ("0", "1", "1"), ("0", "1", "0")]


def _statements(client, slug, **query):
    from tests.conftest import QueryCounter

    # Start each request cold, as a server would: the tests share one app context (and
    # so one session and one `g`) across requests.
    db.session.expunge_all()
    for name in ("_login_user", "campaign", "campaign_role"):
        g.pop(name, None)
    counter = QueryCounter(db.engine)
    with counter:
        response = client.get(f"/campaigns/{slug}/dashboard/", query_string=query)
    assert response.status_code == 200
    return counter.count


def test_dashboard_runs_the_same_statements_at_10_and_1000_people(
        campaign, other_campaign, users, as_lead, as_admin):
    # The same shape of campaign at two sizes, in two campaigns the lead can see.
    from app.campaigns.operations import set_member
    from app.models import Role

    build_campaign(campaign, users, 10)
    set_member(other_campaign, users["lead"], Role.lead)
    set_member(other_campaign, users["champion"], Role.champion)
    other_campaign.starts_on = campaign.starts_on
    db.session.commit()
    build_campaign(other_campaign, users, 1000)
    slugs = campaign.slug, other_campaign.slug
    for query in ({}, {"to": "2026-10-15", "department": "Dept 1"}, {"level": "manager"}):
        small = _statements(as_lead, slugs[0], **query)
        large = _statements(as_lead, slugs[1], **query)
        assert small == large, (query, small, large)
        assert small < 40


def test_a_campaign_that_has_not_started_yet(campaign, users, as_lead, through_job):
    campaign.starts_on = datetime.now(UTC).date() + timedelta(days=10)
    person(campaign, users["lead"], "Early Bird", joined_on=campaign.starts_on)
    db.session.commit()
    response = as_lead.get(url(campaign))
    assert response.status_code == 200
    assert "The campaign has not started yet." in response.text
    assert "No weeks to show yet." in response.text
    report = through_job(as_lead, f"/campaigns/{campaign.slug}/report.pdf").file
    assert report.status_code == 200 and report.data.startswith(b"%PDF")
