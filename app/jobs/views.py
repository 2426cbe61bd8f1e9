"""A job as the person who asked sees it: progress while it runs, then its result.

The page refreshes itself every two seconds until the job is over (no script needed).
A job that made a record (a briefing) sends the person on to it; one that made a file
offers it for download; a refused import shows its per-row report.
"""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from app.access import campaign_blueprint
from app.jobs import operations, queries
from app.models import JobStatus

bp = campaign_blueprint("jobs", __name__, "/jobs")

#: What each kind of job is called on its page.
TITLES = {
    "report": "Sponsor report",
    "briefing": "Briefing",
    "case_study": "Case study PDF",
    "import": "Stakeholder import",
    "export": "CSV export",
}

#: Where each kind of job's page leads back to.
BACK = {
    "report": ("dashboard.index", "Dashboard"),
    "briefing": ("briefings.index", "Briefings"),
    "case_study": ("case_studies.index", "Case studies"),
    "import": ("stakeholders.index", "Stakeholders"),
}
#: Where each CSV export's page leads back to (the dashboard's tables: the dashboard).
EXPORT_BACK = {
    "stakeholders": ("stakeholders.index", "Stakeholders"),
    "conversations": ("conversations.index", "Conversations"),
    "objections": ("objections.index", "Objections"),
}

REFRESH_SECONDS = 2


def start(kind: str, params: dict, *, payload: bytes | None = None,
          cache_key: str | None = None):
    """Ask for a job on the current campaign and go to its page (the caller returns this).
    The same request already under way, or done (when it has a `cache_key`), is reused."""
    if cache_key is not None:
        same = queries.reusable(g.campaign, current_user, kind, cache_key)
        if same is not None:
            return redirect(url_for("jobs.show", job_id=same.id), 303)
    job = operations.ask(kind, g.campaign, current_user, params, payload=payload,
                         cache_key=cache_key)
    current_app.extensions["jobs"].send_after_commit(job.id)
    return redirect(url_for("jobs.show", job_id=job.id), 303)


def start_export(name: str):
    """Ask for the CSV export `name` with the filters in the query string, as the list had
    them, and go to the job's page."""
    return start("export", {"export": name, "args": request.args.to_dict(flat=False)})


def _back(job):
    if job.kind == "export":
        return EXPORT_BACK.get(job.params.get("export"), ("dashboard.index", "Dashboard"))
    return BACK.get(job.kind)


def _own(job_id: int, *, with_result: bool = False):
    job = queries.own_job(g.campaign, current_user, job_id, with_result=with_result)
    if job is None:
        abort(404)
    return job


@bp.get("/<int:job_id>")
def show(job_id: int):
    job = _own(job_id)
    follow = job.outcome.get("follow") if job.status is JobStatus.done else None
    if follow:
        flash(job.message, "warning" if job.outcome.get("over_budget") else "success")
        return redirect(url_for(follow["endpoint"], **follow.get("args", {})), 303)
    return render_template("jobs/show.html", job=job, title=TITLES.get(job.kind, "Job"),
                           back=_back(job),
                           refresh=None if job.over else REFRESH_SECONDS)


@bp.get("/<int:job_id>/download")
def download(job_id: int):
    job = _own(job_id, with_result=True)
    if job.status is not JobStatus.done or job.result is None:
        abort(404)
    response = Response(job.result, mimetype=job.result_type or "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
