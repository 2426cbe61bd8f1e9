"""The clock logic is given: a zone, now and today, built once by a view, a command or a job
and passed down, so reads and changes never reach for the signed-in user or the system clock.
Pure: nothing here reads a request, the app or the time of day but `Clock.at`'s default."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

DATETIME_STYLE = "%-d %b %Y, %H:%M"
DATE_STYLE = "%-d %b %Y"


@dataclass(frozen=True)
class Clock:
    """Whose days count (`zone`), the moment (`now`, aware UTC) and that zone's `today`."""

    zone: ZoneInfo
    now: datetime
    today: date

    @classmethod
    def at(cls, zone: ZoneInfo, now: datetime | None = None) -> "Clock":
        """The clock in `zone` at `now` (default: this moment)."""
        now = (now or datetime.now(UTC)).astimezone(UTC)
        return cls(zone, now, now.astimezone(zone).date())

    def local(self, moment: datetime) -> datetime:
        """`moment` on this zone's wall clock."""
        return moment.astimezone(self.zone)

    def from_local(self, naive: datetime) -> datetime:
        """A wall-clock time in this zone, as an aware UTC datetime."""
        return from_local(naive, self.zone)

    def day_start(self, day: date) -> datetime:
        """Midnight at the start of `day` in this zone, as aware UTC."""
        return from_local(datetime.combine(day, time.min), self.zone)


def from_local(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone`, as an aware UTC datetime."""
    return naive.replace(tzinfo=zone).astimezone(UTC)


def show_datetime(moment: datetime | None, zone: ZoneInfo, style: str = DATETIME_STYLE) -> str:
    """`moment` as a person in `zone` reads it; '' for None."""
    return "" if moment is None else moment.astimezone(zone).strftime(style)


def show_date(day: date | datetime | None, zone: ZoneInfo, style: str = DATE_STYLE) -> str:
    """A date (or a moment's date in `zone`) as people read it; '' for None."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(zone)
    return day.strftime(style)
