"""The objection register, one objection's page, raising one by hand, and the playbook."""

from datetime import datetime, time
from functools import partial

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app import markdown
from app.access import campaign_blueprint, get_in_campaign, has_role, requires
from app.actions import one_click
from app.clock import Clock
from app.formatting import today_local, user_clock
from app.inputs import record_id
from app.jobs import views as jobs
from app.models import Engagement, Level, Objection, ObjectionStatus, ObjectionTheme, Role
from app.objections import queries
from app.objections.forms import (
    NewObjectionForm,
    ObjectionEditForm,
    RegisterFilterForm,
    StatusForm,
    ThemeForm,
)
from app.objections.operations import change_objection_status, raise_objection, update_objection
from app.objections.playbook import (
    create_theme,
    current_themes,
    move_theme,
    restore_theme,
    retire_theme,
    update_theme,
)

bp = campaign_blueprint("objections", __name__, "/objections")

#: The status the change form offers first: the usual next step from each.
NEXT_STATUS = {
    ObjectionStatus.open: ObjectionStatus.answered,
    ObjectionStatus.answered: ObjectionStatus.resolved,
    ObjectionStatus.resolved: ObjectionStatus.open,
    ObjectionStatus.parked: ObjectionStatus.open,
}


@bp.get("/")
def index():
    """The register: objections grouped by theme, filtered and paginated."""
    themes = queries.campaign_themes(g.campaign)
    filter_form = RegisterFilterForm(request.args, themes=themes)
    filters = filter_form.filters()
    clock = user_clock()
    page = queries.register_page(g.campaign, filters, clock,
                                 request.args.get("page", 1, type=int))
    counts = queries.status_counts(g.campaign, filters, clock)
    closed = queries.closed_at([objection.id for objection in page.items])
    return render_template(
        "objections/index.html",
        filters=filters,
        page=page,
        groups=queries.group_by_theme(page.items, counts, closed, clock),
        plain=markdown.plain,
        filter_form=filter_form,
    )


def _load(objection_id: int) -> Objection:
    get_in_campaign(Objection, objection_id)
    return queries.objection_detail(objection_id)


def _themes_for(objection: Objection) -> list[ObjectionTheme]:
    """Themes an objection can be moved to: the current ones, and its own even if retired."""
    themes = current_themes(g.campaign)
    if objection.theme not in themes:
        themes.append(objection.theme)
    return themes


def _render_show(objection: Objection, status_form=None, edit_form=None, code: int = 200):
    level = objection.engagement.stakeholder.level
    if edit_form is None:
        edit_form = ObjectionEditForm(
            formdata=None, theme_id=str(objection.theme_id), statement=objection.statement
        )
    edit_form.set_themes(_themes_for(objection))
    closed = queries.closed_at([objection.id])
    return (
        render_template(
            "objections/show.html",
            objection=objection,
            person=objection.engagement.stakeholder,
            answer=objection.theme.response_for(level),
            level=level,
            days_open=queries.days_open(objection, user_clock(), closed.get(objection.id)),
            status_form=status_form or StatusForm(
                formdata=None, current=objection.status, status=NEXT_STATUS[objection.status].name
            ),
            edit_form=edit_form,
            open_edit=edit_form.errors != {},
        ),
        code,
    )


@bp.post("/export.csv")
def export():
    """Ask for the register as CSV with its filters (a job writes it)."""
    return jobs.start_export("objections")


@bp.get("/<int:objection_id>")
def show(objection_id: int):
    """One objection: the person, the playbook answer for their level, its history."""
    return _render_show(_load(objection_id))


@bp.post("/<int:objection_id>/status")
@requires(Role.champion)
def status(objection_id: int):
    """Move an objection to another status with a note."""
    objection = _load(objection_id)
    form = StatusForm(current=objection.status)
    if not form.validate():
        return _render_show(objection, status_form=form, code=400)
    change_objection_status(objection, form.new_status, current_user, note=form.note.data or "",
                            at=user_clock().now)
    flash(f"Marked {form.new_status.label.lower()}.", "success")
    return redirect(url_for(".show", objection_id=objection.id))


@bp.post("/<int:objection_id>/edit")
@requires(Role.champion)
def edit(objection_id: int):
    """Correct an objection's theme or wording."""
    objection = _load(objection_id)
    form = ObjectionEditForm()
    form.set_themes(_themes_for(objection))
    if not form.validate():
        return _render_show(objection, edit_form=form, code=400)
    changes = update_objection(
        objection, current_user,
        {"theme_id": form.chosen_theme.id, "statement": form.statement.data.strip()},
    )
    flash("Objection updated." if changes else "Nothing had changed.", "success")
    return redirect(url_for(".show", objection_id=objection.id))


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.champion)
def new():
    """Raise an objection outside a conversation."""
    form = NewObjectionForm()
    form.set_themes(current_themes(g.campaign))
    if request.method == "GET":
        form.raised_on.data = today_local()
        engagement_id = request.args.get("engagement", type=record_id)
        if engagement_id is not None:
            engagement = get_in_campaign(Engagement, engagement_id)
            form.person.data = engagement.stakeholder.email
            form.engagement = engagement
        form.select_theme(request.args.get("theme"))
        return _render_new(form)
    if not form.validate():
        return _render_new(form, 400)
    objection = raise_objection(
        g.campaign, current_user, form.engagement, form.chosen_theme, form.statement.data,
        at=_raised_at(form.raised_on.data, user_clock()),
    )
    flash("Objection raised.", "success")
    return redirect(url_for(".show", objection_id=objection.id))


def _render_new(form: NewObjectionForm, code: int = 200):
    return render_template("objections/new.html", form=form,
                           today_iso=today_local().isoformat()), code


def _raised_at(day, clock: Clock):
    """Now when raised today; otherwise noon of that day on the user's clock."""
    if day == clock.today:
        return clock.now
    return clock.from_local(datetime.combine(day, time(12, 0)))


@bp.get("/playbook")
def playbook():
    """Every theme with what people say, how many are open, and the answer per level."""
    level = Level.parse(request.args.get("level"))
    if request.args.get("level") and level is None:
        flash("Ignored an unknown level; showing all three.", "warning")
    return render_template(
        "objections/playbook.html",
        themes=queries.playbook_themes(g.campaign),
        open_counts=queries.open_counts(g.campaign),
        levels=[level] if level else list(Level),
        level=level,
        may_edit=has_role(Role.lead),
    )


@bp.route("/playbook/<int:theme_id>/edit", methods=["GET", "POST"])
@requires(Role.lead)
def edit_theme(theme_id: int):
    """Edit a theme of the playbook: name, what people say, the answer per level."""
    theme = get_in_campaign(ObjectionTheme, theme_id)
    if request.method == "GET":
        current = current_themes(g.campaign)
        form = ThemeForm(
            formdata=None, theme=theme, name=theme.name, description=theme.description,
            place=current.index(theme) + 1 if theme in current else None,
            **{f"answer_{level.name}": getattr(theme.response_for(level), "response", "")
               for level in Level},
        )
        return render_template("objections/theme_form.html", form=form, theme=theme)
    form = ThemeForm(theme=theme)
    if not form.validate():
        return render_template("objections/theme_form.html", form=form, theme=theme), 400
    changes = update_theme(theme, current_user, form.name.data, form.description.data or "",
                           form.answers)
    if form.place.data and theme.archived_at is None:
        changes.update(move_theme(theme, current_user, form.place.data))
    flash(f"Saved “{theme.name}”." if changes else "Nothing had changed.", "success")
    return redirect(url_for(".playbook", _anchor=f"theme-{theme.slug}"))


@bp.route("/playbook/new", methods=["GET", "POST"])
@requires(Role.lead)
def new_theme():
    """Add a theme to the playbook."""
    form = ThemeForm()
    if request.method == "GET":
        return render_template("objections/theme_form.html", form=form, theme=None)
    if not form.validate():
        return render_template("objections/theme_form.html", form=form, theme=None), 400
    theme = create_theme(g.campaign, current_user, form.name.data, form.description.data or "",
                         form.answers)
    if form.place.data:
        move_theme(theme, current_user, form.place.data)
    flash(f"Added “{theme.name}” to the playbook.", "success")
    return redirect(url_for(".playbook", _anchor=f"theme-{theme.slug}"))



@bp.post("/playbook/<int:theme_id>/retire")
@requires(Role.lead)
def retire(theme_id: int):
    """Stop offering a theme for new objections; those raised under it keep it."""
    theme = get_in_campaign(ObjectionTheme, theme_id)
    return one_click(partial(retire_theme, now=user_clock().now), theme,
                     f"Retired “{theme.name}”: it is no longer offered for new objections. "
                     "The objections raised under it keep it.",
                     url_for(".playbook", _anchor="retired"))


@bp.post("/playbook/<int:theme_id>/restore")
@requires(Role.lead)
def restore(theme_id: int):
    """Offer a retired theme again, last in the playbook."""
    theme = get_in_campaign(ObjectionTheme, theme_id)
    return one_click(restore_theme, theme,
                     f"“{theme.name}” is back in the playbook, last; edit it to move it.",
                     url_for(".playbook", _anchor=f"theme-{theme.slug}"))
