"""The dashboard's filters, read from the query string (the page, its CSV tables, the PDF)."""

from app.dashboard.metrics import Filters
from app.filters import ChoiceFilter, DateFilter, FilterForm, RecordFilter
from app.forms import enum_choices
from app.models import Level
from app.stakeholders.queries import campaign_person

DATE_INVALID = "“{value}” is not a date (use YYYY-MM-DD); the %s date was ignored."
MANAGER_UNKNOWN = "That manager is not in this campaign; the tree shows the top levels."


class DashboardFilterForm(FilterForm):
    """Dates, department and level narrow the figures; a manager roots the reporting tree."""

    date_from = DateFilter("From", name="from", column="col-6 col-md-3 col-lg-2",
                           invalid=DATE_INVALID % "from")
    date_to = DateFilter("To", name="to", column="col-6 col-md-3 col-lg-2",
                         invalid=DATE_INVALID % "to")
    department = ChoiceFilter("Department", blank="All departments",
                              column="col-6 col-md-3 col-lg-3",
                              invalid="No department “{value}” in this campaign; showing all.")
    level = ChoiceFilter("Level", blank="All levels", column="col-6 col-md-3 col-lg-2",
                         invalid="“{value}” is not a level; showing all levels.")
    manager = RecordFilter("Manager", invalid=MANAGER_UNKNOWN)

    def bind(self, *, campaign, departments: list[str]) -> None:
        self.campaign = campaign
        self.department.choices = [(name, name) for name in departments]
        self.level.choices = enum_choices(Level)

    def check(self) -> None:
        starts, ends = self.date_from, self.date_to
        if starts.data and ends.data and starts.data > ends.data:
            self.ignore(starts, "The from date is after the to date; both were ignored.")
            ends.data, ends.raw = None, ""
        if self.manager.data is not None and campaign_person(self.campaign,
                                                             self.manager.data) is None:
            self.ignore(self.manager, MANAGER_UNKNOWN)

    def filters(self) -> Filters:
        """What every figure is computed against."""
        return Filters(
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            department=self.department.data or None,
            level=Level.parse(self.level.data),
            manager_id=self.manager.data,
        )
