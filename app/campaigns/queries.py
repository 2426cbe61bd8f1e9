"""Reads for the campaign pages: the campaigns a user may open and who works in one."""

from app.extensions import db
from app.models import Campaign, Engagement, Membership, Stakeholder, Stance, User


def stance_counts(campaign_ids: list[int]) -> dict[int, dict[Stance, int]]:
    """{campaign id: {stance: people}} for active people, in one aggregate query."""
    counts: dict[int, dict[Stance, int]] = {campaign_id: {} for campaign_id in campaign_ids}
    if not campaign_ids:
        return counts
    rows = db.session.execute(
        db.select(Engagement.campaign_id, Engagement.stance, db.func.count())
        .join(Stakeholder, Engagement.stakeholder_id == Stakeholder.id)
        .where(Engagement.campaign_id.in_(campaign_ids), Engagement.archived_at.is_(None))
        .group_by(Engagement.campaign_id, Engagement.stance)
    )
    for campaign_id, stance, people in rows:
        counts[campaign_id][stance] = people
    return counts


def open_campaigns(user: User, per_page: int):
    """One page of the campaigns `user` may open (admins: every one), newest first."""
    query = db.select(Campaign).where(Campaign.archived_at.is_(None))
    if not user.is_admin:
        query = query.join(Membership).where(Membership.user_id == user.id)
    return db.paginate(
        query.order_by(Campaign.starts_on.desc(), Campaign.name),
        per_page=per_page, error_out=False,
    )


def members(campaign: Campaign, per_page: int):
    """One page of the campaign's memberships, by role then name, with each user loaded."""
    return db.paginate(
        db.select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.campaign_id == campaign.id)
        .options(db.contains_eager(Membership.user))
        .order_by(Membership.role, User.name),
        per_page=per_page, error_out=False,
    )


def membership(campaign: Campaign, user_id: int) -> Membership | None:
    """The user's membership of this campaign, or None."""
    return db.session.get(Membership, (campaign.id, user_id))
