"""The objection register as CSV, made by an export job (app/jobs/exports.py)."""

from app.objections import queries
from app.objections.forms import RegisterFilterForm


def objection_table(campaign, asker, args, clock):
    """The register as CSV with its filters: every matching objection."""
    filters = RegisterFilterForm(args, themes=queries.campaign_themes(campaign)).filters()
    return queries.EXPORT_COLUMNS, queries.export_rows(campaign, filters, clock)


handlers: dict = {}
exports = {"objections": objection_table}
