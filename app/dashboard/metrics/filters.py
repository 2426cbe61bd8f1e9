"""What the dashboard is narrowed to, read from the query string."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.dashboard.metrics.base import current_people
from app.extensions import db
from app.inputs import is_record_id, parse_day
from app.models import Campaign, Engagement, Level, Stakeholder


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; every field optional."""

    date_from: date | None = None
    date_to: date | None = None
    department: str | None = None
    level: Level | None = None
    #: Root of the reporting-tree picture (a stakeholder id in this campaign).
    manager_id: int | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as URL query arguments (for links, CSV and the PDF)."""
        args = {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "department": self.department,
            "level": self.level.name if self.level else None,
            "manager": str(self.manager_id) if self.manager_id else None,
        }
        return {key: value for key, value in args.items() if value}

    @property
    def narrowed(self) -> bool:
        return bool(self.department or self.level)


def departments(campaign: Campaign) -> list[str]:
    """Departments of the campaign's current people, for the filter."""
    return list(
        db.session.scalars(
            db.select(Stakeholder.department)
            .join(Engagement, Engagement.stakeholder_id == Stakeholder.id)
            .where(
                *current_people(campaign.id),
                Stakeholder.department != "",
            )
            .distinct()
            .order_by(Stakeholder.department)
        )
    )


def _parse_day(raw: str | None) -> date | None:
    return parse_day(raw) if raw else None


def parse_filters(args, campaign: Campaign, known_departments: list[str]):
    """Filters from query arguments; invalid values are dropped with a message each."""
    messages: list[str] = []
    values: dict = {}
    for key, name in (("from", "date_from"), ("to", "date_to")):
        raw = (args.get(key) or "").strip()
        try:
            values[name] = _parse_day(raw)
        except ValueError:
            messages.append(f"“{raw}” is not a date (use YYYY-MM-DD); the {key} date was ignored.")
    starts, ends = values.get("date_from"), values.get("date_to")
    if starts and ends and starts > ends:
        messages.append("The from date is after the to date; both were ignored.")
        values["date_from"] = values["date_to"] = None
    department = (args.get("department") or "").strip()
    if department:
        if department in known_departments:
            values["department"] = department
        else:
            messages.append(f"No department “{department}” in this campaign; showing all.")
    level_name = (args.get("level") or "").strip()
    if level_name:
        level = Level.parse(level_name)
        if level is None:
            messages.append(f"“{level_name}” is not a level; showing all levels.")
        values["level"] = level
    manager = (args.get("manager") or "").strip()
    if manager:
        manager_id = int(manager) if manager.isdigit() else None
        if manager_id is not None and not is_record_id(manager_id):
            manager_id = None  # no one has it, and the database could not compare it
        found = manager_id is not None and db.session.scalar(
            db.select(Engagement.id).where(
                Engagement.campaign_id == campaign.id, Engagement.stakeholder_id == manager_id
            )
        )
        if found:
            values["manager_id"] = manager_id
        else:
            messages.append("That manager is not in this campaign; the tree shows the top levels.")
    return Filters(**values), messages

