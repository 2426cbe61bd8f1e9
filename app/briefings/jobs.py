"""Generating a briefing: a job worker builds the draft the presenter arranged, lays it out
within its page budget, keeps the PDF and records who heard what."""

from datetime import date

from app.briefings import operations
from app.briefings.builder import BriefingDraft, build_briefing, load_attendees
from app.formatting import today_local, user_clock
from app.jobs.runner import Done, Refused
from app.models import Campaign, Level
from app.pdf import render_pdf


def render_briefing_pdf(draft: BriefingDraft) -> bytes:
    """The briefing on paper; also sets `draft.pages`, which decides the budget warning."""
    pdf = render_pdf(
        "print/briefing.html",
        briefing=draft,
        campaign=draft.campaign,
        on=operations.briefing_date(draft, today_local()),
    )
    draft.pages = operations.count_pages(pdf)
    return pdf


def render_within_budget(draft: BriefingDraft) -> bytes:
    """Render the draft, leaving out runner-up case studies (last first, each marked
    `fitted`) until it fits its pages. Messages, objections and risks always stay; if the
    draft still runs over, the budget warning says so. Returns the final PDF."""
    pdf = render_briefing_pdf(draft)
    while draft.over_budget and (spare := draft.spare_case()) is not None:
        spare.dropped = spare.fitted = True
        draft.derive()
        pdf = render_briefing_pdf(draft)
    return pdf


def briefing_params(audience: Level, attendees, meeting_on: date | None, minutes: int,
                    introduction: str, order=None, drops=None) -> dict:
    """What the job needs to build the same draft again (as JSON)."""
    return {
        "audience": audience.name,
        "attendees": [engagement.id for engagement in attendees],
        "meeting_on": meeting_on.isoformat() if meeting_on else None,
        "minutes": minutes,
        "introduction": introduction,
        "order": list(order or []),
        "drops": sorted(drops or []),
    }


def draft_from(campaign: Campaign, params: dict) -> BriefingDraft:
    attendees = load_attendees(campaign, params["attendees"])
    if len(attendees) != len(params["attendees"]):
        raise Refused("Some attendees are no longer in this campaign; build the briefing again.")
    meeting_on = params.get("meeting_on")
    return build_briefing(
        campaign,
        Level[params["audience"]],
        attendees,
        meeting_on=date.fromisoformat(meeting_on) if meeting_on else None,
        minutes=params["minutes"],
        introduction=params.get("introduction", ""),
        order=params.get("order") or None,
        drops=set(params.get("drops") or ()),
    )


def generate(job, step) -> Done:
    draft = draft_from(job.campaign, job.params)
    step(0, None, "Laying out the pages")
    pdf = render_within_budget(draft)
    briefing = operations.generate_briefing(draft, job.user, pdf, user_clock())
    fitted = [item.title for item in draft.items if item.fitted]
    message = f"Briefing generated: {draft.budget_status}."
    if fitted:
        message += f" Left out to fit the pages: {'; '.join(fitted)}."
    return Done(message, outcome={
        "briefing_id": briefing.id,
        "over_budget": draft.over_budget,
        "follow": {"endpoint": "briefings.show", "args": {"briefing_id": briefing.id}},
    })


handlers = {"briefing": generate}
