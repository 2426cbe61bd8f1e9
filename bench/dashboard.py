"""The campaign dashboard against the bare aggregate SQL it needs, and the sponsor report.

The dashboard's floor is its own statements replayed on a raw DBAPI connection (goal: the
page within 2x of them, i.e. as much time in Python and templates as in the database).
The report's floor is its SQL replayed plus WeasyPrint alone laying out the very same
HTML: what the report costs on top of those is the figures, charts and template in Python.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import g, render_template
from weasyprint import HTML

from app.dashboard import metrics, summary
from app.dashboard.metrics import Filters, Scope
from app.extensions import db
from app.models import Campaign
from bench.measure import Row, capture_statements, median_ms, replay_ms

GOAL_DASHBOARD_RATIO = 2.0
#: PDF layouts are slow; fewer runs keep the bench short.
REPORT_REPEAT = 3


def _get(ctx, path: str):
    def fetch():
        response = ctx.client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response
    return fetch


def _page(ctx, case: str, path: str) -> Row:
    fetch = _get(ctx, path)
    median = median_ms(fetch, ctx.repeat)
    statements = capture_statements(ctx.app, fetch)
    floor = replay_ms(ctx.engine, statements, ctx.repeat)
    row = Row(case, median, floor, len(statements))
    row.note = (f"goal ≤ {GOAL_DASHBOARD_RATIO:g}x: "
                f"{'ok' if row.ratio <= GOAL_DASHBOARD_RATIO else 'OVER'}")
    return row


def _report_html(ctx) -> str:
    """The report's HTML exactly as app.pdf.render_pdf would lay it out."""
    with ctx.app.test_request_context():
        campaign = db.session.get(Campaign, ctx.campaign_id)
        g.campaign = campaign
        now = datetime.now(UTC)
        scope = Scope(campaign, Filters(), now, now.date())
        return render_template("print/report.html", board=summary.build(scope), scope=scope,
                               campaign=campaign, score_formula=metrics.SCORE_FORMULA,
                               stances=metrics.STANCE_ORDER, generated_on=scope.today)


def run(ctx) -> list[Row]:
    """Dashboard (all figures, then narrowed), one CSV table, and the sponsor report PDF."""
    rows = [
        _page(ctx, "dashboard, whole campaign", ctx.url("/dashboard/")),
        _page(ctx, "dashboard, one department, to a past date",
              ctx.url("/dashboard/?department=Risk&to=" + _past_day(ctx))),
    ]
    csv = _page(ctx, "dashboard CSV: next conversations (all)",
                ctx.url("/dashboard/next-conversations.csv"))
    csv.note = "no goal: every candidate is a CSV row formatted in Python, reason included"
    csv.has_goal = False
    rows.append(csv)
    fetch = _get(ctx, ctx.url("/report.pdf"))
    report = median_ms(fetch, REPORT_REPEAT)
    statements = capture_statements(ctx.app, fetch)
    html = _report_html(ctx)
    static = Path(ctx.app.static_folder).resolve().as_uri() + "/"
    layout = median_ms(lambda: HTML(string=html, base_url=static).write_pdf(), REPORT_REPEAT)
    sql = replay_ms(ctx.engine, statements, REPORT_REPEAT)
    # The report needs both its SQL and its layout; neither alone is the floor.
    rows.append(Row("sponsor report PDF", report, sql + layout, len(statements),
                    f"floor = its SQL replayed ({sql:.0f} ms) + WeasyPrint alone on the "
                    f"same HTML ({layout:.0f} ms)"))
    return rows


def _past_day(ctx) -> str:
    """Sixty days ago, so the 'as of' path (stances rebuilt from history) is measured."""
    return (datetime.now(UTC) - timedelta(days=60)).date().isoformat()
