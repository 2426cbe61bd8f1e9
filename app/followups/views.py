"""Follow-ups: what I owe people, what is overdue, marking things done."""

from functools import partial
from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import campaign_blueprint, get_in_campaign, requires
from app.actions import one_click
from app.followups.forms import FollowUpForm
from app.followups.operations import add_follow_up, complete_follow_up, reopen_follow_up
from app.followups.queries import VIEWS, follow_up_page, my_overdue_count, view_counts
from app.formatting import today_local, user_clock
from app.inputs import record_id
from app.models import FollowUp, Role

bp = campaign_blueprint("followups", __name__, "/followups")


@bp.app_context_processor
def overdue_badge():
    """`my_overdue_follow_ups()` for the nav badge: one query, only on campaign pages."""

    def my_overdue_follow_ups() -> int:
        if g.get("campaign") is None or not current_user.is_authenticated:
            return 0
        return my_overdue_count(g.campaign, current_user, today_local())

    return {"my_overdue_follow_ups": my_overdue_follow_ups}


def _back() -> str:
    """Where a Mark done / Reopen button came from (same-site paths only), else the list."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for(".index")


@bp.get("/")
def index():
    """Follow-ups in one of four views (mine, overdue, all open, done), by due date."""
    view = request.args.get("view", "mine")
    note = None
    if view not in VIEWS:
        note = f"There is no “{view}” view; showing yours."
        view = "mine"
    page = request.args.get("page", 1, type=int)
    today = today_local()
    return render_template(
        "followups/index.html",
        view=view,
        views=VIEWS,
        note=note,
        pagination=follow_up_page(g.campaign, view, current_user, today, page),
        counts=view_counts(g.campaign, current_user, today),
        today=today,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.champion)
def new():
    """A follow-up that did not come out of a logged conversation."""
    prefill = {}
    if request.method == "GET" and request.args.get("about", type=record_id):
        prefill["engagement_id"] = request.args.get("about", type=record_id)
    form = FollowUpForm(g.campaign, current_user, **prefill)
    if request.method == "GET" and form.about is None:
        form.engagement_id.data = None  # a stale or foreign ?about= is simply not pre-filled
    if form.validate_on_submit():
        follow_up = add_follow_up(
            g.campaign,
            current_user,
            form.description.data,
            form.due_on.data,
            owner_id=form.owner_id.data,
            engagement=form.about[0] if form.about else None,
        )
        flash(f"Follow-up added: {follow_up.description}", "success")
        view = "mine" if follow_up.owner_id == current_user.id else "open"
        return redirect(url_for(".index", view=view))
    status = 400 if request.method == "POST" else 200
    return render_template("followups/new.html", form=form), status


@bp.post("/<int:follow_up_id>/done")
@requires(Role.champion)
def done(follow_up_id: int):
    """Mark a follow-up done and go back to the list it was on."""
    follow_up = get_in_campaign(FollowUp, follow_up_id)
    return one_click(partial(complete_follow_up, now=user_clock().now), follow_up,
                     f"Done: {follow_up.description}", _back())


@bp.post("/<int:follow_up_id>/reopen")
@requires(Role.champion)
def reopen(follow_up_id: int):
    """Put a follow-up back on the open list."""
    follow_up = get_in_campaign(FollowUp, follow_up_id)
    return one_click(reopen_follow_up, follow_up, f"Reopened: {follow_up.description}",
                     _back(), "info")
