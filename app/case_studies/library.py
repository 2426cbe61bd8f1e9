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

import yaml
from flask import current_app

from app.models import Level
from app.objections.playbook import DEFAULT_THEMES

#: Objection theme slugs a case study may say it answers (the default playbook's).
THEME_SLUGS = tuple(slug for slug, _name, _description, _answers in DEFAULT_THEMES)

REQUIRED_TEXT = ("title", "organisation", "sector", "source", "summary")
OPTIONAL_FLAGS = ("illustrative", "cautionary")
KNOWN_KEYS = frozenset(
    (*REQUIRED_TEXT, *OPTIONAL_FLAGS, "year", "outcomes", "tags", "answers")
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADING_RE = re.compile(r"^##[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)


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

    match = FRONT_MATTER_RE.match(text)
    if match is None:
        problem("front matter", "the file must start with YAML front matter between --- lines")
        return None
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        reason = f" ({error.problem})" if getattr(error, "problem", None) else ""
        problem("front matter", f"is not valid YAML{where}{reason}")
        return None
    if not isinstance(meta, dict):
        problem("front matter", "must be a mapping of keys to values")
        return None

    for key in sorted(set(map(str, meta)) - KNOWN_KEYS):
        problem(key, "unknown key (known: " + ", ".join(sorted(KNOWN_KEYS)) + ")")

    values = {key: _text(meta, key, problem) for key in REQUIRED_TEXT}
    year = _year(meta.get("year"), problem)
    outcomes = _outcomes(meta.get("outcomes", []), problem)
    tags = _words(meta, "tags", problem)
    answers = _words(meta, "answers", problem)
    for theme in answers:
        if theme not in THEME_SLUGS:
            problem("answers", f"unknown theme {theme!r} (known: {', '.join(THEME_SLUGS)})")
    flags = {}
    for key in OPTIONAL_FLAGS:
        value = meta.get(key, False)
        if not isinstance(value, bool):
            problem(key, "must be true or false")
        flags[key] = value is True

    sections = _sections(text[match.end():], problem)
    if errors:
        return None
    return CaseStudy(
        slug=path.stem,
        year=year,
        outcomes=outcomes,
        tags=tags,
        answers=answers,
        sections=sections,
        **values,
        **flags,
    )


def _text(meta: dict, key: str, problem) -> str:
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        problem(key, "is required")
        return ""
    if not isinstance(value, str):
        problem(key, "must be text")
        return ""
    return " ".join(value.split())


def _year(value, problem) -> int | None:
    if value is None:
        return None
    # bool is an int in Python; `year: yes` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        problem("year", "must be a whole number such as 2009, or left out")
        return None
    if not 1900 <= value <= 2100:
        problem("year", f"{value} is not a plausible year")
        return None
    return value


def _outcomes(value, problem) -> tuple[Outcome, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problem("outcomes", "must be a list of {figure, label} (an empty list when none)")
        return ()
    outcomes = []
    for index, item in enumerate(value, start=1):
        where = f"outcomes[{index}]"
        if not isinstance(item, dict):
            problem(where, "must be a mapping with figure and label")
            continue
        extra = sorted(set(map(str, item)) - {"figure", "label"})
        if extra:
            problem(where, "unknown key " + ", ".join(extra))
        parts = []
        for key in ("figure", "label"):
            part = item.get(key)
            if isinstance(part, int | float) and not isinstance(part, bool):
                part = str(part)
            if not isinstance(part, str) or not part.strip():
                problem(f"{where}.{key}", "is required text")
                part = ""
            parts.append(part.strip())
        outcomes.append(Outcome(*parts))
    return tuple(outcomes)


def _words(meta: dict, key: str, problem) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None or value == []:
        problem(key, "is required: a list with at least one entry")
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problem(key, "must be a list of words")
        return ()
    words = []
    for word in value:
        word = word.strip().lower()
        if word not in words:
            words.append(word)
    return tuple(words)


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
