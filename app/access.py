"""Who may see and change what: roles and per-campaign access, checked on every request.

Campaign pages live under /campaigns/<slug>/. A blueprint made by `campaign_blueprint`
loads the campaign from the URL before any view runs and answers 404 when the signed-in
user is not a member, so a view can never forget the check. Views then declare the role
they need with `@requires(...)`; records are fetched with `get_in_campaign`, which
answers 404 for a record of another campaign.
"""

import logging
from functools import wraps
from typing import NoReturn

from flask import Blueprint, abort, g
from flask_login import current_user

from app.extensions import db
from app.models import Campaign, Membership, Role

log = logging.getLogger(__name__)

#: How much each role may do; a view needing `champion` admits leads and admins too.
ROLE_RANK = {Role.viewer: 0, Role.champion: 1, Role.lead: 2, Role.admin: 3}


def campaign_role(user, campaign: Campaign) -> Role | None:
    """The user's effective role in the campaign, or None when they have no access."""
    if not user.is_authenticated:
        return None
    if user.is_admin:
        return Role.admin
    membership = db.session.get(Membership, (campaign.id, user.id))
    return membership.role if membership else None


def refuse_access(status: int, reason: str, message: str | None = None, **ids) -> NoReturn:
    """Answer `status` (403; 404 where not even the record's existence may be told) and log
    the refusal at WARNING: why, and the ids involved (the log line adds the user and the
    request). Never a name or anything a record holds."""
    log.warning("access refused", extra={"status": status, "reason": reason, **ids})
    abort(status, message)


def has_role(needed: Role) -> bool:
    """Whether the current user's role in g.campaign reaches `needed`."""
    role = g.get("campaign_role")
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[needed]


def requires(needed: Role):
    """Refuse (403) a campaign view to users whose role there is below `needed`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not has_role(needed):
                refuse_access(403, f"needs the {needed.value} role",
                              f"This needs the {needed.value} role in this campaign.",
                              campaign_id=g.campaign.id)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def load_campaign(slug: str) -> Campaign:
    """The campaign named by `slug` if the current user may see it; 404 otherwise.

    One query, on every campaign page: the campaign with the user's membership role.
    """
    found = db.session.execute(
        db.select(Campaign, Membership.role)
        .outerjoin(Membership, db.and_(Membership.campaign_id == Campaign.id,
                                       Membership.user_id == current_user.id))
        .where(Campaign.slug == slug)
    ).first()
    if found is None:
        abort(404)
    campaign, membership_role = found
    role = Role.admin if current_user.is_admin else membership_role
    if role is None:
        refuse_access(404, "not a member of the campaign", campaign_id=campaign.id)
    g.campaign, g.campaign_role = campaign, role
    return campaign


def campaign_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    """A blueprint whose routes sit under /campaigns/<slug> and require access to it."""
    bp = Blueprint(name, import_name, url_prefix=f"/campaigns/<slug>{url_prefix}")

    @bp.url_value_preprocessor
    def pull_campaign(endpoint, values):
        slug = values.pop("slug")
        if current_user.is_authenticated:
            load_campaign(slug)

    @bp.url_defaults
    def add_campaign(endpoint, values):
        if "slug" not in values and g.get("campaign") is not None:
            values["slug"] = g.campaign.slug

    return bp


def get_in_campaign(model, record_id: int):
    """A record of the current campaign by id; 404 for a missing or foreign record."""
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    if record.campaign_id != g.campaign.id:
        refuse_access(404, "record of another campaign", campaign_id=g.campaign.id,
                      record=f"{model.__name__} {record_id}")
    return record


def user_campaigns(user) -> list[Campaign]:
    """The campaigns the user may open, newest first."""
    query = db.select(Campaign).where(Campaign.archived_at.is_(None))
    if not user.is_admin:
        query = query.join(Membership).where(Membership.user_id == user.id)
    return list(db.session.scalars(query.order_by(Campaign.starts_on.desc(), Campaign.name)))
