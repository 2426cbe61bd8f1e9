"""Each dashboard figure on a small hand-built campaign, with the answer worked out here.

The `campaign` fixture starts on Tuesday 1 September 2026, so week 1 is 1–7 September,
week 2 is 8–14 September, and so on (week index k covers 1 Sep + 7k days).
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.dashboard import metrics
from app.dashboard.forms import DashboardFilterForm
from app.dashboard.metrics import Filters, Scope
from app.extensions import db
from app.followups.operations import add_follow_up, complete_follow_up
from app.models import CampaignTarget, Level, ObjectionStatus, Stance
from app.objections.operations import change_objection_status, raise_objection
from app.stakeholders.operations import archive_engagement, change_stance
from tests.factories import conversation, person, theme

B, S, N, SU, C, U = (Stance.blocker, Stance.sceptic, Stance.neutral, Stance.supporter,
                     Stance.champion, Stance.unknown)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def scope(campaign, now: datetime | None = None, **filters) -> Scope:
    now = now or datetime.now(UTC)
    return Scope(campaign, Filters(**filters), now, now.date())


# A fixed "now" after week 12 begins, so the tests do not depend on the day they run.
NOW = at("2026-11-22", 12)


@pytest.fixture
def history(campaign, users):
    """Four people whose stances move over the autumn (see each line)."""
    lead = users["lead"]
    ann = person(campaign, lead, "Ann", stance=S, level=Level.manager, department="Risk")
    # Week 2 (10 Sep): a back-dated conversation moves Ann from sceptic to supporter.
    conversation(campaign, lead, ann, when=at("2026-09-10"), stances={ann: SU})
    # Bob joins late, on 1 October (week 5), neutral; on 15 October (week 7) turns sceptic.
    bob = person(campaign, lead, "Bob", stance=N, joined_on=date(2026, 10, 1))
    change_stance(bob, S, lead, at=at("2026-10-15"))
    # Cat is a blocker from the start and is archived on 6 October (week 6).
    cat = person(campaign, lead, "Cat", stance=B)
    archive_engagement(cat, lead, now=datetime.now(UTC))
    cat.archived_at = at("2026-10-06", 9)  # back-date the archiving for the test
    # Dan: the later move (1 Nov, week 9, to supporter) is typed first, then an earlier one
    # (5 Sep, week 1, unknown -> neutral) is back-dated beneath it.
    dan = person(campaign, lead, "Dan", stance=U)
    change_stance(dan, SU, lead, at=at("2026-11-01"))
    change_stance(dan, N, lead, at=at("2026-09-05"))
    db.session.commit()
    return {"ann": ann, "bob": bob, "cat": cat, "dan": dan}


def test_movement_rebuilds_each_week_from_the_history(campaign, history):
    weeks = metrics.movement(scope(campaign, NOW))
    assert [w.index for w in weeks] == list(range(12))  # 1 Sep .. 22 Nov
    assert weeks[0].starts_on == date(2026, 9, 1) and weeks[0].ends_on == date(2026, 9, 7)
    assert weeks[-1].starts_on == date(2026, 11, 17) and weeks[-1].ends_on == date(2026, 11, 22)

    def counts(week):
        return {stance: n for stance, n in week.counts.items() if n}

    assert counts(weeks[0]) == {S: 1, B: 1, N: 1}            # Ann, Cat, Dan (back-dated)
    assert counts(weeks[1]) == {SU: 1, B: 1, N: 1}           # Ann moved on 10 Sep
    assert counts(weeks[3]) == {SU: 1, B: 1, N: 1}
    assert counts(weeks[4]) == {SU: 1, B: 1, N: 2}           # Bob joined 1 Oct
    assert counts(weeks[5]) == {SU: 1, N: 2}                 # Cat archived 6 Oct
    assert counts(weeks[6]) == {SU: 1, N: 1, S: 1}           # Bob sceptic 15 Oct
    assert counts(weeks[8]) == {SU: 2, S: 1}                 # Dan supporter 1 Nov
    assert counts(weeks[11]) == {SU: 2, S: 1}
    # Moves: Ann up in week 2, Bob down in week 7, Dan up in week 9; unknown -> neutral
    # (Dan's first assessment) is no move on the scale.
    assert [(w.index, w.toward, w.away) for w in weeks if w.toward or w.away] == [
        (1, 1, 0), (6, 0, 1), (8, 1, 0)]


def test_movement_honours_filters_and_dates(campaign, history):
    weeks = metrics.movement(scope(campaign, NOW, level=Level.manager))
    assert {w.index: w.total for w in weeks} == {i: 1 for i in range(12)}  # only Ann
    weeks = metrics.movement(scope(campaign, NOW, date_from=date(2026, 10, 1),
                                   date_to=date(2026, 10, 20)))
    assert [w.index for w in weeks] == [4, 5, 6, 7]
    assert weeks[-1].ends_on == date(2026, 10, 20)
    assert {s: n for s, n in weeks[0].counts.items() if n} == {SU: 1, B: 1, N: 2}
    assert sum(w.away for w in weeks) == 1 and sum(w.toward for w in weeks) == 0


def test_distribution_now_leaves_out_the_archived(campaign, history):
    distribution = metrics.stance_distribution(scope(campaign, NOW))
    assert +distribution.total == {SU: 2, S: 1}
    assert +distribution.by_level[Level.manager] == {SU: 1}
    assert +distribution.by_department["Operations"] == {SU: 1, S: 1}


def test_distribution_as_of_a_past_date_matches_that_week(campaign, history):
    distribution = metrics.stance_distribution(scope(campaign, NOW, date_to=date(2026, 10, 5)))
    assert +distribution.total == {SU: 1, B: 1, N: 2}
    # The last week shown by the movement chart agrees with the distribution.
    weeks = metrics.movement(scope(campaign, NOW, date_to=date(2026, 10, 5)))
    assert {s: n for s, n in weeks[-1].counts.items() if n} == +distribution.total


def test_targets_against_the_share_reached(campaign, users, history):
    lead = users["lead"]
    # Managers: Ann (supporter) plus Eve (neutral, joined now) -> 1 of 2 = 50%.
    person(campaign, lead, "Eve", level=Level.manager, stance=N)
    db.session.add_all([
        CampaignTarget(campaign_id=campaign.id, level=Level.manager, share=60,
                       min_stance=SU, due_on=date(2026, 12, 31)),
        # Workers were due on 1 Oct: as of that day Cat (blocker) and Dan (neutral) were
        # in, none at neutral-or-better? Dan was neutral: 1 of 2 = 50% against 40%.
        CampaignTarget(campaign_id=campaign.id, level=Level.worker, share=40,
                       min_stance=N, due_on=date(2026, 10, 1)),
    ])
    db.session.commit()
    here = scope(campaign, NOW)
    rows = {row.level: row for row in metrics.targets(here, metrics.stance_distribution(here))}
    assert (rows[Level.manager].people, rows[Level.manager].reached) == (2, 1)
    assert rows[Level.manager].actual == 50.0 and rows[Level.manager].needed == 1
    assert rows[Level.manager].share_at_due is None and rows[Level.manager].status == "on the way"
    # Workers now: Bob sceptic, Dan supporter -> 1 of 2 at neutral or better.
    assert (rows[Level.worker].people, rows[Level.worker].reached) == (2, 1)
    # On 1 Oct: Cat blocker, Dan neutral, Bob joined that day neutral -> 2 of 3.
    assert rows[Level.worker].share_at_due == pytest.approx(66.7)
    assert rows[Level.worker].status == "met by the due date"


def test_coverage_and_never_contacted(campaign, users, history):
    lead, champion = users["lead"], users["champion"]
    # Bob is met a week ago: covered. Ann's only conversation was in September.
    conversation(campaign, lead, history["bob"], when=NOW - timedelta(days=7))
    person(campaign, lead, "Lia", department="Legal", influence=5)
    person(campaign, lead, "Ola", department="Legal", owner=champion)
    db.session.commit()
    here = scope(campaign, NOW)
    cover = metrics.coverage(here)
    assert cover.total == (5, 1, 1)  # Ann, Bob, Dan, Lia, Ola; Bob met; Ola owned
    by_level = cover.by("level")
    assert by_level[Level.manager] == (1, 0, 0) and by_level[Level.worker] == (4, 1, 1)
    assert cover.by("department")["Legal"] == (2, 0, 1)
    uncovered = {row[0]: row[4] for row in cover.uncovered_departments()}
    assert uncovered == {
        "Legal": "no conversation in 30 days",
        "Operations": "no champion owns anyone",
        "Risk": "no champion owns anyone and no conversation in 30 days",
    }
    total, first = metrics.never_contacted(here)
    # Dan, Lia and Ola were never met (Cat is archived); most influential first.
    assert total == 3 and [p.name for p in first] == ["Lia", "Dan", "Ola"]
    total, first = metrics.never_contacted(here, limit=1)
    assert total == 3 and [p.name for p in first] == ["Lia"]
    # As of 5 October, Bob's conversation had not happened and Ann's was 25 days old.
    # Cat was not archived yet; Lia and Ola joined on the first day; Ann was met 10 Sep.
    cover = metrics.coverage(scope(campaign, NOW, date_to=date(2026, 10, 5)))
    assert cover.total == (6, 1, 1)
    total, first = metrics.never_contacted(scope(campaign, NOW, date_to=date(2026, 10, 5)))
    assert total == 5 and "Ann" not in [p.name for p in first]


def test_effort_preaching_to_the_converted(campaign, users):
    lead = users["lead"]
    eve = person(campaign, lead, "Eve", stance=SU)
    fay = person(campaign, lead, "Fay", stance=C)
    gus = person(campaign, lead, "Gus", stance=S, department="Risk")
    hal = person(campaign, lead, "Hal", stance=U)
    conversation(campaign, lead, eve, minutes=60, when=at("2026-10-01"))
    conversation(campaign, lead, eve, gus, minutes=30, when=at("2026-10-02"))
    conversation(campaign, lead, fay, gus, hal, minutes=90, when=at("2026-10-20"))
    db.session.commit()
    result = metrics.effort(scope(campaign, NOW))
    rows = {row.stance: row for row in result.rows}
    assert (rows[SU].attendances, rows[SU].attendee_minutes) == (2, 90)
    assert rows[S].conversations == pytest.approx(0.5 + 1 / 3, abs=0.01)
    assert result.total_conversations == pytest.approx(3, abs=0.01)
    # Converted: Eve 1 + 1/2, Fay 1/3 of 3 conversations; 60+30+90 of 390 attendee-minutes.
    assert result.converted_share("conversations") == pytest.approx(61.1, abs=0.1)
    assert result.index == pytest.approx(46.2, abs=0.1)
    # Only October 10 onwards: the 90-minute workshop alone; one converted in three.
    later = metrics.effort(scope(campaign, NOW, date_from=date(2026, 10, 10)))
    assert later.index == pytest.approx(33.3, abs=0.1)
    # Department filter: only Gus's attendances.
    risk = metrics.effort(scope(campaign, NOW, department="Risk"))
    assert risk.index == 0.0 and sum(r.attendances for r in risk.rows) == 2


def test_manager_alignment_counts_reports_at_any_depth(campaign, other_campaign, users):
    lead, outsider = users["lead"], users["outsider"]
    ceo = person(campaign, lead, "Cora CEO", level=Level.executive, stance=C)
    head = person(campaign, lead, "Hugo Head", level=Level.manager, stance=S,
                  title="Head of Risk", reports_to=ceo)
    person(campaign, lead, "R1", stance=SU, reports_to=head)
    person(campaign, lead, "R2", stance=B, reports_to=head)
    team = person(campaign, lead, "Tina Team", level=Level.manager, stance=N, reports_to=head)
    person(campaign, lead, "R3", stance=N, reports_to=team)
    gone = person(campaign, lead, "R4", stance=U, reports_to=team)
    archive_engagement(gone, lead, now=datetime.now(UTC))
    # Another campaign's blocking manager and report: its own lines, never counted here.
    theirs = person(other_campaign, outsider, "Their Head", level=Level.manager, stance=B)
    person(other_campaign, outsider, "Not here", reports_to=theirs)
    # An executive blocker whose only report sits under a manager archived here.
    exec_ = person(campaign, lead, "Xena Exec", level=Level.executive, stance=B)
    middle = person(campaign, lead, "Mid", level=Level.manager, reports_to=exec_)
    person(campaign, lead, "W", stance=SU, reports_to=middle)
    archive_engagement(middle, lead, now=datetime.now(UTC))
    # A blocking manager with nobody under them is not listed.
    person(campaign, lead, "Lone", level=Level.manager, stance=B)
    db.session.commit()
    total, rows = metrics.manager_alignment(scope(campaign, NOW))
    assert total == 2
    hugo, xena = rows
    assert (hugo.name, hugo.direct, hugo.reports) == ("Hugo Head", 3, 4)
    assert {s: n for s, n in hugo.report_stances.items() if n} == {SU: 1, B: 1, N: 2}
    assert hugo.reports_supportive == 1
    assert (xena.name, xena.direct, xena.reports) == ("Xena Exec", 0, 1)
    # The department filter applies to the managers listed.
    assert metrics.manager_alignment(scope(campaign, NOW, department="Risk"))[0] == 0


def test_next_conversations_score_and_reason(campaign, users):
    lead = users["lead"]
    now = datetime.now(UTC)
    head = person(campaign, lead, "Hana", level=Level.manager, stance=S, influence=5,
                  title="Head of Risk")
    for n in range(12):
        person(campaign, lead, f"Report {n}", stance=SU, reports_to=head)  # at target
    conversation(campaign, lead, head, when=now - timedelta(days=41, hours=1))
    person(campaign, lead, "Bea", stance=B, influence=1)
    person(campaign, lead, "Uma", stance=U, influence=3)
    person(campaign, lead, "Sam", stance=SU, influence=5)              # at target: not listed
    person(campaign, lead, "Cy", stance=SU, target=C, influence=2)      # one short of champion
    db.session.commit()
    rows = metrics.next_conversations(scope(campaign, now))
    # Hana: 2*5 + 3*2 + 41.04/10 + 12/5 = 22.5; Uma: 6 + 6 + 6 + 0 = 18; Bea: 2 + 9 + 6 = 17;
    # Cy: 4 + 3 + 6 = 13.
    assert [(r.name, r.score) for r in rows] == [
        ("Hana", 22.5), ("Uma", 18.0), ("Bea", 17.0), ("Cy", 13.0)]
    assert rows[0].reason == (
        "Head of Risk, influence 5, sceptic, target supporter, not seen for 41 days, manages 12")
    assert rows[1].reason == (
        "Worker in Operations, influence 3, stance unknown, target supporter, never contacted")
    assert [r.name for r in metrics.next_conversations(scope(campaign, now), limit=2)] == [
        "Hana", "Uma"]
    assert [r.name for r in metrics.next_conversations(
        scope(campaign, now, level=Level.manager))] == ["Hana"]


def _answered(campaign, lead, engagement, raised: datetime, *, answer_days=None,
              resolve_days=None):
    objection = raise_objection(campaign, lead, engagement, theme(campaign, "security"),
                                "Data will leak", at=raised)
    if answer_days is not None:
        change_objection_status(objection, ObjectionStatus.answered, lead,
                                at=raised + timedelta(days=answer_days))
    if resolve_days is not None:
        change_objection_status(objection, ObjectionStatus.resolved, lead,
                                at=raised + timedelta(days=resolve_days))
    return objection


def test_objection_medians_and_open_counts(campaign, users):
    lead = users["lead"]
    people = [person(campaign, lead, f"P{n}", stance=S) for n in range(6)]
    start = at("2026-09-15")
    _answered(campaign, lead, people[0], start, answer_days=4, resolve_days=10)
    _answered(campaign, lead, people[1], start, answer_days=2)
    _answered(campaign, lead, people[2], start, answer_days=9, resolve_days=12)
    _answered(campaign, lead, people[3], start, answer_days=6)
    _answered(campaign, lead, people[4], start)                       # still open
    _answered(campaign, lead, people[5], start)                       # open, person archived
    archive_engagement(people[5], lead, now=datetime.now(UTC))
    time_waster = raise_objection(campaign, lead, people[0], theme(campaign, "time-wasting"),
                                  "No time", at=start)
    db.session.commit()
    rows = {row.name: row for row in metrics.objections_by_theme(scope(campaign, NOW))}
    security = rows[theme(campaign, "security").name]
    assert (security.open, security.raised) == (1, 6)
    assert security.median_days_to_answer == 5.0          # 2, 4, 6, 9
    assert security.median_days_to_resolve == 11.0        # 10, 12
    assert rows[time_waster.theme.name].open == 1
    assert rows[time_waster.theme.name].median_days_to_answer is None
    first = metrics.objections_by_theme(scope(campaign, NOW))[0]
    assert first.open == max(row.open for row in rows.values())


def test_objection_median_of_an_odd_count(campaign, users):
    lead = users["lead"]
    start = at("2026-09-15")
    for days in (3, 1, 8):
        _answered(campaign, lead, person(campaign, lead, stance=S), start, answer_days=days)
    db.session.commit()
    rows = {row.name: row for row in metrics.objections_by_theme(scope(campaign, NOW))}
    assert rows[theme(campaign, "security").name].median_days_to_answer == 3.0


def test_playbook_answers_and_stance_rising_within_30_days(campaign, users):
    lead = users["lead"]
    start = at("2026-09-15")
    answer = start + timedelta(days=1)
    rises = person(campaign, lead, "Rises", stance=S)
    _answered(campaign, lead, rises, start, answer_days=1)
    change_stance(rises, N, lead, at=answer + timedelta(days=10))
    too_late = person(campaign, lead, "Late", stance=N)
    _answered(campaign, lead, too_late, start, answer_days=1)
    change_stance(too_late, SU, lead, at=answer + timedelta(days=40))
    unknown = person(campaign, lead, "Unknown", stance=U)
    _answered(campaign, lead, unknown, start, answer_days=1)
    change_stance(unknown, SU, lead, at=answer + timedelta(days=3))
    falls = person(campaign, lead, "Falls", stance=S)
    _answered(campaign, lead, falls, start, answer_days=1)
    change_stance(falls, B, lead, at=answer + timedelta(days=5))
    # A manager, answered with the manager's playbook entry, who already rose before.
    boss = person(campaign, lead, "Boss", stance=B, level=Level.manager)
    change_stance(boss, S, lead, at=answer - timedelta(days=1))
    _answered(campaign, lead, boss, start, answer_days=1)
    db.session.commit()
    rows = {(row.theme, row.level): row for row in metrics.playbook_effect(scope(campaign, NOW))}
    name = theme(campaign, "security").name
    worker = rows[(name, Level.worker)]
    assert (worker.answered, worker.rated, worker.rose) == (4, 3, 1)
    assert worker.rose_share == pytest.approx(33.3)
    manager = rows[(name, Level.manager)]
    assert (manager.answered, manager.rated, manager.rose) == (1, 1, 0)
    assert rows[(name, Level.executive)].answered == 0       # every answer is listed
    only = metrics.playbook_effect(scope(campaign, NOW, level=Level.manager))
    assert {row.level for row in only} == {Level.manager}


def test_champions_and_overdue_follow_ups(campaign, users):
    lead, champion = users["lead"], users["champion"]
    ann = person(campaign, lead, "Ann")
    bob = person(campaign, lead, "Bob", department="Risk")
    conversation(campaign, champion, ann, bob, minutes=45, when=at("2026-10-01"))
    conversation(campaign, champion, ann, minutes=15, when=at("2026-10-08"))
    conversation(campaign, lead, bob, when=at("2026-10-02"))
    today = NOW.date()
    add_follow_up(campaign, lead, "Send the security paper", today - timedelta(days=5),
                  engagement=ann, owner_id=champion.id)
    add_follow_up(campaign, lead, "Book the demo", today - timedelta(days=2), engagement=bob)
    add_follow_up(campaign, lead, "Ask about the pilot", today - timedelta(days=1))
    add_follow_up(campaign, lead, "Next week", today + timedelta(days=7), engagement=ann)
    done = add_follow_up(campaign, lead, "Done already", today - timedelta(days=9))
    complete_follow_up(done, lead, now=datetime.now(UTC))
    db.session.commit()
    rows = {row.name: row for row in metrics.champions(scope(campaign, NOW))}
    assert set(rows) == {champion.name, lead.name}                 # the viewer is not listed
    assert (rows[champion.name].conversations, rows[champion.name].minutes,
            rows[champion.name].people) == (2, 60, 2)
    assert rows[champion.name].last_at == at("2026-10-08")
    assert rows[lead.name].conversations == 1
    risk = {row.name: row.conversations for row in metrics.champions(
        scope(campaign, NOW, department="Risk"))}
    assert risk == {champion.name: 1, lead.name: 1}

    total, rows = metrics.overdue_follow_ups(scope(campaign, NOW))
    assert total == 3
    assert [(r.description, r.days_overdue) for r in rows] == [
        ("Send the security paper", 5), ("Book the demo", 2), ("Ask about the pilot", 1)]
    assert rows[0].owner == champion.name and rows[0].person == "Ann"
    total, rows = metrics.overdue_follow_ups(scope(campaign, NOW, department="Risk"))
    assert total == 1 and rows[0].person == "Bob"


def test_influence_grid_and_reporting_tree(campaign, users):
    lead = users["lead"]
    ceo = person(campaign, lead, "Cora", level=Level.executive, stance=C, influence=5)
    head = person(campaign, lead, "Hugo", level=Level.manager, stance=S, influence=4,
                  reports_to=ceo)
    for n in range(8):
        person(campaign, lead, f"Worker {n}", stance=SU if n % 2 else N, influence=2,
               reports_to=head)
    person(campaign, lead, "Solo", stance=N, influence=2)
    db.session.commit()
    grid = metrics.influence_grid(scope(campaign, NOW))
    assert grid[(5, C)] == (1, 9) and grid[(4, S)] == (1, 8)
    assert grid[(2, N)] == (5, 0) and grid[(2, SU)] == (4, 0)

    roots, total_roots = metrics.reporting_tree(scope(campaign, NOW))
    assert total_roots == 2 and [r.name for r in roots] == ["Cora", "Solo"]
    cora = roots[0]
    assert cora.reports == 9 and [c.name for c in cora.children] == ["Hugo"]
    hugo = cora.children[0]
    assert len(hugo.children) == metrics.TREE_CHILDREN and hugo.children[0].siblings == 8
    roots, total_roots = metrics.reporting_tree(
        scope(campaign, NOW, manager_id=head.stakeholder_id))
    assert [r.name for r in roots] == ["Hugo"] and total_roots == 1


def parse_filters(args, campaign, departments):
    form = DashboardFilterForm(args, campaign=campaign, departments=departments)
    return form.filters(), form.messages


def test_filters_are_parsed_and_bad_values_reported(campaign, users):
    person(campaign, users["lead"], "Ann", department="Risk")
    db.session.commit()
    known = metrics.departments(campaign)
    assert known == ["Risk"]
    filters, messages = parse_filters(
        {"from": "2026-10-01", "to": "2026-10-31", "department": "Risk", "level": "manager"},
        campaign, known)
    assert filters == Filters(date(2026, 10, 1), date(2026, 10, 31), "Risk", Level.manager)
    assert messages == []
    assert filters.as_args() == {"from": "2026-10-01", "to": "2026-10-31",
                                 "department": "Risk", "level": "manager"}
    filters, messages = parse_filters(
        {"from": "yesterday", "department": "Nowhere", "level": "boss", "manager": "99"},
        campaign, known)
    assert filters == Filters()
    assert len(messages) == 4
    filters, messages = parse_filters({"from": "2026-11-01", "to": "2026-10-01"}, campaign, known)
    assert filters == Filters() and "after" in messages[0]


def test_next_conversation_reason_wording():
    row = metrics.NextRow(1, "Ann", "", Level.worker, "", 2, S, SU, days_since=0, reports=0,
                          score=1.0)
    assert row.reason == ("Worker in no department, influence 2, sceptic, target supporter, "
                          "seen today")
    assert "not seen for 1 day," not in row.reason
    one_day = metrics.NextRow(1, "Ann", "Analyst", Level.worker, "IT", 2, S, SU, days_since=1,
                              reports=3, score=1.0)
    assert one_day.reason.endswith("not seen for 1 day, manages 3")
