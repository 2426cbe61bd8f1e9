"""Campaigns: creation with a ready playbook, edits, members and targets."""

import re
import unicodedata

from app.extensions import db
from app.models import Campaign, Membership, Role
from app.objections.playbook import seed_playbook


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "campaign"


def unique_slug(name: str) -> str:
    base = slugify(name)
    slug, n = base, 2
    while db.session.scalar(db.select(Campaign.id).filter_by(slug=slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_campaign(author, values: dict) -> Campaign:
    """A new campaign owned by `author` (its first lead), with the default playbook."""
    campaign = Campaign(slug=values.pop("slug", None) or unique_slug(values["name"]), **values)
    campaign.owner_id = author.id
    db.session.add(campaign)
    db.session.flush()
    db.session.add(Membership(campaign_id=campaign.id, user_id=author.id, role=Role.lead))
    seed_playbook(campaign)
    return campaign


def set_member(campaign: Campaign, user, role: Role) -> Membership:
    """Add a user to a campaign or change their role there."""
    membership = db.session.get(Membership, (campaign.id, user.id))
    if membership is None:
        membership = Membership(campaign_id=campaign.id, user_id=user.id, role=role)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    return membership
