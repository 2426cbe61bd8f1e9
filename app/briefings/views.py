"""Briefings: the builder, the history of generated briefings, and the material they draw
on (key messages, the risk checklist, landmine words)."""

from datetime import datetime
from functools import partial

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import campaign_blueprint, get_in_campaign, has_role, requires
from app.actions import one_click
from app.briefings import operations, queries
from app.briefings.builder import (
    BUDGET_PAGES,
    DEFAULT_MINUTES,
    HEADINGS,
    build_briefing,
    load_attendees,
)
from app.briefings.forms import BriefingForm, KeyMessageForm, LandmineForm, RiskItemForm
from app.briefings.jobs import briefing_params
from app.briefings.vocabulary import find_landmines
from app.formatting import user_clock
from app.jobs import views as jobs
from app.models import (
    Briefing,
    KeyMessage,
    Landmine,
    Level,
    RiskArea,
    RiskItem,
    RiskStatus,
    Role,
)

bp = campaign_blueprint("briefings", __name__, "/briefings")


def _level_filter() -> Level | None:
    """The ?level= filter; an unknown level is ignored with a message."""
    raw = request.args.get("level")
    level = Level.parse(raw)
    if raw and level is None:
        flash(f"There is no level called “{raw[:40]}”; showing every level.", "warning")
    return level


# --- History ---------------------------------------------------------------------------


@bp.get("/")
def index():
    """Every briefing generated in this campaign, newest first."""
    audience = _level_filter()
    page = queries.briefing_history(g.campaign, audience)
    return render_template("briefings/index.html", page=page, audience=audience)


def _briefing_or_404(briefing_id: int) -> Briefing:
    briefing = queries.briefing_in(g.campaign, briefing_id)
    if briefing is None:
        abort(404)
    return briefing


@bp.get("/<int:briefing_id>")
def show(briefing_id: int):
    briefing = _briefing_or_404(briefing_id)
    # Erasing a person it named removes its PDF (app/personal_data) and says when here.
    removed = (briefing.content or {}).get("pdf_removed")
    removed_at = datetime.fromisoformat(removed["at"]) if removed else None
    return render_template("briefings/show.html", briefing=briefing, headings=HEADINGS,
                           budget=BUDGET_PAGES[briefing.audience], pdf_removed_at=removed_at)


def pdf_filename(briefing: Briefing) -> str:
    """e.g. collaboration-rollout-executive-briefing-2026-10-14.pdf"""
    day = briefing.meeting_on or briefing.created_at.date()
    return f"{g.campaign.slug}-{briefing.audience.name}-briefing-{day.isoformat()}.pdf"


@bp.get("/<int:briefing_id>.pdf")
def pdf(briefing_id: int):
    """The PDF exactly as generated: the stored bytes, never a re-render."""
    briefing = queries.briefing_with_pdf(g.campaign, briefing_id)
    if briefing is None or briefing.pdf is None:
        abort(404)
    response = current_app.response_class(briefing.pdf, mimetype="application/pdf")
    response.set_etag(briefing.pdf_sha256)
    response.headers["Content-Disposition"] = f'attachment; filename="{pdf_filename(briefing)}"'
    return response.make_conditional(request)


# --- The builder -----------------------------------------------------------------------


def _arrangement(form) -> tuple[list[str], set[str]]:
    """The presenter's running order (keys by order number, then a ↑/↓ move) and drops."""
    keys = [key for key in form.getlist("item") if key][:200]
    numbers = {}
    for index, key in enumerate(keys):
        try:
            numbers[key] = (float(form.get(f"order-{key}", "")), index)
        except ValueError:
            numbers[key] = (float(index + 1), index)
    order = sorted(keys, key=numbers.__getitem__)
    direction, _, moved = (form.get("move") or "").partition(":")
    if moved in order and direction in ("up", "down"):
        at = order.index(moved)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
    return order, set(form.getlist("drop"))


def _render_builder(form: BriefingForm, draft=None, status: int = 200):
    attendees = form.attendees.engagements
    mismatched = [
        engagement for engagement in attendees
        if draft is not None and engagement.stakeholder.level is not draft.audience
    ]
    return (
        render_template(
            "briefings/new.html",
            form=form,
            draft=draft,
            attendees=attendees,
            mismatched=mismatched,
            budgets=BUDGET_PAGES,
            default_minutes=DEFAULT_MINUTES,
        ),
        status,
    )


def _build(form: BriefingForm, order=None, drops=None):
    return build_briefing(
        g.campaign,
        form.audience.data,
        form.attendees.engagements,
        meeting_on=form.meeting_on.data,
        minutes=form.minutes.data or DEFAULT_MINUTES,
        introduction=form.introduction.data or "",
        order=order,
        drops=drops,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.champion)
def new():
    """Choose an audience and attendees, preview, reorder and drop items; Generate asks a
    job worker to lay out the PDF within its page budget and keep it."""
    form = BriefingForm(campaign=g.campaign)

    if request.method == "GET":
        audience = Level.parse(request.args.get("audience"))
        if request.args.get("audience") and audience is None:
            flash("That audience is not a level; pick one below.", "warning")
        ids = [value for value in request.args.getlist("attendee") if value.isdigit()]
        form.attendees.engagements = load_attendees(g.campaign, ids)
        if len(form.attendees.engagements) != len(ids):
            flash("Some of those people are not in this campaign and were left out.", "warning")
        if audience is None and form.attendees.engagements:
            audience = form.attendees.engagements[0].stakeholder.level
        form.audience.data = audience or Level.executive
        form.minutes.data = form.minutes.data or DEFAULT_MINUTES
        return _render_builder(form, _build(form))

    if not form.validate():
        return _render_builder(form, None, 400)
    order, drops = _arrangement(request.form)
    if request.form.get("action") == "generate":
        return jobs.start("briefing", briefing_params(
            form.audience.data, form.attendees.engagements, form.meeting_on.data,
            form.minutes.data or DEFAULT_MINUTES, form.introduction.data or "", order, drops))
    return _render_builder(form, _build(form, order, drops))


# --- The editing flow shared by messages, risks and landmine words ---------------------


def _form_page(form, template: str, context: dict, save):
    """GET shows the form; a POST that fails validation shows it again with what was typed
    (400, nothing written); otherwise `save()` runs the operation and returns the flash
    message and the address to go to, and the change is committed once."""
    if request.method == "GET":
        return render_template(template, form=form, **context)
    if not form.validate():
        return render_template(template, form=form, **context), 400
    message, target = save()
    flash(message, "success")
    return redirect(target)


# --- Key messages ----------------------------------------------------------------------


@bp.get("/messages")
def messages():
    """The campaign's key messages by level, with how many people have heard each."""
    level = _level_filter()
    archived = request.args.get("archived") == "1"
    page, heard = queries.key_messages(g.campaign, level, archived)
    return render_template("briefings/messages.html", page=page, level=level,
                           archived=archived, heard=heard)


MESSAGE_FORM = "briefings/message_form.html"


def _message_values(form) -> dict:
    return {"level": form.level.data, "title": form.title.data, "body": form.body.data or "",
            "position": form.position.data}


def _messages_url(message: KeyMessage) -> str:
    return url_for(".messages", level=message.level.name)


@bp.route("/messages/new", methods=["GET", "POST"])
@requires(Role.lead)
def message_new():
    form = KeyMessageForm()
    if request.method == "GET":
        form.level.data = Level.parse(request.args.get("level")) or Level.executive

    def save():
        message = operations.add_key_message(g.campaign, current_user, _message_values(form))
        return "Key message added.", _messages_url(message)

    return _form_page(form, MESSAGE_FORM, {"message": None}, save)


@bp.route("/messages/<int:message_id>/edit", methods=["GET", "POST"])
@requires(Role.lead)
def message_edit(message_id: int):
    message = get_in_campaign(KeyMessage, message_id)
    form = KeyMessageForm(obj=message)

    def save():
        operations.update_key_message(message, current_user, _message_values(form))
        return "Key message saved.", _messages_url(message)

    return _form_page(form, MESSAGE_FORM, {"message": message}, save)


@bp.post("/messages/<int:message_id>/archive")
@requires(Role.lead)
def message_archive(message_id: int):
    message = get_in_campaign(KeyMessage, message_id)
    return one_click(partial(operations.archive_key_message, now=user_clock().now), message,
                     f"“{message.title}” archived: new briefings leave it out.",
                     _messages_url(message))


@bp.post("/messages/<int:message_id>/restore")
@requires(Role.lead)
def message_restore(message_id: int):
    message = get_in_campaign(KeyMessage, message_id)
    return one_click(operations.restore_key_message, message,
                     f"“{message.title}” is back in use.", _messages_url(message))


# --- Risk checklist --------------------------------------------------------------------


@bp.get("/risks")
def risks():
    """The risk checklist grouped by area, with a count per status."""
    page, counts = queries.risk_checklist(g.campaign)
    groups: list[tuple[RiskArea, list[RiskItem]]] = []
    for item in page.items:
        if groups and groups[-1][0] is item.area:
            groups[-1][1].append(item)
        else:
            groups.append((item.area, [item]))
    return render_template("briefings/risks.html", page=page, groups=groups, counts=counts,
                           statuses=list(RiskStatus))


RISK_FORM = "briefings/risk_form.html"


def _risk_values(form) -> dict:
    return {"area": form.area.data, "question": form.question.data, "status": form.status.data,
            "owner": form.owner.data or "", "notes": form.notes.data or ""}


@bp.route("/risks/new", methods=["GET", "POST"])
@requires(Role.lead)
def risk_new():
    form = RiskItemForm()
    if request.method == "GET":
        form.area.data = RiskArea.parse(request.args.get("area")) or RiskArea.technical

    def save():
        operations.add_risk_item(g.campaign, current_user, _risk_values(form))
        return "Checklist item added.", url_for(".risks")

    return _form_page(form, RISK_FORM, {"item": None}, save)


@bp.route("/risks/<int:risk_id>/edit", methods=["GET", "POST"])
@requires(Role.lead)
def risk_edit(risk_id: int):
    item = get_in_campaign(RiskItem, risk_id)
    form = RiskItemForm(obj=item)

    def save():
        operations.update_risk_item(item, current_user, _risk_values(form))
        return f"{item.area.label}: saved.", url_for(".risks") + f"#risk-{item.id}"

    return _form_page(form, RISK_FORM, {"item": item}, save)


@bp.post("/risks/<int:risk_id>/delete")
@requires(Role.lead)
def risk_delete(risk_id: int):
    item = get_in_campaign(RiskItem, risk_id)
    return one_click(operations.remove_risk_item, item, "Checklist item removed.",
                     url_for(".risks"))


# --- Landmine words --------------------------------------------------------------------


@bp.get("/landmines")
def landmines():
    """The landmine word list, and a box to check any text against it."""
    page = queries.landmine_page(g.campaign)
    text = request.args.get("text", "")[:20000]
    check_level = Level.parse(request.args.get("audience")) or Level.executive
    hits = None
    if text.strip():
        words = queries.landmine_words(g.campaign)
        hits = find_landmines(text, check_level, words)
    return render_template("briefings/landmines.html", page=page, text=text,
                           check_level=check_level, hits=hits)


LANDMINE_FORM = "briefings/landmine_form.html"


def _landmine_values(form) -> dict:
    chosen = set(form.audiences.data)
    return {"word": form.word.data, "audiences": [lvl.name for lvl in Level if lvl.name in chosen],
            "suggestion": form.suggestion.data, "reason": form.reason.data or ""}


@bp.route("/landmines/new", methods=["GET", "POST"])
@requires(Role.lead)
def landmine_new():
    form = LandmineForm(campaign=g.campaign)
    if request.method == "GET":
        form.audiences.data = [Level.executive.name, Level.manager.name]

    def save():
        operations.add_landmine(g.campaign, current_user, _landmine_values(form))
        return f"“{form.word.data}” added to the landmine words.", url_for(".landmines")

    return _form_page(form, LANDMINE_FORM, {"landmine": None}, save)


@bp.route("/landmines/<int:landmine_id>/edit", methods=["GET", "POST"])
@requires(Role.lead)
def landmine_edit(landmine_id: int):
    landmine = get_in_campaign(Landmine, landmine_id)
    form = LandmineForm(obj=landmine, campaign=g.campaign, landmine=landmine)

    def save():
        operations.update_landmine(landmine, current_user, _landmine_values(form))
        return f"“{landmine.word}” saved.", url_for(".landmines")

    return _form_page(form, LANDMINE_FORM, {"landmine": landmine}, save)


@bp.post("/landmines/<int:landmine_id>/delete")
@requires(Role.lead)
def landmine_delete(landmine_id: int):
    landmine = get_in_campaign(Landmine, landmine_id)
    return one_click(operations.remove_landmine, landmine, f"“{landmine.word}” removed.",
                     url_for(".landmines"))


@bp.app_template_global()
def briefings_can_edit() -> bool:
    """Leads and admins edit messages, the checklist and the word list."""
    return has_role(Role.lead)
