"""Assemble a briefing for one audience level: pure functions over the database.

`build_briefing` reads a fixed number of queries whatever the campaign's size (key
messages, the attendees' objections with one level's playbook answers, the risk
checklist, the landmine words) and returns a `BriefingDraft`: the items in the order the
presenter chose, each marked kept or dropped, plus what is derived from the kept ones
(the managers' agenda, the workers' day-to-day list, the landmine hits). The same draft
feeds the HTML preview, the PDF and the stored record, so what is previewed is what is
printed.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import joinedload

from app import markdown
from app.briefings.vocabulary import Hit, find_landmines_in
from app.case_studies.library import CaseStudy, current_library
from app.extensions import db
from app.inputs import is_record_id
from app.models import (
    Campaign,
    Engagement,
    KeyMessage,
    Landmine,
    Level,
    Objection,
    ObjectionStatus,
    ObjectionTheme,
    PlaybookResponse,
    RiskArea,
    RiskItem,
    RiskStatus,
    Stakeholder,
)

#: Pages each level will read (the seeds: executives want the point in minutes).
BUDGET_PAGES = {Level.executive: 1, Level.manager: 2, Level.worker: 2}
#: Case studies offered per briefing, and how many of them are kept unless the presenter
#: says otherwise: one page leaves room for one at the top level. The others are offered
#: already dropped, so the presenter can swap them in.
MAX_CASES = 3
KEPT_CASES = {Level.executive: 1, Level.manager: 2, Level.worker: 2}
DEFAULT_MINUTES = 60
MIN_MINUTES, MAX_MINUTES = 5, 480
MAX_INTRODUCTION = 5000
MAX_ATTENDEES = 40
#: Objections still worth answering in a session.
ACTIVE_STATUSES = (ObjectionStatus.open, ObjectionStatus.answered)
#: Without named attendees, the themes most raised by the level stand in for them.
FALLBACK_THEMES = 3
#: Objections quoted per theme; the rest are counted ("and 12 more from …").
QUOTES_PER_THEME = 3
#: Risk statuses an executive should hear about by name.
ATTENTION_STATUSES = (RiskStatus.open, RiskStatus.not_assessed)

#: Default order of the kinds of item, per level: executives want value and evidence
#: first; managers what it means for their scope; workers what is in it for them.
KIND_ORDER = {
    Level.executive: ("message", "case_study", "objections", "risks"),
    Level.manager: ("message", "objections", "case_study"),
    Level.worker: ("message", "case_study", "objections"),
}
#: Headings per kind and level, as printed.
HEADINGS = {
    "message": {
        Level.executive: "Key messages",
        Level.manager: "Key messages for your team",
        Level.worker: "What changes for you day to day",
    },
    "objections": {
        Level.executive: "Concerns raised, and our answers",
        Level.manager: "Concerns raised, and our answers",
        Level.worker: "Questions people have asked",
    },
    "case_study": {
        Level.executive: "Evidence from other organisations",
        Level.manager: "How other organisations did it",
        Level.worker: "What it looked like elsewhere",
    },
    "risks": {level: "Risk checklist" for level in Level},
}
#: Relative agenda time per kind of item.
AGENDA_WEIGHT = {"introduction": 1, "message": 2, "objections": 3, "case_study": 3}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z0-9]+")
#: Words too common in campaign descriptions to say anything about fit.
_STOPWORDS = frozenset(
    "a an and are as at be by for from give how in into is it its more of on or our "
    "the their to we with across better new way ways every all each internal platform "
    "tool tools rollout campaign department people together effectively improve build "
    "make help work working".split()
)


# --- What a briefing is made of -------------------------------------------------------


@dataclass
class RaisedObjection:
    """One attendee's objection under a theme."""

    objection_id: int
    engagement_id: int
    person: str
    statement: str
    status: ObjectionStatus


@dataclass
class ObjectionGroup:
    """A playbook theme the audience has raised, with the answer for this level."""

    theme_id: int
    theme_slug: str
    theme_name: str
    answer: str
    raised: list[RaisedObjection] = field(default_factory=list)
    #: How many objections it stands for (without attendees: raised across the level).
    count: int = 0
    #: Set when the group stands for the level at large rather than named attendees.
    level_wide: Level | None = None

    @property
    def people(self) -> list[str]:
        """Who raised it, each once, in the order they appear."""
        return list(dict.fromkeys(raised.person for raised in self.raised))

    @property
    def quoted(self) -> list[RaisedObjection]:
        """The objections printed word for word: one per person first, then the rest."""
        first, rest, seen = [], [], set()
        for raised in self.raised:
            (rest if raised.person in seen else first).append(raised)
            seen.add(raised.person)
        return (first + rest)[:QUOTES_PER_THEME]

    @property
    def unquoted(self) -> int:
        return len(self.raised) - len(self.quoted)


@dataclass
class ChosenCase:
    """A case study picked for this briefing, with the reason it was picked."""

    study: CaseStudy
    reason: str
    score: float
    section: str

    @property
    def slug(self) -> str:
        return self.study.slug


@dataclass
class RiskSummary:
    """The risk checklist in a few lines: counts by status and what needs attention."""

    counts: list[tuple[RiskStatus, int]]
    open_items: list[RiskItem]
    not_assessed: list[RiskItem]
    total: int


@dataclass
class BriefingItem:
    """One droppable, reorderable piece of a briefing."""

    key: str
    kind: str
    title: str
    message: KeyMessage | None = None
    objections: ObjectionGroup | None = None
    case: ChosenCase | None = None
    risks: RiskSummary | None = None
    dropped: bool = False
    #: Offered but left out unless the presenter keeps it (a runner-up case study).
    optional: bool = False
    #: Left out of a first draft to fit the page budget; the presenter can keep it again.
    fitted: bool = False


@dataclass
class AgendaLine:
    start: int
    minutes: int
    title: str

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass
class DayToDayPoint:
    """A line of the workers' "what changes for you" list."""

    title: str
    #: Markdown.
    text: str
    source: str


@dataclass
class Section:
    """A run of kept items of one kind, printed under one heading."""

    kind: str
    heading: str
    items: list[BriefingItem]


@dataclass
class BriefingDraft:
    """A briefing assembled for one audience, ready to preview, print and store."""

    campaign: Campaign
    audience: Level
    attendees: list[Engagement]
    meeting_on: date | None
    minutes: int
    introduction: str
    items: list[BriefingItem]
    agenda: list[AgendaLine] = field(default_factory=list)
    day_to_day: list[DayToDayPoint] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    #: Filled once the PDF is rendered: the page count decides the budget.
    pages: int | None = None
    #: The campaign's landmine words, kept to check the text again after a change.
    landmines: list[Landmine] = field(default_factory=list, repr=False)

    @property
    def budget_pages(self) -> int:
        return BUDGET_PAGES[self.audience]

    @property
    def kept(self) -> list[BriefingItem]:
        return [item for item in self.items if not item.dropped]

    @property
    def sections(self) -> list[Section]:
        """Kept items grouped under headings; a heading repeats only if the presenter
        moved an item of that kind away from the others. Workers read their key messages
        in the day-to-day list, not as a section of their own."""
        sections: list[Section] = []
        for item in self.kept:
            if item.kind == "message" and self.audience is Level.worker:
                continue
            if sections and sections[-1].kind == item.kind:
                sections[-1].items.append(item)
            else:
                heading = HEADINGS[item.kind][self.audience]
                sections.append(Section(item.kind, heading, [item]))
        return sections

    @property
    def message_ids(self) -> list[int]:
        return [item.message.id for item in self.kept if item.message is not None]

    @property
    def case_study_slugs(self) -> list[str]:
        return [item.case.slug for item in self.kept if item.case is not None]

    @property
    def objection_ids(self) -> list[int]:
        return [
            raised.objection_id
            for item in self.kept
            if item.objections is not None
            for raised in item.objections.raised
        ]

    def spare_case(self) -> BriefingItem | None:
        """The last kept case study while more than one is kept: what a first draft can
        leave out to fit its pages (the first case, the best fit, always stays)."""
        cases = [item for item in self.kept if item.kind == "case_study"]
        return cases[-1] if len(cases) > 1 else None

    def derive(self) -> None:
        """Work out again what follows from the kept items: the managers' agenda, the
        workers' day-to-day list and the landmine words in the text."""
        self.agenda = (plan_agenda(self.kept, self.introduction, self.minutes)
                       if self.audience is Level.manager else [])
        self.day_to_day = plan_day_to_day(self.kept) if self.audience is Level.worker else []
        self.hits = find_landmines_in(briefing_parts(self), self.audience, self.landmines)

    @property
    def over_budget(self) -> bool:
        return self.pages is not None and self.pages > self.budget_pages

    @property
    def budget_status(self) -> str:
        """'1 page; within the executive budget of 1' or a warning saying what to do."""
        if self.pages is None:
            return ""
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}"
        budget = f"the {self.audience.name} budget is {self.budget_pages}"
        if self.over_budget:
            return f"{pages}; {budget} — drop an item"
        return f"{pages}; within budget ({budget})"

    @property
    def content_minutes(self) -> int:
        return self.minutes // 2

    def content(self) -> dict:
        """What the briefing contained, in order, as stored with the generated PDF."""
        items = []
        for item in self.kept:
            entry = {"kind": item.kind, "key": item.key, "title": item.title}
            if item.message is not None:
                entry["id"] = item.message.id
            if item.objections is not None:
                entry["theme"] = item.objections.theme_slug
                entry["objection_ids"] = [r.objection_id for r in item.objections.raised]
                entry["count"] = item.objections.count
            if item.case is not None:
                entry["slug"] = item.case.slug
                entry["reason"] = item.case.reason
            if item.risks is not None:
                entry["counts"] = {status.name: n for status, n in item.risks.counts}
            items.append(entry)
        return {
            "items": items,
            "message_ids": self.message_ids,
            "case_study_slugs": self.case_study_slugs,
            "objection_ids": self.objection_ids,
            "dropped": [item.key for item in self.items if item.dropped],
            "agenda": [
                {"start": line.start, "minutes": line.minutes, "title": line.title}
                for line in self.agenda
            ],
            "pages": self.pages,
            "budget_pages": self.budget_pages,
            "landmines": [{"word": hit.word, "count": hit.count} for hit in self.hits],
        }


# --- Loading ---------------------------------------------------------------------------


def load_attendees(campaign: Campaign, engagement_ids) -> list[Engagement]:
    """The campaign's engagements with these ids and their people, in the order given.

    Ids of other campaigns (or none at all) are simply absent from the result: callers
    compare lengths to refuse them.
    """
    ids = list(dict.fromkeys(int(i) for i in engagement_ids))
    # An id beyond an INTEGER column is absent like any unknown one (the database would fail).
    stored = [i for i in ids if is_record_id(i)]
    if not stored:
        return []
    rows = db.session.scalars(
        db.select(Engagement)
        .options(joinedload(Engagement.stakeholder))
        .where(Engagement.campaign_id == campaign.id, Engagement.id.in_(stored))
    )
    by_id = {engagement.id: engagement for engagement in rows}
    return [by_id[i] for i in ids if i in by_id]


def _key_messages(campaign: Campaign, audience: Level) -> list[KeyMessage]:
    return list(
        db.session.scalars(
            db.select(KeyMessage)
            .where(
                KeyMessage.campaign_id == campaign.id,
                KeyMessage.level == audience,
                KeyMessage.archived_at.is_(None),
            )
            .order_by(KeyMessage.position, KeyMessage.id)
        )
    )


def _answers(theme_ids, audience: Level) -> dict[int, str]:
    if not theme_ids:
        return {}
    rows = db.session.execute(
        db.select(PlaybookResponse.theme_id, PlaybookResponse.response).where(
            PlaybookResponse.theme_id.in_(list(theme_ids)), PlaybookResponse.level == audience
        )
    )
    return {theme_id: response for theme_id, response in rows}


def _attendee_objections(
    campaign: Campaign, audience: Level, attendees: list[Engagement]
) -> list[ObjectionGroup]:
    objections = db.session.scalars(
        db.select(Objection)
        .options(
            joinedload(Objection.theme),
            joinedload(Objection.engagement).joinedload(Engagement.stakeholder),
        )
        .where(
            Objection.campaign_id == campaign.id,
            Objection.engagement_id.in_([engagement.id for engagement in attendees]),
            Objection.status.in_(ACTIVE_STATUSES),
        )
        .order_by(Objection.raised_at, Objection.id)
    ).all()
    answers = _answers({objection.theme_id for objection in objections}, audience)
    groups: dict[int, ObjectionGroup] = {}
    for objection in objections:
        theme = objection.theme
        group = groups.get(theme.id)
        if group is None:
            group = groups[theme.id] = ObjectionGroup(
                theme_id=theme.id,
                theme_slug=theme.slug,
                theme_name=theme.name,
                answer=answers.get(theme.id, ""),
            )
        group.raised.append(
            RaisedObjection(
                objection_id=objection.id,
                engagement_id=objection.engagement_id,
                person=objection.engagement.stakeholder.name,
                statement=objection.statement,
                status=objection.status,
            )
        )
        group.count += 1
    positions = {theme.id: theme.position for theme in (o.theme for o in objections)}
    return sorted(groups.values(), key=lambda g: (-g.count, positions[g.theme_id]))


def _level_objections(campaign: Campaign, audience: Level) -> list[ObjectionGroup]:
    """The themes people of this level raise most, for a briefing without named attendees."""
    counted = db.session.execute(
        db.select(ObjectionTheme, db.func.count(Objection.id).label("n"))
        .join(Objection, Objection.theme_id == ObjectionTheme.id)
        .join(Engagement, Objection.engagement_id == Engagement.id)
        .join(Stakeholder, Engagement.stakeholder_id == Stakeholder.id)
        .where(
            Objection.campaign_id == campaign.id,
            Objection.status.in_(ACTIVE_STATUSES),
            Stakeholder.level == audience,
            Engagement.archived_at.is_(None),
        )
        .group_by(ObjectionTheme.id)
        .order_by(db.desc("n"), ObjectionTheme.position)
        .limit(FALLBACK_THEMES)
    ).all()
    answers = _answers({theme.id for theme, _n in counted}, audience)
    return [
        ObjectionGroup(
            theme_id=theme.id,
            theme_slug=theme.slug,
            theme_name=theme.name,
            answer=answers.get(theme.id, ""),
            count=n,
            level_wide=audience,
        )
        for theme, n in counted
    ]


def _risk_summary(campaign: Campaign) -> RiskSummary:
    items = list(db.session.scalars(db.select(RiskItem).where(RiskItem.campaign_id == campaign.id)))
    area_order = {area: index for index, area in enumerate(RiskArea)}
    items.sort(key=lambda item: (area_order[item.area], item.position, item.id))
    counts = [
        (status, sum(1 for item in items if item.status is status))
        for status in RiskStatus
    ]
    return RiskSummary(
        counts=[(status, n) for status, n in counts if n],
        open_items=[item for item in items if item.status is RiskStatus.open],
        not_assessed=[item for item in items if item.status is RiskStatus.not_assessed],
        total=len(items),
    )


def _landmines(campaign: Campaign) -> list[Landmine]:
    return list(db.session.scalars(db.select(Landmine).where(Landmine.campaign_id == campaign.id)))


# --- Choosing case studies -------------------------------------------------------------


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> set[str]:
    return {_stem(word) for word in _WORD.findall(text.lower()) if word not in _STOPWORDS}


def _lower_first(name: str) -> str:
    """'Data leaving the firewall' -> 'data leaving the firewall'; 'IT support' stays."""
    if len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _theme_reason(answered: list[ObjectionGroup]) -> str:
    """'answers 2 open objections on data leaving the firewall (Ann Smith, Raj Patel)'."""
    parts = []
    for index, group in enumerate(answered):
        theme = f"“{group.theme_name}”"
        if group.level_wide is not None:
            by = f"{group.level_wide.name}s"
            parts.append(f"{theme}, raised {_plural(group.count, 'time')} by {by}")
        elif index == 0:
            people = ", ".join(group.people)
            parts.append(f"{_plural(group.count, 'open objection')} on {theme} ({people})")
        else:
            parts.append(f"{group.count} on {theme} ({', '.join(group.people)})")
    return "answers " + " and ".join(parts)


@dataclass
class _Candidate:
    study: CaseStudy
    section: str
    answered: list[ObjectionGroup]
    tag_score: float
    reason: str

    def score(self, covered: set[str], audience: Level) -> float:
        """Fit given the themes already answered by cases picked before this one."""
        fresh = [group for group in self.answered if group.theme_slug not in covered]
        stale = [group for group in self.answered if group.theme_slug in covered]
        score = (
            10 * sum(group.count for group in fresh)
            + 3 * len(fresh)
            + 2 * sum(group.count for group in stale)
            + self.tag_score
        )
        if audience is Level.executive and self.study.cautionary and not self.answered:
            score -= 20
        return score


def choose_case_studies(
    studies: list[CaseStudy],
    audience: Level,
    groups: list[ObjectionGroup],
    campaign: Campaign,
    limit: int | None = None,
) -> list[ChosenCase]:
    """The 1–3 case studies that best fit the audience's open objections and the campaign.

    Objection themes answered weigh most (per objection, then per theme), and each pick
    favours themes the earlier picks left unanswered, so two cases do not both answer one
    person while another's objection goes without. Tags sharing a word with the campaign's
    change and goals weigh a little. Executives are spared a cautionary case unless it
    answers a theme they have open.
    """
    limit = limit or MAX_CASES
    aims = _words(" ".join([campaign.name, campaign.change, *(campaign.goals or [])]))
    candidates = []
    for study in studies:
        section = study.section(audience).strip()
        if not section:
            continue
        answered = [group for group in groups if group.theme_slug in study.answers]
        matching_tags = [tag for tag in study.tags if _words(tag.replace("-", " ")) & aims]
        if answered:
            reason = _theme_reason(answered)
        elif matching_tags:
            reason = "fits the campaign's aims: " + ", ".join(
                tag.replace("-", " ") for tag in matching_tags
            )
        else:
            reason = f"is the closest match in the library for {audience.name}s"
        if study.cautionary:
            reason += "; a cautionary case: what to avoid"
        tag_score = len(matching_tags) - (0.5 if study.illustrative else 0)
        candidates.append(_Candidate(study, section, answered, tag_score, reason))

    def rank(candidate: _Candidate, covered: set[str]):
        return (-candidate.score(covered, audience), candidate.study.cautionary,
                candidate.study.title.lower())

    chosen: list[tuple[_Candidate, float]] = []
    covered: set[str] = set()
    remaining = [candidate for candidate in candidates if candidate.answered]
    while remaining and len(chosen) < limit:
        best = min(remaining, key=lambda candidate: rank(candidate, covered))
        chosen.append((best, best.score(covered, audience)))
        covered |= {group.theme_slug for group in best.answered}
        remaining.remove(best)
    # Fill up to two with the best of the rest, so a briefing without objections still
    # carries evidence; never a cautionary case for executives as filler.
    picked = {id(candidate) for candidate, _score in chosen}
    for candidate in sorted(candidates, key=lambda candidate: rank(candidate, covered)):
        if len(chosen) >= min(2, limit):
            break
        if id(candidate) in picked or (audience is Level.executive and candidate.study.cautionary):
            continue
        chosen.append((candidate, candidate.score(covered, audience)))
    return [
        ChosenCase(study=candidate.study, reason=candidate.reason, score=score,
                   section=candidate.section)
        for candidate, score in chosen
    ]


# --- Agenda and day-to-day -------------------------------------------------------------


def _allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` minutes by weight, at least one each, summing exactly to total."""
    count = len(weights)
    spare = total - count
    shares = [spare * weight / sum(weights) for weight in weights]
    minutes = [1 + int(share) for share in shares]
    leftover = total - sum(minutes)
    by_remainder = sorted(range(count), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for index in by_remainder[:leftover]:
        minutes[index] += 1
    return minutes


def plan_agenda(kept: list[BriefingItem], introduction: str, minutes: int) -> list[AgendaLine]:
    """An agenda whose content fills half the slot; the other half is for questions.

    Managers give an hour to a session worth thirty minutes of content (the seeds: the
    overhead of a management audience), so content is `minutes // 2`.
    """
    content = minutes // 2
    lines: list[tuple[str, str, int]] = []  # kind, title, weight
    if introduction.strip():
        lines.append(("introduction", "Why we are here", AGENDA_WEIGHT["introduction"]))
    for item in kept:
        if item.kind == "objections":
            title = f"Your concerns: “{item.title}”"
        elif item.kind == "case_study" and item.case is not None:
            title = f"Case study: {item.case.study.organisation}"
        else:
            title = item.title
        lines.append((item.kind, title, AGENDA_WEIGHT.get(item.kind, 2)))

    # Too many lines for the time: one line per run of the same kind instead.
    if lines and len(lines) * 2 > content:
        grouped: list[tuple[str, list[str], int]] = []
        for kind, title, weight in lines:
            if grouped and grouped[-1][0] == kind:
                grouped[-1][1].append(title)
                grouped[-1] = (kind, grouped[-1][1], grouped[-1][2] + weight)
            else:
                grouped.append((kind, [title], weight))
        lines = [
            (kind, _group_title(kind, titles), weight) for kind, titles, weight in grouped
        ]
    if lines and len(lines) > content:
        lines = [("all", "Key points", 1)]

    agenda = []
    start = 0
    if lines and content > 0:
        for (_kind, title, _weight), share in zip(
            lines, _allocate(content, [w for _k, _t, w in lines]), strict=True
        ):
            agenda.append(AgendaLine(start, share, title))
            start += share
    if minutes - start > 0:
        agenda.append(AgendaLine(start, minutes - start, "Questions and discussion"))
    return agenda


def _group_title(kind: str, titles: list[str]) -> str:
    if len(titles) == 1:
        return titles[0]
    return {
        "message": f"Key messages ({len(titles)})",
        "objections": f"Your concerns ({len(titles)} themes)",
        "case_study": "Case studies: "
        + ", ".join(title.removeprefix("Case study: ") for title in titles),
    }.get(kind, titles[0])


def first_sentence(text: str, limit: int = 240) -> str:
    """The first sentence of some Markdown, as plain text, at most `limit` characters."""
    plain = " ".join(plain_text(text).split())
    sentence = _SENTENCE_END.split(plain, maxsplit=1)[0] if plain else ""
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def _at_organisation(study: CaseStudy) -> str:
    """'At Cisco', or 'At an organisation where…' when the source names none."""
    name = study.organisation
    if re.match(r"(A|An|The) ", name):
        name = name[0].lower() + name[1:]
    return f"At {name}"


#: A section's opening label: "**What is in it for you:** …" or "**The value.** …".
_BOLD_LEAD_IN = re.compile(r"^\s*\*\*[^*\n]{1,60}\*\*[:.]?\s*")
_LEAD_IN = re.compile(r"^[^.:!?]{1,40}:\s+")


def plan_day_to_day(kept: list[BriefingItem]) -> list[DayToDayPoint]:
    """What changes for a worker: each key message, then what colleagues elsewhere found
    (cautionary cases tell what went wrong, so they stay out of this list)."""
    points = []
    for item in kept:
        if item.message is not None:
            points.append(DayToDayPoint(item.message.title, item.message.body, item.key))
    for item in kept:
        if item.case is not None and not item.case.study.cautionary:
            # "What is in it for you: you keep…" → "You keep…": the lead-in is the
            # section's label, not the point.
            sentence = _LEAD_IN.sub("", first_sentence(_BOLD_LEAD_IN.sub("", item.case.section)))
            points.append(
                DayToDayPoint(
                    _at_organisation(item.case.study),
                    sentence[:1].upper() + sentence[1:],
                    item.key,
                )
            )
    return points


# --- Text for the landmine check -------------------------------------------------------


def plain_text(text: str | None) -> str:
    """Markdown as the words a reader sees."""
    return html.unescape(markdown.plain(text))


def briefing_parts(draft: BriefingDraft) -> list[tuple[str, str]]:
    """Every word the printed briefing carries, for the landmine check, as (where, text)
    pairs, so a warning can say where to reword: the presenter's introduction, a key
    message or playbook answer a lead can edit, or a case study's own telling."""
    parts = [("the campaign's name", draft.campaign.name),
             ("your introduction", plain_text(draft.introduction))]
    for item in draft.kept:
        if item.message is not None:
            parts.append((f"key message “{item.title}”",
                          f"{item.title}\n\n{plain_text(item.message.body)}"))
        if item.objections is not None:
            theme = item.objections.theme_name
            parts.append((f"the objections quoted under “{theme}”", "\n\n".join(
                [theme, *(raised.statement for raised in item.objections.quoted)])))
            parts.append((f"the playbook answer on “{theme}”",
                          plain_text(item.objections.answer)))
        if item.case is not None:
            study = item.case.study
            parts.append((f"case study “{study.title}”", "\n\n".join([
                study.title, study.summary, item.case.reason,
                *(f"{outcome.figure} {outcome.label}" for outcome in study.outcomes),
                plain_text(item.case.section),
            ])))
        if item.risks is not None:
            parts.append(("the risk checklist", "\n\n".join(
                f"{risk.question} {risk.owner}"
                for risk in item.risks.open_items + item.risks.not_assessed
            )))
    if draft.agenda:
        parts.append(("the agenda", "\n\n".join(line.title for line in draft.agenda)))
    return [(place, text) for place, text in parts if text]


# --- Building --------------------------------------------------------------------------


def _arrange(items: list[BriefingItem], order, drops) -> list[BriefingItem]:
    """Apply the presenter's order (a list of keys) and drops (a set of keys).

    Items the presenter has not placed yet (a new attendee brought a new objection) keep
    their default place among the others.
    """
    position = {key: index for index, key in enumerate(order or [])}
    default = {item.key: index for index, item in enumerate(items)}
    arranged = sorted(
        items,
        key=lambda item: (position.get(item.key, default[item.key]), item.key not in position,
                          default[item.key]),
    )
    dropped = set(drops or ())
    for item in arranged:
        # An item the presenter has seen is dropped only if ticked; a new one keeps its default.
        item.dropped = item.key in dropped if item.key in position else (
            item.optional or item.key in dropped
        )
    return arranged


def build_briefing(
    campaign: Campaign,
    audience: Level,
    attendees: list[Engagement] | None = None,
    meeting_on: date | None = None,
    minutes: int | None = None,
    introduction: str = "",
    order: list[str] | None = None,
    drops=None,
    library=None,
) -> BriefingDraft:
    """Assemble a briefing for `audience`, tailored to the attendees' open objections."""
    attendees = list(attendees or [])
    minutes = minutes or DEFAULT_MINUTES
    library = library if library is not None else current_library()

    messages = _key_messages(campaign, audience)
    if attendees:
        groups = _attendee_objections(campaign, audience, attendees)
    else:
        groups = _level_objections(campaign, audience)
    cases = choose_case_studies(library.all(), audience, groups, campaign)

    by_kind: dict[str, list[BriefingItem]] = {
        "message": [
            BriefingItem(f"message:{message.id}", "message", message.title, message=message)
            for message in messages
        ],
        "objections": [
            BriefingItem(f"theme:{group.theme_slug}", "objections", group.theme_name,
                         objections=group)
            for group in groups
        ],
        "case_study": [
            BriefingItem(f"case:{case.slug}", "case_study", case.study.title, case=case,
                         optional=index >= KEPT_CASES[audience])
            for index, case in enumerate(cases)
        ],
        "risks": [],
    }
    if audience is Level.executive:
        summary = _risk_summary(campaign)
        if summary.total:
            by_kind["risks"].append(BriefingItem("risks", "risks", "Risk checklist", risks=summary))

    items = [item for kind in KIND_ORDER[audience] for item in by_kind[kind]]
    draft = BriefingDraft(
        campaign=campaign,
        audience=audience,
        attendees=attendees,
        meeting_on=meeting_on,
        minutes=minutes,
        introduction=introduction or "",
        items=_arrange(items, order, drops),
        landmines=_landmines(campaign),
    )
    draft.derive()
    return draft
