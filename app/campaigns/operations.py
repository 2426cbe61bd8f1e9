"""Campaigns: creation with a ready playbook, edits, members and targets."""

from slugify import slugify

from app import audit
from app.briefings.defaults import seed_briefing_defaults
from app.errors import OperationError
from app.extensions import db
from app.models import Campaign, CampaignTarget, Level, Membership, Role, User
from app.objections.playbook import seed_playbook

CAMPAIGN_FIELDS = ("name", "change", "description", "goals", "phase", "starts_on", "ends_on")
#: Roles a user can hold inside a campaign; `admin` is global only.
MEMBER_ROLES = (Role.lead, Role.champion, Role.viewer)


class CampaignError(OperationError):
    """A campaign change refused, with the field it concerns and a message for the user."""


def unique_slug(name: str) -> str:
    base = slugify(name, max_length=60) or "campaign"
    slug, n = base, 2
    while db.session.scalar(db.select(Campaign.id).filter_by(slug=slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def may_create_campaigns(user) -> bool:
    """Leads and admins (by global role) start campaigns; champions and viewers join them."""
    return user.is_authenticated and user.role in (Role.lead, Role.admin)


def create_campaign(author, values: dict) -> Campaign:
    """A new campaign owned by `author` (its first lead), with the default playbook, risk
    checklist and landmine words, all of which its leads then edit."""
    values = dict(values)
    campaign = Campaign(slug=values.pop("slug", None) or unique_slug(values["name"]), **values)
    campaign.owner_id = author.id
    db.session.add(campaign)
    db.session.flush()
    db.session.add(Membership(campaign_id=campaign.id, user_id=author.id, role=Role.lead))
    audit.created(campaign, CAMPAIGN_FIELDS, user=author, campaign_id=campaign.id)
    seed_playbook(campaign)
    seed_briefing_defaults(campaign)
    return campaign


def update_campaign(campaign: Campaign, author, values: dict) -> dict:
    """Edit what a campaign is about and its dates; returns {field: [old, new]}."""
    changes = audit.apply_changes(campaign, values)
    audit.record(campaign, "update", changes, user=author, campaign_id=campaign.id)
    db.session.flush()
    return changes


def _describe_target(target: CampaignTarget | None) -> str | None:
    if target is None:
        return None
    return f"{target.share}% {target.min_stance.name} or better by {target.due_on.isoformat()}"


def set_targets(campaign: Campaign, author, targets: dict[Level, dict | None]) -> dict:
    """Create, change or drop the target of each level given (None drops it); audited on
    the campaign as one event. Returns {"target_<level>": [old, new]} for what changed."""
    current = {target.level: target for target in campaign.targets}
    changes = {}
    for level, values in targets.items():
        target = current.get(level)
        before = _describe_target(target)
        if values is None:
            if target is not None:
                campaign.targets.remove(target)
                changes[f"target_{level.name}"] = [before, None]
            continue
        if target is None:
            target = CampaignTarget(level=level, **values)
            campaign.targets.append(target)
        else:
            for name, value in values.items():
                setattr(target, name, value)
        after = _describe_target(target)
        if after != before:
            changes[f"target_{level.name}"] = [before, after]
    audit.record(campaign, "update", changes, user=author, campaign_id=campaign.id)
    db.session.flush()
    return changes


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


def _lead_count(campaign: Campaign) -> int:
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(Membership)
        .where(Membership.campaign_id == campaign.id, Membership.role == Role.lead)
    )


def _check_role(role: Role) -> None:
    if role not in MEMBER_ROLES:
        raise CampaignError("role", "Pick lead, champion or viewer.")


def add_member(campaign: Campaign, author, email: str, role: Role) -> Membership:
    """Give an existing user a role in the campaign; refuses unknown users and members."""
    _check_role(role)
    email = email.strip().lower()
    user = db.session.scalar(db.select(User).where(db.func.lower(User.email) == email))
    if user is None:
        raise CampaignError(
            "email", f"No one signs in as {email}. An admin creates the account first."
        )
    if db.session.get(Membership, (campaign.id, user.id)) is not None:
        raise CampaignError("email", f"{user.name} is already a member of this campaign.")
    membership = set_member(campaign, user, role)
    audit.record(campaign, "update", {"member_added": [None, f"{user.email} as {role.name}"]},
                 user=author, campaign_id=campaign.id)
    return membership


def change_member_role(campaign: Campaign, author, membership: Membership, role: Role) -> None:
    """Change a member's role; the campaign always keeps at least one lead."""
    _check_role(role)
    if role is membership.role:
        return
    if membership.role is Role.lead and _lead_count(campaign) <= 1:
        raise CampaignError(
            "role", "A campaign needs at least one lead: make someone else lead first."
        )
    before = membership.role
    membership.role = role
    audit.record(campaign, "update",
                 {"member_role": [f"{membership.user.email} as {before.name}",
                                  f"{membership.user.email} as {role.name}"]},
                 user=author, campaign_id=campaign.id)
    db.session.flush()


def remove_member(campaign: Campaign, author, membership: Membership) -> None:
    """Take a user out of the campaign; the last lead cannot be removed."""
    if membership.role is Role.lead and _lead_count(campaign) <= 1:
        raise CampaignError(
            "role", "A campaign needs at least one lead: make someone else lead first."
        )
    audit.record(campaign, "update",
                 {"member_removed": [f"{membership.user.email} as {membership.role.name}", None]},
                 user=author, campaign_id=campaign.id)
    db.session.delete(membership)
    db.session.flush()
