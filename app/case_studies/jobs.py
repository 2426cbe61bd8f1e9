"""A case study's one-page PDF for one audience, made by a job worker."""

import hashlib

from app.case_studies.library import current_library
from app.jobs.runner import Done, Refused
from app.models import Level
from app.objections.queries import theme_names
from app.pdf import render_pdf


def cache_key(study, level: Level, themes: dict[str, str]) -> str:
    """Changes when the story, the audience or the campaign's themes do: the same key can
    serve the PDF already made."""
    return hashlib.sha256(repr((study, level.name, sorted(themes.items()))).encode()).hexdigest()


def make_case_study(job, step) -> Done:
    campaign = job.campaign
    study = current_library().get(job.params["slug"])
    if study is None:
        raise Refused("That case study is no longer in the library.")
    level = Level[job.params["level"]]
    step(0, None, "Laying out the page")
    pdf = render_pdf("print/case_study.html", study=study, level=level, campaign=campaign,
                     themes=theme_names(campaign))
    return Done(f"The {level.label.lower()} telling of “{study.title}” is ready.", result=pdf,
                result_name=f"{study.slug}-{level.name}.pdf", result_type="application/pdf")


handlers = {"case_study": make_case_study}
