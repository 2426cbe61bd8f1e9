"""The case-study library: Markdown files with YAML front matter, one per case, in
`case_studies/`. Each file tells the same case three times, once per audience level.

A file looks like this::

    ---
    title: A global sales channel trained in two weeks
    organisation: Cisco
    sector: Technology
    source: A Learning Technologies conference discussion ...
    summary: One or two sentences.
    outcomes:
      - {figure: "2 weeks", label: "global programme rolled out"}
    tags: [virtual-classroom, managers]
    answers: [cost-value, time-wasting]
    illustrative: false
    cautionary: false
    ---
    ## Executive
    ...
    ## Manager
    ...
    ## Worker
    ...

The library is code-reviewed content, so a broken file is a bug to report, not to
guess around: `load_library` records every problem (file, field, message) and loads
the files that are sound.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import frontmatter
import pydantic
import yaml
from flask import current_app
from pydantic_core import PydanticCustomError

from app.models import Level
from app.objections.playbook import DEFAULT_THEMES

#: Objection theme slugs a case study may say it answers (the default playbook's).
THEME_SLUGS = tuple(slug for slug, _name, _description, _answers in DEFAULT_THEMES)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADING_RE = re.compile(r"^##[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
YAML_FRONT_MATTER = frontmatter.YAMLHandler()


def _none_as(empty):
    """A before-validator: a key written with no value (`tags:`) counts as `empty`."""
    return pydantic.BeforeValidator(lambda value: empty if value is None else value)


def _number_as_text(value):
    # `figure: 85` means the text "85"; `figure: yes` is a mistake, not "True".
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _known_themes(themes: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [theme for theme in themes if theme not in THEME_SLUGS]
    if unknown:
        raise PydanticCustomError(
            "unknown_theme",
            "unknown theme{plural} {themes} (known: {known})",
            {
                "plural": "s" if len(unknown) > 1 else "",
                "themes": ", ".join(map(repr, unknown)),
                "known": ", ".join(THEME_SLUGS),
            },
        )
    return themes


def _distinct_words(words: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word.lower() for word in words))


#: Required text: missing, empty or blank is "is required"; runs of white space become one.
Text = Annotated[
    str,
    _none_as(""),
    pydantic.StringConstraints(strip_whitespace=True, min_length=1),
    pydantic.AfterValidator(lambda text: " ".join(text.split())),
]
Word = Annotated[str, pydantic.StringConstraints(strip_whitespace=True, min_length=1)]
#: A list of at least one word, lower-cased, each once.
Words = Annotated[
    list[Word], _none_as([]), pydantic.Field(min_length=1), pydantic.AfterValidator(_distinct_words)
]
OutcomeText = Annotated[
    str,
    pydantic.BeforeValidator(_number_as_text),
    pydantic.StringConstraints(strip_whitespace=True, min_length=1),
]


class OutcomeMeta(pydantic.BaseModel):
    """One `{figure, label}` entry of `outcomes`."""

    model_config = pydantic.ConfigDict(strict=True, extra="forbid")

    figure: OutcomeText
    label: OutcomeText


class FrontMatter(pydantic.BaseModel):
    """The schema of a case study's front matter. Strict: `year: "2009"` or `illustrative:
    yes` are mistakes to report, not values to coerce."""

    model_config = pydantic.ConfigDict(strict=True, extra="forbid")

    title: Text
    organisation: Text
    sector: Text
    source: Text
    summary: Text
    year: Annotated[int, pydantic.Field(ge=1900, le=2100)] | None = None
    outcomes: Annotated[list[OutcomeMeta], _none_as([])] = []
    tags: Words
    answers: Annotated[Words, pydantic.AfterValidator(_known_themes)]
    illustrative: Annotated[bool, _none_as(False)] = False
    cautionary: Annotated[bool, _none_as(False)] = False


KNOWN_KEYS = frozenset(FrontMatter.model_fields)

#: What to say for a pydantic error, by (field, error type); ("*", type) for any field.
#: Custom errors (an unknown theme) carry their own message.
MESSAGES = {
    ("*", "missing"): "is required",
    ("*", "string_too_short"): "is required",
    ("*", "string_type"): "must be text",
    ("*", "bool_type"): "must be true or false",
    ("*", "extra_forbidden"): "unknown key (known: " + ", ".join(sorted(KNOWN_KEYS)) + ")",
    ("words", "missing"): "is required: a list with at least one entry",
    ("words", "too_short"): "is required: a list with at least one entry",
    ("words", "*"): "must be a list of words",
    ("year", "*"): "must be a whole number such as 2009, or left out",
    ("outcomes", "*"): "must be a list of {figure, label} (an empty list when none)",
    ("outcome", "*"): "must be a mapping with figure and label",
    ("outcome part", "*"): "is required text",
}


def _library_errors(name: str, error: pydantic.ValidationError) -> list["LibraryError"]:
    """pydantic's errors in the library's words: `outcomes[1].label: is required text`."""
    problems = []
    for detail in error.errors():
        key, *rest = detail["loc"]
        kind = detail["type"]
        where, group = str(key), str(key)
        if key in ("tags", "answers"):
            group = "words"
        elif key == "year" and kind in ("greater_than_equal", "less_than_equal"):
            message = f"{detail['input']} is not a plausible year"
            problems.append(LibraryError(name, "year", message))
            continue
        elif key == "outcomes" and rest:
            where = f"outcomes[{rest[0] + 1}]"
            group = "outcome"
            if len(rest) > 1:
                if kind == "extra_forbidden":
                    problems.append(LibraryError(name, where, f"unknown key {rest[1]}"))
                    continue
                where, group = f"{where}.{rest[1]}", "outcome part"
        if kind.startswith("unknown_"):
            message = detail["msg"]
        elif kind == "extra_forbidden" and group == "outcome":
            message = "unknown key"
        else:
            message = (
                MESSAGES.get((group, kind))
                or MESSAGES.get((group, "*"))
                or MESSAGES.get(("*", kind))
                or detail["msg"]
            )
        problems.append(LibraryError(name, where, message))
    return problems


@dataclass(frozen=True)
class Outcome:
    """A result the source states: a figure ("2 weeks") and what it measures."""

    figure: str
    label: str


@dataclass(frozen=True)
class CaseStudy:
    """One case, told once per audience level."""

    slug: str
    title: str
    organisation: str
    sector: str
    year: int | None
    source: str
    summary: str
    outcomes: tuple[Outcome, ...]
    tags: tuple[str, ...]
    answers: tuple[str, ...]
    sections: dict = field(hash=False, compare=False)
    illustrative: bool = False
    cautionary: bool = False

    def section(self, level) -> str:
        """The Markdown telling of this case for `level` (a Level or its name)."""
        if not isinstance(level, Level):
            level = Level.parse(level)
        return self.sections.get(level, "") if level is not None else ""


@dataclass(frozen=True)
class LibraryError:
    """A problem in one file: which file, which field, what is wrong."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class Library:
    """The loaded case studies by slug, plus the problems found while loading."""

    def __init__(
        self,
        studies: dict[str, CaseStudy] | None = None,
        errors: list[LibraryError] | None = None,
        files: list[str] | None = None,
    ):
        self.studies: dict[str, CaseStudy] = studies or {}
        self.errors: list[LibraryError] = errors or []
        #: Every file name looked at, sound or not, in load order.
        self.files: list[str] = files or []

    def all(self) -> list[CaseStudy]:
        """Every sound case study: success stories first, then cautionary ones, by title."""
        return sorted(self.studies.values(), key=lambda s: (s.cautionary, s.title.lower()))

    def get(self, slug: str) -> CaseStudy | None:
        return self.studies.get(slug)

    def filter(self, *, tag=None, theme=None, level=None) -> list[CaseStudy]:
        """Case studies carrying `tag`, answering theme slug `theme`, told for `level`."""
        if level is not None and not isinstance(level, Level):
            level = Level.parse(level)
        return [
            study
            for study in self.all()
            if (tag is None or tag in study.tags)
            and (theme is None or theme in study.answers)
            and (level is None or study.section(level).strip())
        ]

    def tags(self) -> list[str]:
        """Every tag used by some case study, alphabetically."""
        return sorted({tag for study in self.studies.values() for tag in study.tags})

    def errors_for(self, file: str) -> list[LibraryError]:
        return [error for error in self.errors if error.file == file]


def current_library() -> Library:
    """The library loaded at start-up for the current app."""
    return current_app.extensions["case_studies"]


def load_library(directory) -> Library:
    """Load every `*.md` in `directory`; never raises for a bad file, records why instead."""
    library = Library()
    folder = Path(directory)
    if not folder.is_dir():
        library.errors.append(LibraryError(str(folder), "directory", "is not a directory"))
        return library
    for path in sorted(folder.glob("*.md")):
        library.files.append(path.name)
        errors: list[LibraryError] = []
        study = _parse_file(path, errors)
        library.errors.extend(errors)
        if study is not None and not errors:
            library.studies[study.slug] = study
    return library


def _parse_file(path: Path, errors: list[LibraryError]) -> CaseStudy | None:
    name = path.name

    def problem(field_name: str, message: str) -> None:
        errors.append(LibraryError(name, field_name, message))

    if not SLUG_RE.match(path.stem):
        problem("file", "name must be lower-case words joined by hyphens, e.g. cisco-channel.md")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problem("file", f"cannot be read as UTF-8 text ({error.__class__.__name__})")
        return None

    meta = _front_matter(text, problem)
    if meta is None:
        return None
    front, body = meta
    try:
        fields = FrontMatter.model_validate({str(key): value for key, value in front.items()})
    except pydantic.ValidationError as error:
        errors.extend(_library_errors(name, error))
        fields = None

    sections = _sections(body, problem)
    if errors or fields is None:
        return None
    return CaseStudy(
        slug=path.stem,
        title=fields.title,
        organisation=fields.organisation,
        sector=fields.sector,
        year=fields.year,
        source=fields.source,
        summary=fields.summary,
        outcomes=tuple(Outcome(item.figure, item.label) for item in fields.outcomes),
        tags=fields.tags,
        answers=fields.answers,
        sections=sections,
        illustrative=fields.illustrative,
        cautionary=fields.cautionary,
    )


def _front_matter(text: str, problem) -> tuple[dict[str, Any], str] | None:
    """The YAML front matter as a mapping, and the Markdown after it."""
    if not YAML_FRONT_MATTER.detect(text):
        problem("front matter", "the file must start with YAML front matter between --- lines")
        return None
    try:
        front, body = YAML_FRONT_MATTER.split(text)
    except ValueError:
        problem("front matter", "the front matter has no closing --- line")
        return None
    try:
        meta = YAML_FRONT_MATTER.load(front)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        # `front` starts with the line break after the opening ---, so line 0 is that ---.
        where = f" at line {mark.line + 1}" if mark is not None else ""
        reason = f" ({error.problem})" if getattr(error, "problem", None) else ""
        problem("front matter", f"is not valid YAML{where}{reason}")
        return None
    if not isinstance(meta, dict):
        problem("front matter", "must be a mapping of keys to values")
        return None
    return meta, body


def _sections(body: str, problem) -> dict[Level, str]:
    headings = list(HEADING_RE.finditer(body))
    before = body[: headings[0].start()] if headings else body
    if before.strip():
        problem("body", "text before the first ## heading; put it under a level heading")
    sections: dict[Level, str] = {}
    for position, heading in enumerate(headings):
        end = headings[position + 1].start() if position + 1 < len(headings) else len(body)
        name = heading.group(1).strip()
        level = Level.parse(name.lower())
        if level is None:
            problem("body", f"unknown section '## {name}' (use Executive, Manager, Worker)")
            continue
        if level in sections:
            problem(level.name, f"the '## {name}' section appears twice")
            continue
        sections[level] = body[heading.end(): end].strip()
    for level in Level:
        if not sections.get(level, "").strip():
            problem(level.name, f"the '## {level.label}' section is missing or empty")
    return sections
