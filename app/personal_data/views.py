"""A person's data on request: download it (JSON or PDF) and erase it. Leads and admins."""

import json

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import campaign_blueprint, requires
from app.formatting import user_clock
from app.jobs import views as jobs
from app.models import Engagement, Role
from app.personal_data.forms import EraseForm
from app.personal_data.operations import (
    PersonalDataError,
    erase_person,
    plan_erasure,
    record_export,
)
from app.personal_data.queries import find_person, person_record

bp = campaign_blueprint("personal_data", __name__, "/stakeholders")


def _engagement_or_404(stakeholder_id: int) -> Engagement:
    engagement = find_person(g.campaign, stakeholder_id=stakeholder_id)
    if engagement is None:
        abort(404)
    return engagement


def _download(body: bytes, mimetype: str, engagement: Engagement, extension: str):
    response = current_app.response_class(body, mimetype=mimetype)
    filename = f"{g.campaign.slug}-person-{engagement.stakeholder_id}-personal-data.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# Downloads are POSTs: each one writes an audit event (who asked, when, for whom).
@bp.post("/<int:stakeholder_id>/personal-data.json")
@requires(Role.lead)
def export_json(stakeholder_id: int):
    """Everything held about the person in this campaign, as JSON."""
    engagement = _engagement_or_404(stakeholder_id)
    record = person_record(engagement, user_clock().now)
    body = json.dumps(record, indent=2, ensure_ascii=False).encode()
    record_export(engagement, current_user, "json")
    return _download(body, "application/json", engagement, "json")


@bp.post("/<int:stakeholder_id>/personal-data.pdf")
@requires(Role.lead)
def export_pdf(stakeholder_id: int):
    """Everything held about the person in this campaign, as a readable PDF (a job makes it
    and audits the export)."""
    engagement = _engagement_or_404(stakeholder_id)
    return jobs.start("personal_data_pdf", {"stakeholder_id": engagement.stakeholder_id})


@bp.route("/<int:stakeholder_id>/erase", methods=["GET", "POST"])
@requires(Role.lead)
def erase(stakeholder_id: int):
    """Say what erasing the person changes; on a confirmed POST, erase them."""
    engagement = _engagement_or_404(stakeholder_id)
    show = url_for("stakeholders.show", stakeholder_id=stakeholder_id)
    if engagement.erased_at is not None:
        flash("This person's details were already erased.", "info")
        return redirect(show)
    try:
        plan = plan_erasure(engagement)
    except PersonalDataError as error:
        return render_template("personal_data/erase.html", engagement=engagement, plan=None,
                               form=EraseForm(), refusal=str(error)), 409
    form = EraseForm()
    if form.validate_on_submit():
        erase_person(engagement, current_user, now=user_clock().now)
        flash(f"Erased. The person is now “{plan.name}”: their details are gone and the "
              "campaign's figures are unchanged.", "success")
        return redirect(show)
    status = 400 if request.method == "POST" else 200
    return render_template("personal_data/erase.html", engagement=engagement, plan=plan,
                           form=form, refusal=None), status
