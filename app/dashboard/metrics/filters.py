"""What the dashboard is narrowed to, read from the query string."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.dashboard.metrics.base import current_people
from app.extensions import db
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

    @classmethod
    def from_args(cls, args: dict[str, str]) -> Filters:
        """Filters back from `as_args` (values the filter form has already checked)."""
        return cls(
            date_from=date.fromisoformat(args["from"]) if args.get("from") else None,
            date_to=date.fromisoformat(args["to"]) if args.get("to") else None,
            department=args.get("department") or None,
            level=Level[args["level"]] if args.get("level") else None,
            manager_id=int(args["manager"]) if args.get("manager") else None,
        )

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

