"""The case-study library's filters, read from the query string."""

from app.filters import ChoiceFilter, FilterForm
from app.models import Level


class CaseStudyFilterForm(FilterForm):
    """Which objection a case answers, a tag, and the audience it is read for."""

    theme = ChoiceFilter(
        "Answers the objection", blank="Any objection", column="col-12 col-md-5",
        invalid="This campaign has no objection theme “{value}”; the theme filter was ignored.",
    )
    tag = ChoiceFilter("Tag", blank="Any tag", casefold=True, column="col-6 col-md-3",
                       invalid="No case study is tagged “{value}”; the tag filter was ignored.")
    level = ChoiceFilter("Audience", blank="Any audience", column="col-6 col-md-2",
                         invalid="There is no audience level called “{value}”; "
                                 "showing all levels.")

    def bind(self, *, themes: dict[str, str], tags: list[str]) -> None:
        self.theme.choices = list(themes.items())
        self.tag.choices = [(tag, tag.replace("-", " ")) for tag in tags]
        self.level.choices = [(level.name, f"{level.label}s") for level in Level]
