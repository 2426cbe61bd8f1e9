"""Conversations: log one in under a minute, read it back, correct it, list them."""

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import campaign_blueprint, refuse_access, requires
from app.conversations.forms import (
    ConversationDetailsForm,
    ConversationFilterForm,
    ConversationForm,
)
from app.conversations.operations import (
    ConversationError,
    log_conversation,
    may_edit,
    update_conversation,
)
from app.conversations.queries import (
    case_studies_used,
    conversation_detail,
    conversation_list,
    messages_used,
)
from app.errors import refuse
from app.followups.queries import campaign_members
from app.formatting import to_local, user_clock
from app.inputs import record_id
from app.jobs import views as jobs
from app.models import Role

bp = campaign_blueprint("conversations", __name__, "/conversations")
#: The form's small script, served as a file (no inline script, no build step).
assets = Blueprint(
    "conversation_assets", __name__, static_folder="static", static_url_path="/assets/conversations"
)
blueprints = (bp, assets)


def _filters() -> ConversationFilterForm:
    """The list's filters from the query string."""
    return ConversationFilterForm(request.args, campaign=g.campaign, me=current_user,
                                  members=campaign_members(g.campaign, current_user))


@bp.get("/")
def index():
    """The campaign's conversations, newest first, filtered and paginated."""
    filter_form = _filters()
    filters = filter_form.filters()
    page = request.args.get("page", 1, type=int)
    pagination, objection_counts, follow_up_counts = conversation_list(
        g.campaign, filters, user_clock(), page)
    return render_template(
        "conversations/index.html",
        pagination=pagination,
        filters=filters,
        filter_form=filter_form,
        objection_counts=objection_counts,
        follow_up_counts=follow_up_counts,
    )


@bp.post("/export.csv")
def export():
    """Ask for the conversation log as CSV with the list's filters (a job writes it)."""
    return jobs.start_export("conversations")


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.champion)
def new():
    """Log a conversation: who was there, how they stand now, objections, follow-ups."""
    form = ConversationForm(g.campaign, current_user)
    if request.method == "GET":
        now = to_local(datetime.now(UTC)).replace(tzinfo=None, second=0, microsecond=0)
        form.occurred_at.data = now
        form.add_attendees(request.args.getlist("attendee", type=record_id))
    elif form.validate_on_submit():
        try:
            conversation = log_conversation(g.campaign, current_user, form.to_input(),
                                            user_clock().now)
        except ConversationError as error:
            refuse(form, error)
        else:
            count = len(conversation.attendees)
            flash(f"Conversation logged with {count} {'person' if count == 1 else 'people'}.",
                  "success")
            return redirect(url_for(".show", conversation_id=conversation.id))
    status = 400 if request.method == "POST" else 200
    return render_template("conversations/new.html", form=form), status


@bp.get("/<int:conversation_id>")
def show(conversation_id: int):
    """One conversation and everything that came out of it."""
    conversation = conversation_detail(g.campaign, conversation_id)
    if conversation is None:
        abort(404)
    return render_template(
        "conversations/show.html",
        conversation=conversation,
        messages=messages_used(conversation),
        case_studies=case_studies_used(conversation),
        editable=may_edit(conversation, current_user, g.campaign_role),
    )


@bp.route("/<int:conversation_id>/edit", methods=["GET", "POST"])
def edit(conversation_id: int):
    """Correct when, how and what was said; the author or a lead may."""
    conversation = conversation_detail(g.campaign, conversation_id)
    if conversation is None:
        abort(404)
    if not may_edit(conversation, current_user, g.campaign_role):
        refuse_access(403, "neither the author nor a lead",
                      "Only the author or a campaign lead can edit this conversation.",
                      conversation_id=conversation.id)
    form = ConversationDetailsForm()
    if request.method == "GET":
        form.fill_from(conversation)
    elif form.validate_on_submit():
        try:
            changes = update_conversation(conversation, current_user, form.details(),
                                          user_clock().now)
        except ConversationError as error:
            refuse(form, error)
        else:
            flash("Conversation updated." if changes else "Nothing had changed.", "success")
            return redirect(url_for(".show", conversation_id=conversation.id))
    status = 400 if request.method == "POST" else 200
    return render_template("conversations/edit.html", form=form, conversation=conversation), status
