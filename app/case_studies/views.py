"""Case-study library pages for campaign leads: browse, read per audience, download a PDF."""

from math import ceil

from flask import abort, g, render_template, request

from app.access import campaign_blueprint, requires
from app.case_studies.forms import CaseStudyFilterForm
from app.case_studies.jobs import cache_key
from app.case_studies.library import current_library, load_library
from app.jobs import views as jobs
from app.models import Level, Role
from app.objections.queries import theme_names

bp = campaign_blueprint("case_studies", __name__, "/case-studies")

#: Cards per page of the library.
PER_PAGE = 12


@bp.record_once
def load_case_studies(state) -> None:
    """Load the library once per app, logging each broken file by file and field."""
    app = state.app
    library = load_library(app.config["CASE_STUDIES_DIR"])
    app.extensions["case_studies"] = library
    for error in library.errors:
        app.logger.error("case study %s: %s: %s", error.file, error.field, error.message)


class ListPage:
    """One page of an in-memory list, with the attributes the `pager` macro reads."""

    def __init__(self, items: list, page: int, per_page: int):
        self.total = len(items)
        self.per_page = per_page
        self.pages = max(1, ceil(self.total / per_page))
        self.page = min(max(page, 1), self.pages)
        start = (self.page - 1) * per_page
        self.items = items[start: start + per_page]
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num, self.next_num = self.page - 1, self.page + 1

    def iter_pages(self, left_edge=1, left_current=2, right_current=3, right_edge=1):
        last = 0
        for number in range(1, self.pages + 1):
            if (
                number <= left_edge
                or self.page - left_current <= number < self.page + right_current
                or number > self.pages - right_edge
            ):
                if last + 1 != number:
                    yield None
                yield number
                last = number


def campaign_themes() -> dict[str, str]:
    """This campaign's objection themes, slug to name, in playbook order."""
    return theme_names(g.campaign)


def _level_arg(default: Level | None) -> tuple[Level | None, str | None]:
    """The `level` query argument, and a message when it names no level."""
    name = request.args.get("level", "").strip()
    if not name:
        return default, None
    level = Level.parse(name)
    if level is None:
        return default, f"There is no audience level called “{name[:40]}”; showing all levels."
    return level, None


@bp.get("/")
@requires(Role.lead)
def index():
    library = current_library()
    themes = campaign_themes()
    filter_form = CaseStudyFilterForm(request.args, themes=themes, tags=library.tags())
    tag, theme = filter_form.tag.data or None, filter_form.theme.data or None
    level = Level.parse(filter_form.level.data)
    page = request.args.get("page", 1, type=int)
    studies = library.filter(tag=tag, theme=theme, level=level)
    return render_template(
        "case_studies/index.html",
        studies=ListPage(studies, page, PER_PAGE),
        library_size=len(library.studies),
        themes=themes,
        tags=library.tags(),
        tag=tag,
        theme=theme,
        level=level,
        filter_form=filter_form,
    )


def _study_or_404(cs_slug: str):
    study = current_library().get(cs_slug)
    if study is None:
        abort(404, "There is no case study by that name in the library.")
    return study


@bp.get("/<cs_slug>")
@requires(Role.lead)
def show(cs_slug: str):
    study = _study_or_404(cs_slug)
    level, notice = _level_arg(Level.executive)
    if notice:
        notice = notice.replace("showing all levels", "showing the executive telling")
    return render_template(
        "case_studies/show.html",
        study=study,
        level=level,
        themes=campaign_themes(),
        notice=notice,
    )


@bp.post("/<cs_slug>.pdf")
@requires(Role.lead)
def pdf(cs_slug: str):
    """Ask for the PDF of one telling; a job makes it (once: the same story, audience and
    themes reuse the PDF already made)."""
    study = _study_or_404(cs_slug)
    level, notice = _level_arg(Level.executive)
    if notice:
        abort(400, "Choose an audience level for the PDF: executive, manager or worker.")
    return jobs.start("case_study", {"slug": study.slug, "level": level.name},
                      cache_key=cache_key(study, level, campaign_themes()))
