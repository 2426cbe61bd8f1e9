"""Stakeholders and their engagements: the operations every other feature builds on.

Each function changes the session and flushes; the caller commits once. Every change is
audited here, so nothing that changes a person, an engagement or a stance can skip it.
"""

from datetime import UTC, date, datetime, time

from app import audit
from app.extensions import db
from app.models import Campaign, Engagement, Stakeholder, Stance, StanceChange

STAKEHOLDER_FIELDS = ("name", "email", "title", "department", "level", "reports_to_id", "influence")
ENGAGEMENT_FIELDS = ("stance", "target_stance", "interest", "owner_id", "joined_on")


class StakeholderError(ValueError):
    """A change refused, with the field it concerns and a message for the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def email_taken(email: str, *, excluding: int | None = None) -> bool:
    query = db.select(Stakeholder.id).where(db.func.lower(Stakeholder.email) == email.lower())
    if excluding is not None:
        query = query.where(Stakeholder.id != excluding)
    return db.session.scalar(query.limit(1)) is not None


def would_cycle(stakeholder_id: int | None, reports_to_id: int | None) -> bool:
    """Whether making `stakeholder_id` report to `reports_to_id` closes a loop."""
    if reports_to_id is None or stakeholder_id is None:
        return False
    # Walk up from the proposed manager in SQL: one recursive query, any depth.
    chain = (
        db.select(Stakeholder.id, Stakeholder.reports_to_id)
        .where(Stakeholder.id == reports_to_id)
        .cte("chain", recursive=True)
    )
    chain = chain.union(
        db.select(Stakeholder.id, Stakeholder.reports_to_id).join(
            chain, Stakeholder.id == chain.c.reports_to_id
        )
    )
    found = db.session.scalar(db.select(chain.c.id).where(chain.c.id == stakeholder_id).limit(1))
    return found is not None


def _check_person(values: dict, stakeholder_id: int | None) -> None:
    if email_taken(values["email"], excluding=stakeholder_id):
        raise StakeholderError("email", f"Someone with email {values['email']} already exists.")
    if values.get("reports_to_id") is not None:
        if values["reports_to_id"] == stakeholder_id or would_cycle(
            stakeholder_id, values["reports_to_id"]
        ):
            raise StakeholderError(
                "reports_to_id", "That reporting line would make a loop: pick someone else."
            )


def add_stakeholder(
    campaign: Campaign, author, person: dict, engagement: dict | None = None
) -> Engagement:
    """A new person, engaged in `campaign` (stance, target, interest, owner, joined_on)."""
    person = {**person, "email": person["email"].strip().lower()}
    _check_person(person, None)
    stakeholder = Stakeholder(**person)
    db.session.add(stakeholder)
    db.session.flush()
    audit.created(stakeholder, STAKEHOLDER_FIELDS, user=author, campaign_id=campaign.id,
                  stakeholder_id=stakeholder.id)
    return join_campaign(campaign, stakeholder, author, **(engagement or {}))


def join_campaign(
    campaign: Campaign,
    stakeholder: Stakeholder,
    author,
    *,
    stance: Stance = Stance.unknown,
    target_stance: Stance = Stance.supporter,
    interest: int = 3,
    owner_id: int | None = None,
    joined_on: date | None = None,
) -> Engagement:
    """Bring an existing person into a campaign; their starting stance is the first history entry."""
    joined_on = joined_on or datetime.now(UTC).date()
    engagement = Engagement(
        campaign_id=campaign.id,
        stakeholder=stakeholder,
        stance=stance,
        target_stance=target_stance,
        interest=interest,
        owner_id=owner_id,
        joined_on=joined_on,
    )
    db.session.add(engagement)
    db.session.flush()
    db.session.add(
        StanceChange(
            engagement=engagement,
            from_stance=None,
            to_stance=stance,
            changed_at=start_of_day(joined_on),
            changed_by_id=getattr(author, "id", None),
            reason="Starting stance on joining the campaign",
        )
    )
    audit.created(engagement, ENGAGEMENT_FIELDS, user=author, stakeholder_id=stakeholder.id)
    return engagement


def update_stakeholder(stakeholder: Stakeholder, author, person: dict, *, campaign_id=None) -> dict:
    """Edit a person's details; returns {field: [old, new]} of what changed."""
    person = {**person, "email": person["email"].strip().lower()}
    _check_person(person, stakeholder.id)
    changes = audit.apply_changes(stakeholder, person)
    audit.record(stakeholder, "update", changes, user=author, campaign_id=campaign_id,
                 stakeholder_id=stakeholder.id)
    db.session.flush()
    return changes


def stance_at(engagement: Engagement, moment: datetime) -> Stance | None:
    """Where the person stood at `moment`, from the stance history."""
    return db.session.scalar(
        db.select(StanceChange.to_stance)
        .where(StanceChange.engagement_id == engagement.id, StanceChange.changed_at <= moment)
        .order_by(StanceChange.changed_at.desc(), StanceChange.id.desc())
        .limit(1)
    )


def change_stance(
    engagement: Engagement,
    to_stance: Stance,
    author,
    *,
    at: datetime | None = None,
    reason: str = "",
    conversation=None,
) -> StanceChange | None:
    """Record a move to `to_stance` at `at` (back-dating allowed).

    The engagement's current stance is then the latest move by date, so a back-dated
    entry never overrides a newer one. Returns None when the stance did not change.
    """
    at = at or datetime.now(UTC)
    before = stance_at(engagement, at)
    if before is to_stance:
        return None
    change = StanceChange(
        engagement=engagement,
        from_stance=before,
        to_stance=to_stance,
        changed_at=at,
        changed_by_id=getattr(author, "id", None),
        reason=reason,
        conversation=conversation,
    )
    db.session.add(change)
    db.session.flush()
    latest = db.session.scalar(
        db.select(StanceChange.to_stance)
        .where(StanceChange.engagement_id == engagement.id)
        .order_by(StanceChange.changed_at.desc(), StanceChange.id.desc())
        .limit(1)
    )
    changes = audit.apply_changes(engagement, {"stance": latest})
    changes["stance_change"] = [audit.jsonable(before), to_stance.name]
    changes["at"] = [None, at.isoformat()]
    if reason:
        changes["reason"] = [None, reason]
    audit.record(engagement, "update", changes, user=author,
                 stakeholder_id=engagement.stakeholder_id)
    return change


def update_engagement(engagement: Engagement, author, values: dict, *, reason: str = "") -> dict:
    """Edit target, interest, owner and, through change_stance, the stance."""
    values = dict(values)
    stance = values.pop("stance", None)
    changes = audit.apply_changes(engagement, values)
    audit.record(engagement, "update", changes, user=author,
                 stakeholder_id=engagement.stakeholder_id)
    if stance is not None and stance is not engagement.stance:
        change_stance(engagement, stance, author, reason=reason or "Edited on the stakeholder form")
    return changes


def archive_stakeholder(stakeholder: Stakeholder, author, *, campaign_id=None) -> None:
    """Archive instead of delete: the person drops out of lists, their history stays."""
    if stakeholder.archived_at is not None:
        return
    changes = audit.apply_changes(stakeholder, {"archived_at": datetime.now(UTC)})
    audit.record(stakeholder, "archive", changes, user=author, campaign_id=campaign_id,
                 stakeholder_id=stakeholder.id)


def restore_stakeholder(stakeholder: Stakeholder, author, *, campaign_id=None) -> None:
    changes = audit.apply_changes(stakeholder, {"archived_at": None})
    audit.record(stakeholder, "restore", changes, user=author, campaign_id=campaign_id,
                 stakeholder_id=stakeholder.id)
