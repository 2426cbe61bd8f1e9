"""The sponsor report PDF, made by a job worker (or `flask report render`), never in a
request."""

from datetime import UTC, date, datetime

from app.dashboard import metrics, summary
from app.dashboard.forms import DashboardFilterForm
from app.dashboard.metrics import Filters, Scope
from app.jobs.runner import Done
from app.models import Campaign
from app.pdf import render_pdf


def render_report(scope: Scope) -> bytes:
    """The sponsor report for `scope` as PDF bytes."""
    return render_pdf(
        "print/report.html",
        board=summary.build(scope),
        scope=scope,
        campaign=scope.campaign,
        score_formula=metrics.SCORE_FORMULA,
        stances=metrics.STANCE_ORDER,
        generated_on=scope.today,
    )


def report_filename(campaign: Campaign, day: date) -> str:
    return f"{campaign.slug}-report-{day.isoformat()}.pdf"


def make_report(job, step) -> Done:
    """params: filters (as the dashboard's query string), today (the asker's date)."""
    campaign = job.campaign
    today = date.fromisoformat(job.params["today"])
    scope = Scope(campaign, Filters.from_args(job.params.get("filters", {})),
                  datetime.now(UTC), today)
    step(0, None, "Gathering the figures and laying out the pages")
    pdf = render_report(scope)
    name = report_filename(campaign, today)
    return Done(f"The sponsor report is ready ({len(pdf) // 1024} KB).", result=pdf,
                result_name=name, result_type="application/pdf")


def _table(name: str):
    """The export of the dashboard table `name`, with the same filters as the page."""
    title, builder = summary.CSV_TABLES[name]

    def table(campaign: Campaign, asker, args, clock):
        form = DashboardFilterForm(args, campaign=campaign,
                                   departments=metrics.departments(campaign))
        return builder(Scope.on(campaign, form.filters(), clock))

    table.__doc__ = f"{title}: the dashboard table as CSV."
    return table


handlers = {"report": make_report}
#: "dashboard:levels" and so on: the dashboard's "objections" table is not the register's.
exports = {f"dashboard:{name}": _table(name) for name in summary.CSV_TABLES}
