"""The campaign dashboard, its CSV tables and the sponsor report PDF.

Every member of a campaign may read them (viewers included); the campaign blueprint
answers 404 to everyone else.
"""


from flask import abort, g, render_template, request

from app.access import campaign_blueprint
from app.dashboard import metrics, summary
from app.dashboard.forms import DashboardFilterForm
from app.dashboard.metrics import Scope
from app.formatting import user_clock
from app.jobs import views as jobs

bp = campaign_blueprint("dashboard", __name__, "/dashboard")
report_bp = campaign_blueprint("dashboard_report", __name__)
blueprints = (bp, report_bp)


def current_scope() -> tuple[Scope, DashboardFilterForm]:
    """(scope from the query string, the filters as the page's filter bar shows them)."""
    form = DashboardFilterForm(request.args, campaign=g.campaign,
                               departments=metrics.departments(g.campaign))
    return Scope.on(g.campaign, form.filters(), user_clock()), form


@bp.get("/")
def index():
    """The dashboard: every figure, picture and list for the campaign and filters."""
    scope, filter_form = current_scope()
    return render_template(
        "dashboard/index.html",
        board=summary.build(scope),
        scope=scope,
        filters=scope.filters,
        filter_form=filter_form,
        score_formula=metrics.SCORE_FORMULA,
        stances=metrics.STANCE_ORDER,
        grid_columns=(*metrics.STANCE_ORDER[:-1], metrics.Stance.unknown),
        tree_depth=metrics.TREE_DEPTH,
        share=metrics.share,
    )


@bp.post("/<table>.csv")
def export(table: str):
    """Ask for one dashboard table as CSV, with the same filters as the page (a job
    writes it)."""
    if table not in summary.CSV_TABLES:
        abort(404)
    return jobs.start_export(f"dashboard:{table}")


@report_bp.post("/report.pdf")
def report():
    """Ask for the sponsor report PDF, for the same filters as the dashboard: a job makes
    it, and its page offers the download."""
    scope, _ = current_scope()
    return jobs.start("report", {"filters": scope.filters.as_args(),
                                 "today": scope.today.isoformat()})
