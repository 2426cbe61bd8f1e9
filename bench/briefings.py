"""Briefings: building and rendering a manager briefing, against WeasyPrint alone; and
serving a stored briefing again, against generating it.

Floors here are not SQL replays for the first row: a briefing's cost is the PDF layout,
so its floor is WeasyPrint turning the very same finished HTML into a PDF in this process
(goal: build + render within 1.15x of that). Serving a stored PDF must cost under 1/20
of generating one (the form POST that builds, renders and stores it).
"""

import statistics
import time
from pathlib import Path

from flask import render_template
from weasyprint import HTML

from app.briefings.builder import build_briefing, load_attendees
from app.briefings.defaults import seed_briefing_defaults
from app.briefings.jobs import render_briefing_pdf
from app.briefings.operations import briefing_date
from app.extensions import db
from app.formatting import today_local
from app.models import Campaign, Engagement, Level, Objection, ObjectionStatus, Stakeholder
from bench.measure import Row, capture_statements, median_ms, read_flashes, replay_ms

GOAL_RENDER_RATIO = 1.15
GOAL_SERVE_SHARE = 1 / 20


def _busiest_managers(campaign_id: int, n: int = 3) -> list[int]:
    """The managers with the most open objections: the attendees of a hard session."""
    return list(
        db.session.scalars(
            db.select(Engagement.id)
            .join(Stakeholder, Engagement.stakeholder_id == Stakeholder.id)
            .join(Objection, Objection.engagement_id == Engagement.id)
            .where(Engagement.campaign_id == campaign_id, Stakeholder.level == Level.manager,
                   Objection.status == ObjectionStatus.open)
            .group_by(Engagement.id)
            .order_by(db.func.count(Objection.id).desc(), Engagement.id)
            .limit(n)
        )
    )


def _interleaved_medians(first, second, repeat: int) -> tuple[float, float]:
    """Median ms of two functions timed turn about, so drift (caches, CPU clock, GC)
    weighs on both alike; a 1.15x goal is finer than the drift between two blocks of runs."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            bucket.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def run(ctx) -> list[Row]:
    """Build + render a manager briefing for 3 attendees; serve a stored one."""
    app = ctx.app
    with app.app_context():
        campaign = db.session.get(Campaign, ctx.campaign_id)
        if seed_briefing_defaults(campaign):
            db.session.commit()
        attendee_ids = _busiest_managers(ctx.campaign_id)
    static = Path(app.static_folder).resolve().as_uri() + "/"

    def build_and_render():
        with app.test_request_context():
            campaign = db.session.get(Campaign, ctx.campaign_id)
            attendees = load_attendees(campaign, attendee_ids)
            draft = build_briefing(campaign, Level.manager, attendees, minutes=60,
                                   introduction="Thirty minutes, then your questions.")
            render_briefing_pdf(draft)
            return draft

    with app.test_request_context():
        campaign = db.session.get(Campaign, ctx.campaign_id)
        draft = build_briefing(campaign, Level.manager, load_attendees(campaign, attendee_ids),
                               minutes=60, introduction="Thirty minutes, then your questions.")
        html = render_template("print/briefing.html", briefing=draft, campaign=campaign,
                               on=briefing_date(draft, today_local()))

    def weasyprint_alone():
        HTML(string=html, base_url=static, media_type="print").write_pdf()

    built, floor = _interleaved_medians(build_and_render, weasyprint_alone, ctx.repeat)
    statements = capture_statements(app, build_and_render)
    pages = build_and_render().pages
    ratio = built / floor
    rows = [Row(
        "manager briefing, 3 attendees: build + render", built, floor, len(statements),
        f"floor: WeasyPrint alone on the same HTML ({pages} pages); "
        f"{ratio:.2f}x, goal <= {GOAL_RENDER_RATIO}x: "
        f"{'ok' if ratio <= GOAL_RENDER_RATIO else 'OVER'}",
    )]

    form = {"audience": "manager", "minutes": "60", "action": "generate",
            "attendees": [str(i) for i in attendee_ids],
            "introduction": "Thirty minutes, then your questions."}
    generated = {}

    def generate():
        # The form asks for a job; the job worker's part (build, lay out, store) runs here,
        # then the job's page sends the person on to the briefing.
        asked = ctx.client.post(ctx.url("/briefings/new"), data=form)
        if asked.status_code != 303:
            raise RuntimeError(f"generating a briefing answered {asked.status_code}: "
                               f"{asked.get_data(as_text=True)[:500]}")
        app.extensions["jobs"].run_pending()
        done = ctx.client.get(asked.headers["Location"])
        if done.status_code != 303:
            raise RuntimeError(f"the briefing job's page answered {done.status_code}: "
                               f"{done.get_data(as_text=True)[:500]}")
        generated["location"] = done.headers["Location"]

    generating = median_ms(generate, max(3, ctx.repeat // 4),
                           after=lambda: read_flashes(ctx.client))
    pdf_path = generated["location"].split("/campaigns/", 1)[1].split("/", 1)[1] + ".pdf"

    def serve():
        response = ctx.client.get(ctx.url(f"/{pdf_path}"))
        if response.status_code != 200 or not response.data.startswith(b"%PDF"):
            raise RuntimeError(f"serving a stored briefing answered {response.status_code}")

    served = median_ms(serve, ctx.repeat)
    statements = capture_statements(app, serve)
    sql_floor = replay_ms(ctx.engine, statements, ctx.repeat)
    share = served / generating
    # The floor column holds the cost of generating it, so the ratio reads as the share.
    rows.append(Row(
        "stored briefing PDF served again (GET)", served, generating, len(statements),
        f"floor: generating it (form POST and its job); 1/{generating / served:.0f} of that, "
        f"goal under 1/{round(1 / GOAL_SERVE_SHARE)}: "
        f"{'ok' if share < GOAL_SERVE_SHARE else 'OVER'}; its SQL alone {sql_floor:.1f} ms",
    ))
    return rows
