"""Stakeholder pages: the list with filters, a person's page, the add/edit form, CSV in and out."""


from functools import partial

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from app.access import campaign_blueprint, has_role, requires
from app.actions import one_click
from app.errors import refuse
from app.formatting import today_local, user_clock, user_zone
from app.jobs import views as jobs
from app.models import Engagement, Role
from app.stakeholders import queries
from app.stakeholders.forms import ImportForm, StakeholderFilterForm, StakeholderForm
from app.stakeholders.operations import (
    IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    ImportProblem,
    StakeholderError,
    add_stakeholder,
    archive_engagement,
    restore_engagement,
    update_engagement,
    update_stakeholder,
)

bp = campaign_blueprint("stakeholders", __name__, "/stakeholders")

#: Largest import file accepted: 10,000 rows of generous width (MAX_CONTENT_LENGTH, the
#: largest request, is a little more).
MAX_IMPORT_MB = 4
MAX_IMPORT_BYTES = MAX_IMPORT_MB * 1024 * 1024


def _filters() -> StakeholderFilterForm:
    """The list's filters from the query string."""
    return StakeholderFilterForm(
        request.args, user=current_user,
        departments=queries.departments(g.campaign), owners=queries.owners(g.campaign),
    )


def _engagement_or_404(stakeholder_id: int) -> Engagement:
    engagement = queries.engagement_for(g.campaign, stakeholder_id)
    if engagement is None:
        abort(404)
    return engagement


@bp.get("/")
def index():
    """Everyone engaged in the campaign: search, filters, sorting, 50 to a page."""
    filter_form = _filters()
    filters = filter_form.filters()
    page = request.args.get("page", 1, type=int)
    pagination = queries.list_page(g.campaign, filters, user_clock().now, page,
                                   current_app.config["PER_PAGE"])
    return render_template(
        "stakeholders/index.html",
        filters=filters,
        filter_form=filter_form,
        pagination=pagination,
    )


@bp.post("/export.csv")
def export():
    """Ask for the list as CSV with the current filters (a job writes it)."""
    return jobs.start_export("stakeholders")


@bp.route("/import", methods=["GET", "POST"])
@requires(Role.champion)
def import_():
    """Add many people from a CSV. The request checks only the file itself (given, not too
    big, UTF-8); a job checks every row and, if none has a problem, writes them all."""
    form = ImportForm()
    problems: list[ImportProblem] = []
    if form.validate_on_submit():
        raw = form.file.data.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            problems = [ImportProblem(0, "file", f"The file is larger than {MAX_IMPORT_MB} MB; "
                                      "split it.")]
        else:
            try:
                raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                problems = [ImportProblem(0, "file", "The file is not UTF-8 text; save it as "
                                          "“CSV UTF-8” and try again.")]
            else:
                return jobs.start("import", {}, payload=raw)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "stakeholders/import.html", form=form, problems=problems, columns=IMPORT_COLUMNS,
        max_rows=MAX_IMPORT_ROWS, max_mb=MAX_IMPORT_MB,
    ), status


def _render_form(form: StakeholderForm, engagement: Engagement | None, status: int):
    return render_template(
        "stakeholders/form.html",
        form=form,
        engagement=engagement,
        departments=queries.departments(g.campaign),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.champion)
def new():
    """Add a person to this campaign: their record is this campaign's own, whoever else in
    Groundswell has the same email."""
    form = StakeholderForm()
    if request.method == "GET" and any(choice.value == str(current_user.id)
                                       for choice in form.owner_id.choices):
        form.owner_id.data = current_user.id
    if form.validate_on_submit():
        try:
            engagement = add_stakeholder(
                g.campaign, current_user, form.person_values(), form.engagement_values()
            )
        except StakeholderError as error:
            refuse(form, error, fallback="name")
        else:
            flash(f"Added {engagement.stakeholder.name}.", "success")
            return redirect(url_for(".show", stakeholder_id=engagement.stakeholder_id))
    return _render_form(form, None, 400 if request.method == "POST" else 200)


@bp.route("/<int:stakeholder_id>/edit", methods=["GET", "POST"])
@requires(Role.champion)
def edit(stakeholder_id: int):
    """Edit a person's details and where they stand in this campaign."""
    engagement = _engagement_or_404(stakeholder_id)
    person = engagement.stakeholder
    if engagement.erased_at is not None:
        flash("This person's details were erased; erasing is final.", "info")
        return redirect(url_for(".show", stakeholder_id=stakeholder_id))
    if request.method == "GET":
        form = StakeholderForm(engagement=engagement, data={
            "name": person.name, "email": person.email, "title": person.title,
            "department": person.department, "level": person.level,
            "reports_to": person.reports_to.email if person.reports_to else "",
            "influence": person.influence, "stance": engagement.stance,
            "target_stance": engagement.target_stance, "interest": engagement.interest,
            "owner_id": engagement.owner_id,
        })
    else:
        form = StakeholderForm(engagement=engagement)
    if form.validate_on_submit():
        try:
            update_stakeholder(person, current_user, form.person_values())
            update_engagement(engagement, current_user, form.engagement_values(),
                              now=user_clock().now, reason=form.stance_reason.data or "")
        except StakeholderError as error:
            refuse(form, error, fallback="name")
        else:
            flash(f"Saved {person.name}.", "success")
            return redirect(url_for(".show", stakeholder_id=stakeholder_id))
    return _render_form(form, engagement, 400 if request.method == "POST" else 200)


@bp.post("/<int:stakeholder_id>/archive")
@requires(Role.champion)
def archive(stakeholder_id: int):
    """Archive instead of delete, in this campaign: the person leaves its lists and pickers,
    their history stays."""
    engagement = _engagement_or_404(stakeholder_id)
    return one_click(partial(archive_engagement, now=user_clock().now), engagement,
                     f"Archived {engagement.stakeholder.name} in this campaign. Their page and "
                     "history remain.", url_for(".show", stakeholder_id=stakeholder_id))


@bp.post("/<int:stakeholder_id>/restore")
@requires(Role.champion)
def restore(stakeholder_id: int):
    """Bring an archived person back into lists and pickers (never an erased one)."""
    engagement = _engagement_or_404(stakeholder_id)
    if engagement.erased_at is not None:
        flash("This person's details were erased; erasing is final.", "info")
        return redirect(url_for(".show", stakeholder_id=stakeholder_id))
    return one_click(restore_engagement, engagement, f"Restored {engagement.stakeholder.name}.",
                     url_for(".show", stakeholder_id=stakeholder_id))


@bp.get("/<int:stakeholder_id>")
def show(stakeholder_id: int):
    """A person's page: where they stand, their dated history, and what is open about them."""
    engagement = _engagement_or_404(stakeholder_id)
    full = request.args.get("history") == "all"
    limit = queries.FULL_HISTORY_LIMIT if full else queries.TIMELINE_LIMIT
    entries, truncated = queries.timeline(engagement, limit)
    context = {
        "engagement": engagement,
        "person": engagement.stakeholder,
        "entries": entries,
        "truncated": truncated,
        "objections": queries.open_objections(engagement),
        "follow_ups": queries.open_follow_ups(engagement),
        "network": queries.network(engagement),
        "heard": queries.heard(engagement),
        "trail": None,
        "today": today_local(),
    }
    if has_role(Role.lead):
        trail, trail_truncated = queries.audit_trail(
            engagement, queries.FULL_HISTORY_LIMIT if full else queries.AUDIT_LIMIT
        )
        context.update(trail=queries.audit_rows(trail, g.campaign, user_zone()),
                       trail_truncated=trail_truncated)
    return render_template("stakeholders/show.html", **context)


@bp.get("/search.json")
def search():
    """People in this campaign matching `q` (name, email or title), for pickers: at most 20."""
    term = request.args.get("q", "").strip()[:100]
    rows = queries.people_matching(g.campaign, term, limit=20)
    return jsonify(
        [
            {
                "engagement_id": engagement.id,
                "stakeholder_id": person.id,
                "name": person.name,
                "email": person.email,
                "title": person.title,
                "department": person.department,
                "level": person.level.name,
                "stance": engagement.stance.name,
                "stance_label": engagement.stance.label,
            }
            for engagement, person in rows
        ]
    )
