"""A person's data as a readable PDF, made by a job worker (or `flask person export`)."""

from datetime import date, datetime

from app.formatting import format_date, format_datetime, user_clock
from app.jobs.runner import Done, Refused
from app.pdf import PdfError, render_pdf
from app.personal_data.operations import record_export
from app.personal_data.queries import find_person, person_record

#: What to do when someone's history is too long to print (thousands of conversations).
JSON_INSTEAD = "The JSON download has no such limit and holds everything about them."


def when(value: str | None) -> str:
    """An ISO date or time from the record, as the reader's date (and time)."""
    if not value:
        return ""
    if len(value) == 10:
        return format_date(date.fromisoformat(value))
    return format_datetime(datetime.fromisoformat(value))


def render_record_pdf(record: dict, campaign) -> bytes:
    """The export as a readable document."""
    return render_pdf("print/personal_data.html", record=record, campaign=campaign, when=when)


def export_pdf(job, step) -> Done:
    """params: stakeholder_id. The export is audited when the document is made."""
    campaign = job.campaign
    engagement = find_person(campaign, stakeholder_id=job.params["stakeholder_id"])
    if engagement is None:
        raise Refused("That person is no longer in this campaign.")
    step(0, None, "Gathering their records and laying out the pages")
    try:
        body = render_record_pdf(person_record(engagement, user_clock().now), campaign)
    except PdfError as error:
        raise PdfError(f"{error} {JSON_INSTEAD}") from error
    record_export(engagement, job.user, "pdf")
    name = f"{campaign.slug}-person-{engagement.stakeholder_id}-personal-data.pdf"
    return Done("Their personal data is ready to download.", result=body, result_name=name,
                result_type="application/pdf")


handlers = {"personal_data_pdf": export_pdf}
