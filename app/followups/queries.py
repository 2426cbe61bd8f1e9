"""Reading follow-ups: the four views of the list, their counts, and my overdue count."""

from datetime import date

from flask import current_app
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Engagement, FollowUp, Membership, User

#: The list's tabs, in the order they are shown.
VIEWS = {
    "mine": "Mine",
    "overdue": "Overdue",
    "open": "All open",
    "done": "Done",
}


def _conditions(view: str, me, today):
    is_open = FollowUp.done_at.is_(None)
    return {
        "mine": [is_open, FollowUp.owner_id == me.id],
        "overdue": [is_open, FollowUp.due_on < today],
        "open": [is_open],
        "done": [FollowUp.done_at.is_not(None)],
    }[view]


def follow_up_page(campaign, view: str, me, today: date, page: int):
    """One page of a view (overdue: due before `today`): open ones soonest due first, done
    ones latest due first."""
    query = (
        db.select(FollowUp)
        .where(FollowUp.campaign_id == campaign.id, *_conditions(view, me, today))
        .options(
            joinedload(FollowUp.owner),
            joinedload(FollowUp.done_by),
            joinedload(FollowUp.conversation),
            joinedload(FollowUp.engagement).joinedload(Engagement.stakeholder),
        )
    )
    if view == "done":
        query = query.order_by(FollowUp.due_on.desc(), FollowUp.id.desc())
    else:
        query = query.order_by(FollowUp.due_on, FollowUp.id)
    return db.paginate(query, page=page, per_page=current_app.config["PER_PAGE"], error_out=False)


def view_counts(campaign, me, today: date) -> dict[str, int]:
    """How many follow-ups each view holds (overdue: due before `today`), in one query."""
    columns = [
        db.func.count(db.case((db.and_(*_conditions(view, me, today)), 1))).label(view)
        for view in VIEWS
    ]
    row = db.session.execute(
        db.select(*columns).where(FollowUp.campaign_id == campaign.id)
    ).one()
    return dict(row._mapping)


def my_overdue_count(campaign, me, today: date) -> int:
    """Open follow-ups `me` owns in `campaign` due before `today`, in one query."""
    return db.session.scalar(
        db.select(db.func.count(FollowUp.id)).where(
            FollowUp.campaign_id == campaign.id,
            FollowUp.owner_id == me.id,
            FollowUp.done_at.is_(None),
            FollowUp.due_on < today,
        )
    )


def campaign_members(campaign, me) -> list[User]:
    """People who can own a follow-up here: active members, and always the current user."""
    members = list(
        db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.campaign_id == campaign.id, User.active.is_(True))
            .order_by(User.name)
        )
    )
    if all(member.id != me.id for member in members):
        members.insert(0, me)
    return members
