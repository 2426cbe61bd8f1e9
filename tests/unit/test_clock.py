"""Logic is given the zone and the time: the same data read on two clocks gives two answers,
with no signed-in user and no patched system clock."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.clock import Clock, show_date, show_datetime
from app.extensions import db
from app.followups.operations import add_follow_up
from app.followups.queries import my_overdue_count
from app.models import ObjectionStatus
from app.objections.operations import change_objection_status, raise_objection
from app.objections.queries import RegisterFilters, days_open, register_query
from tests.factories import person, theme

AUCKLAND = ZoneInfo("Pacific/Auckland")
LONDON = ZoneInfo("Europe/London")
#: 23:30 UTC on 1 March is already 2 March in Auckland (UTC+13).
LATE = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def test_a_clock_knows_its_zones_today():
    assert Clock.at(LONDON, LATE).today == date(2026, 3, 1)
    assert Clock.at(AUCKLAND, LATE).today == date(2026, 3, 2)
    assert Clock.at(AUCKLAND, LATE).now == LATE


def test_days_start_at_the_zones_midnight():
    summer = Clock.at(LONDON, datetime(2026, 7, 1, tzinfo=UTC))
    assert summer.day_start(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert show_datetime(LATE, AUCKLAND) == "2 Mar 2026, 12:30"
    assert show_date(LATE, LONDON) == "1 Mar 2026"
    assert show_datetime(None, LONDON) == show_date(None, LONDON) == ""


def test_overdue_is_before_the_given_today(campaign, users):
    lead = users["lead"]
    add_follow_up(campaign, lead, "Send the paper", date(2026, 3, 1), owner_id=lead.id)
    db.session.flush()
    assert my_overdue_count(campaign, lead, date(2026, 3, 1)) == 0
    assert my_overdue_count(campaign, lead, date(2026, 3, 2)) == 1


def test_the_register_counts_days_and_filters_in_the_clocks_zone(campaign, users):
    lead = users["lead"]
    ann = person(campaign, lead, "Ann Archer")
    raised = raise_objection(campaign, lead, ann, theme(campaign), "Data will leak.", at=LATE)
    closed = datetime(2026, 3, 3, 9, tzinfo=UTC)
    change_objection_status(raised, ObjectionStatus.resolved, lead, at=closed)
    db.session.flush()
    # Raised on 1 March in London, on 2 March in Auckland; closed 3 March in both.
    assert days_open(raised, Clock.at(LONDON, LATE), closed) == 2
    assert days_open(raised, Clock.at(AUCKLAND, LATE), closed) == 1

    on_the_second = RegisterFilters(statuses=(ObjectionStatus.resolved,),
                                    raised_from=date(2026, 3, 2), raised_to=date(2026, 3, 2))
    found = {zone.key: db.session.scalars(
        register_query(campaign, on_the_second, Clock.at(zone, LATE))).all()
        for zone in (LONDON, AUCKLAND)}
    assert found == {"Europe/London": [], "Pacific/Auckland": [raised]}
