"""The conversation log as CSV, made by an export job (app/jobs/exports.py)."""

from app.conversations.forms import ConversationFilterForm
from app.conversations.queries import EXPORT_COLUMNS, export_rows
from app.followups.queries import campaign_members


def conversation_table(campaign, asker, args, clock):
    """The log as CSV with the list's filters: every matching conversation."""
    filters = ConversationFilterForm(args, campaign=campaign, me=asker,
                                     members=campaign_members(campaign, asker)).filters()
    return EXPORT_COLUMNS, export_rows(campaign, filters, clock)


handlers: dict = {}
exports = {"conversations": conversation_table}
