"""Campaign pages: the list, a new campaign, its settings and its members."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import campaign_blueprint, campaign_role, refuse_access, requires
from app.campaigns import operations, queries
from app.campaigns.forms import (
    ROLE_CHOICES,
    AddMemberForm,
    CampaignForm,
    MemberRoleForm,
    RemoveMemberForm,
)
from app.campaigns.operations import CampaignError
from app.errors import refuse
from app.extensions import db
from app.formatting import today_local
from app.models import Membership, Role, Stance

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
campaign_bp = campaign_blueprint("campaign", __name__)
blueprints = (bp, campaign_bp)

CAMPAIGNS_PER_PAGE = 20


@bp.get("/")
def index():
    """The campaigns the user may open (admins: all), with how people stand in each."""
    pagination = queries.open_campaigns(current_user, CAMPAIGNS_PER_PAGE)
    counts = queries.stance_counts([item.id for item in pagination.items])
    return render_template(
        "campaigns/index.html",
        pagination=pagination,
        counts=counts,
        stances=list(Stance),
        may_create=operations.may_create_campaigns(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Start a campaign: what, why, when, targets. Its playbook comes ready-made."""
    if not operations.may_create_campaigns(current_user):
        refuse_access(403, "only leads and admins start campaigns",
                      "Only leads and admins start campaigns.")
    form = CampaignForm()
    if request.method == "GET":
        form.starts_on.data = today_local()
    if form.validate_on_submit():
        campaign = operations.create_campaign(current_user, form.values())
        operations.set_targets(campaign, current_user, form.target_values())
        flash(f"Campaign “{campaign.name}” created with the default objection playbook.", "success")
        return redirect(url_for("stakeholders.index", slug=campaign.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("campaigns/new.html", form=form), status


@campaign_bp.route("/settings", methods=["GET", "POST"])
@requires(Role.lead)
def settings():
    """Edit what the campaign is about, its phase, dates and targets."""
    campaign = g.campaign
    form = CampaignForm()
    if request.method == "GET":
        form.fill_from(campaign)
    elif form.validate_on_submit():
        changes = operations.update_campaign(campaign, current_user, form.values())
        changes.update(operations.set_targets(campaign, current_user, form.target_values()))
        flash("Settings saved." if changes else "Nothing changed.",
              "success" if changes else "info")
        return redirect(url_for("campaign.settings"))
    status = 400 if request.method == "POST" else 200
    return render_template("campaigns/settings.html", form=form), status


def _members_page(add_form=None, error=None, error_user_id=None, status=200):
    pagination = queries.members(g.campaign, per_page=50)
    return render_template(
        "campaigns/members.html",
        pagination=pagination,
        add_form=add_form or AddMemberForm(formdata=None),
        role_choices=ROLE_CHOICES,
        error=error,
        error_user_id=error_user_id,
    ), status


def _membership(user_id: int) -> Membership:
    membership = queries.membership(g.campaign, user_id)
    if membership is None:
        abort(404)
    return membership


@campaign_bp.route("/members", methods=["GET", "POST"])
@requires(Role.lead)
def members():
    """Who works in this campaign and in which role; add an existing user by email."""
    form = AddMemberForm()
    if request.method == "GET":
        return _members_page()
    if form.validate():
        try:
            membership = operations.add_member(
                g.campaign, current_user, form.email.data, Role[form.role.data]
            )
        except CampaignError as error:
            refuse(form, error)
        else:
            flash(f"{membership.user.name} added as {membership.role.label.lower()}.", "success")
            return redirect(url_for("campaign.members"))
    return _members_page(add_form=form, status=400)


@campaign_bp.post("/members/<int:user_id>/role")
@requires(Role.lead)
def member_role(user_id: int):
    """Change a member's role."""
    membership = _membership(user_id)
    form = MemberRoleForm()
    if not form.validate():
        return _members_page(error="; ".join(form.role.errors) or "Pick a role.",
                             error_user_id=user_id, status=400)
    try:
        operations.change_member_role(g.campaign, current_user, membership, Role[form.role.data])
    except CampaignError as error:
        db.session.rollback()  # the page shows the members as they are stored
        return _members_page(error=str(error), error_user_id=user_id, status=400)
    flash(f"{membership.user.name} is now {membership.role.label.lower()}.", "success")
    return _after_member_change()


@campaign_bp.post("/members/<int:user_id>/remove")
@requires(Role.lead)
def member_remove(user_id: int):
    """Take someone out of the campaign (the last lead stays)."""
    membership = _membership(user_id)
    if not RemoveMemberForm().validate():
        abort(400)
    name = membership.user.name
    try:
        operations.remove_member(g.campaign, current_user, membership)
    except CampaignError as error:
        db.session.rollback()  # the page shows the members as they are stored
        return _members_page(error=str(error), error_user_id=user_id, status=400)
    flash(f"{name} no longer works in this campaign.", "success")
    return _after_member_change()


def _after_member_change():
    # A lead who stepped down or out may no longer manage members, or see the campaign.
    role = campaign_role(current_user, g.campaign)
    if role is None:
        return redirect(url_for("campaigns.index"))
    if role not in (Role.lead, Role.admin):
        return redirect(url_for("stakeholders.index"))
    return redirect(url_for("campaign.members"))
