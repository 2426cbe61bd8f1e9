"""Briefings: the landmine check, the defaults, and the builder's choices per level.

The fixtures here (a test case-study library and a typical campaign) are imported by the
other test_briefings_* modules.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from app.briefings.builder import (
    BUDGET_PAGES,
    build_briefing,
    choose_case_studies,
    load_attendees,
    plan_agenda,
)
from app.briefings.defaults import DEFAULT_LANDMINES, DEFAULT_RISKS, seed_briefing_defaults
from app.briefings.operations import add_key_message
from app.briefings.vocabulary import find_landmines
from app.case_studies.library import CaseStudy, Library, Outcome
from app.extensions import db
from app.models import (
    Landmine,
    Level,
    ObjectionStatus,
    PlaybookResponse,
    RiskArea,
    RiskItem,
    RiskStatus,
    Stance,
)
from app.objections.operations import change_objection_status, raise_objection
from tests import factories

@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    """Each request loads its own user and campaign, as in production.

    The `app` fixture holds one app context for the whole test, so `g` (where Flask-Login
    caches the signed-in user) would otherwise outlive a request and leak between clients.
    """
    from flask import g, request_started

    def forget(sender, **extra):
        for name in ("_login_user", "campaign", "campaign_role"):
            g.pop(name, None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


# --- A small, known case-study library ------------------------------------------------


def _telling(organisation: str, level: str, marker: str) -> str:
    """A level's section of realistic length, carrying a phrase tests look for."""
    return (
        f"**{marker}.** {organisation} started with one team and one problem the team "
        f"already had: answers that lived in people's inboxes. Within a quarter the same "
        f"questions stopped arriving twice, because the first answer was findable. "
        f"The {level} view of it is simple: the change paid for itself in time that "
        f"colleagues no longer spent searching and chasing.\n\n"
        f"**What made it work.** The sponsor set one measure up front and reported it at "
        f"the quarter end; managers led by example and asked their teams to post answers "
        f"where others could find them; the service desk knew who to call."
    )


def study(slug, organisation, answers, tags, *, cautionary=False, outcomes=()):
    return CaseStudy(
        slug=slug,
        title=f"How {organisation} made answers findable",
        organisation=organisation,
        sector="Services",
        year=2010,
        source=f"A conference talk by {organisation}'s programme lead.",
        summary=f"{organisation} moved answers out of inboxes.",
        outcomes=tuple(Outcome(figure, label) for figure, label in outcomes),
        tags=tuple(tags),
        answers=tuple(answers),
        sections={
            Level.executive: _telling(organisation, "board", f"Board evidence from {organisation}"),
            Level.manager: _telling(organisation, "team lead",
                                    f"Team lead guide from {organisation}"),
            Level.worker: _telling(organisation, "colleague", f"Everyday view from {organisation}"),
        },
        cautionary=cautionary,
    )


STUDIES = [
    study("northwind-firewall", "Northwind", ["security"], ["collaboration"],
          outcomes=[("40%", "fewer repeat questions"), ("6 weeks", "from pilot to sign-off")]),
    study("contoso-value", "Contoso", ["cost-value", "time-wasting"], ["knowledge-sharing"],
          outcomes=[("£2m", "travel saved in a year")]),
    study("fabrikam-stopped", "Fabrikam", ["loss-of-control"], ["governance"], cautionary=True),
    study("tailspin-history", "Tailspin", ["fad"], ["collaboration", "history"]),
]


@pytest.fixture
def library(app):
    """The app's case-study library replaced by four known cases for this test."""
    known = Library({s.slug: s for s in STUDIES})
    app.extensions["case_studies"] = known
    return known


# --- A typical campaign ----------------------------------------------------------------

EXEC_ANSWER = "The platform stays behind the firewall, approved by Information Security."
MANAGER_ANSWER = "Your team's files stay on the company network, in private groups."
WORKER_ANSWER = "Only colleagues signed in with a work account see what you post."
COST_EXEC_ANSWER = "A small pilot with an agreed measure comes before any purchase."


@dataclass
class Setting:
    campaign: object
    ann: object  # executive, open security objection
    raj: object  # executive, answered security + open cost + resolved fad objection
    mia: object  # manager, open time-wasting objection
    wes: object  # worker, open personal/professional objection
    messages: dict


def _answer(campaign, slug, level, text):
    response = db.session.scalar(
        db.select(PlaybookResponse)
        .join(PlaybookResponse.theme)
        .where(PlaybookResponse.level == level)
        .filter_by(campaign_id=campaign.id, slug=slug)
    )
    response.response = text


@pytest.fixture
def setting(campaign, users, library) -> Setting:
    """A campaign with people of each level, their objections, key messages and a checklist."""
    lead = users["lead"]
    seed_briefing_defaults(campaign)
    ann = factories.person(campaign, lead, "Ann Smith", level=Level.executive,
                           title="Chief Information Officer", stance=Stance.sceptic)
    raj = factories.person(campaign, lead, "Raj Patel", level=Level.executive,
                           title="Finance Director")
    mia = factories.person(campaign, lead, "Mia Jones", level=Level.manager, title="Head of Claims")
    wes = factories.person(campaign, lead, "Wes Green", level=Level.worker)
    security = factories.theme(campaign, "security")
    raise_objection(campaign, lead, ann, security, "Customer data will leak outside the firewall.")
    answered = raise_objection(campaign, lead, raj, security, "Who signs off the security risk?")
    change_objection_status(answered, ObjectionStatus.answered, lead, note="Sent the summary")
    raise_objection(campaign, lead, raj, factories.theme(campaign, "cost-value"),
                    "What does it cost and what do we get back?")
    resolved = raise_objection(campaign, lead, raj, factories.theme(campaign, "fad"),
                               "Another passing craze.")
    change_objection_status(resolved, ObjectionStatus.resolved, lead)
    raise_objection(campaign, lead, mia, factories.theme(campaign, "time-wasting"),
                    "My team will chat instead of working.")
    raise_objection(campaign, lead, wes, factories.theme(campaign, "personal-professional"),
                    "I do not want work seeing my weekend photos.")
    _answer(campaign, "security", Level.executive, EXEC_ANSWER)
    _answer(campaign, "security", Level.manager, MANAGER_ANSWER)
    _answer(campaign, "security", Level.worker, WORKER_ANSWER)
    _answer(campaign, "cost-value", Level.executive, COST_EXEC_ANSWER)

    texts = {
        Level.executive: [
            ("Faster answers for customers", "Claims questions answered in hours, not days."),
            ("A private, secure space", "Inside our firewall, signed off before launch."),
            ("Measured in twelve weeks", "We report time saved at the quarter end."),
        ],
        Level.manager: [
            ("Less chasing for your team", "Questions answered once stop landing in your inbox."),
            ("You set the pace", "Start with one project space."),
        ],
        Level.worker: [
            ("Find the answer once", "Ask in the team space; the answer stays findable."),
            ("Your profile shows what you know", "Colleagues find you for your strengths."),
        ],
    }
    messages = {
        level: [
            add_key_message(campaign, lead, {"level": level, "title": title, "body": body,
                                             "position": None})
            for title, body in entries
        ]
        for level, entries in texts.items()
    }
    risks = db.session.scalars(
        db.select(RiskItem).where(RiskItem.campaign_id == campaign.id).order_by(RiskItem.position)
    ).all()
    risks[0].status, risks[0].owner = RiskStatus.mitigated, "Information Security"
    risks[1].status, risks[1].owner = RiskStatus.open, "Finance"
    risks[3].status = RiskStatus.accepted
    db.session.commit()
    return Setting(campaign, ann, raj, mia, wes, messages)


def build(setting, audience, *people, **kwargs):
    attendees = load_attendees(setting.campaign, [p.id for p in people])
    return build_briefing(setting.campaign, audience, attendees, **kwargs)


# --- Landmine words --------------------------------------------------------------------


@dataclass
class Word:
    word: str
    audiences: list
    suggestion: str = "something plainer"
    reason: str = ""


def test_landmines_match_whole_words_in_any_case_with_plurals_and_ing_forms():
    words = [Word("game", ["worker"]), Word("social", ["worker"])]
    text = "Games at lunch. A GAMING league. Gamers? Endgame. Our Social space, socially."
    hits = {hit.word: hit for hit in find_landmines(text, Level.worker, words)}
    assert hits["game"].count == 2  # Games, GAMING; not Gamers or Endgame
    assert hits["social"].count == 2  # Social, socially
    assert hits["game"].context.startswith("Games at lunch")


def test_landmines_only_for_their_audience():
    words = [Word("learning", ["executive", "manager"], "performance support")]
    assert find_landmines("Learning at work", Level.worker, words) == []
    (hit,) = find_landmines("More learning at work", Level.manager, words)
    assert (hit.word, hit.suggestion, hit.count) == ("learning", "performance support", 1)


def test_a_phrase_is_reported_once_not_also_as_the_word_inside_it():
    words = [Word("social", ["executive"]),
             Word("social media", ["executive"], "collaboration platform")]
    hits = find_landmines("Our social-media plan and a social club.", Level.executive, words)
    assert [(hit.word, hit.count) for hit in hits] == [("social media", 1), ("social", 1)]


def test_a_trailing_star_matches_any_ending_and_context_is_trimmed():
    words = [Word("disrupt*", ["executive"])]
    text = ("word " * 30) + "a disruptive change to how we disrupt things" + (" word" * 30)
    (hit,) = find_landmines(text, "executive", words)
    assert hit.word == "disrupt" and hit.count == 2
    assert hit.context.startswith("…") and hit.context.endswith("…")
    assert "disruptive change" in hit.context and len(hit.context) < 120


def test_default_landmines_flag_the_seed_words():
    words = [Word(w, a, s, r) for w, a, s, r in DEFAULT_LANDMINES]
    text = "A social learning game on Facebook, going viral: a Web 2.0 revolution."
    found = {hit.word for hit in find_landmines(text, Level.executive, words)}
    assert {"social", "learning", "game", "Facebook", "viral", "Web 2.0", "revolution"} <= found
    workers = {hit.word for hit in find_landmines(text, Level.worker, words)}
    assert workers == {"game", "Facebook"}


# --- Defaults --------------------------------------------------------------------------


def test_new_campaigns_get_one_question_per_area_and_defaults_only_once(campaign):
    assert {area for area, _question in DEFAULT_RISKS} == set(RiskArea)
    assert seed_briefing_defaults(campaign) is False  # create_campaign already seeded it
    risks = db.session.scalars(db.select(RiskItem).filter_by(campaign_id=campaign.id)).all()
    assert len(risks) == len(RiskArea)
    assert all(item.status is RiskStatus.not_assessed for item in risks)

    # Seeding again fills only what is empty; the checklist is left alone.
    db.session.execute(db.delete(Landmine).where(Landmine.campaign_id == campaign.id))
    assert seed_briefing_defaults(campaign) is True
    assert db.session.scalar(
        db.select(db.func.count(Landmine.id)).filter_by(campaign_id=campaign.id)
    ) == len(DEFAULT_LANDMINES)
    assert db.session.scalar(
        db.select(db.func.count(RiskItem.id)).filter_by(campaign_id=campaign.id)
    ) == len(RiskArea)


# --- The builder -----------------------------------------------------------------------


def test_executive_briefing_has_messages_open_objections_answers_case_and_risks(setting):
    draft = build(setting, Level.executive, setting.ann, setting.raj)
    kinds = [item.kind for item in draft.kept]
    assert kinds == ["message"] * 3 + ["case_study", "objections", "objections", "risks"]
    assert draft.message_ids == [m.id for m in setting.messages[Level.executive]]

    groups = {item.objections.theme_slug: item.objections for item in draft.kept if item.objections}
    assert set(groups) == {"security", "cost-value"}  # the resolved "fad" one is not there
    assert groups["security"].people == ["Ann Smith", "Raj Patel"]
    assert groups["security"].answer == EXEC_ANSWER
    assert groups["cost-value"].answer == COST_EXEC_ANSWER

    risks = draft.kept[-1].risks
    assert dict(risks.counts) == {RiskStatus.not_assessed: 7, RiskStatus.open: 1,
                                  RiskStatus.mitigated: 1, RiskStatus.accepted: 1}
    assert [item.owner for item in risks.open_items] == ["Finance"]

    # One case is kept for a one-page budget; the runner-up is offered, already dropped.
    cases = [item for item in draft.items if item.case]
    assert [(item.case.slug, item.dropped) for item in cases][:2] == [
        ("northwind-firewall", False), ("contoso-value", True)]
    assert cases[0].case.reason == (
        "answers 2 open objections on “Data leaving the firewall” (Ann Smith, Raj Patel)"
    )
    assert draft.case_study_slugs == ["northwind-firewall"]
    assert BUDGET_PAGES[Level.executive] == 1


def test_executives_are_not_given_a_cautionary_case_unless_it_answers_them(setting, library):
    draft = build(setting, Level.executive, setting.ann)
    assert "fabrikam-stopped" not in [item.case.slug for item in draft.items if item.case]

    lead = setting.campaign.owner
    raise_objection(setting.campaign, lead, setting.ann,
                    factories.theme(setting.campaign, "loss-of-control"),
                    "Comms will lose control.")
    draft = build(setting, Level.executive, setting.ann)
    chosen = {item.case.slug: item.case.reason for item in draft.items if item.case}
    assert "fabrikam-stopped" in chosen
    assert chosen["fabrikam-stopped"].endswith("a cautionary case: what to avoid")


def test_case_picks_cover_different_objections_before_repeating_one(setting, library):
    draft = build(setting, Level.manager, setting.mia, setting.ann)
    slugs = [item.case.slug for item in draft.items if item.case]
    # Contoso answers Mia (time), Northwind answers Ann (security): both, before any other.
    assert set(slugs[:2]) == {"contoso-value", "northwind-firewall"}


def test_without_attendees_the_levels_most_raised_themes_stand_in(setting):
    draft = build(setting, Level.executive)
    groups = [item.objections for item in draft.kept if item.objections]
    assert [(group.theme_slug, group.count, group.level_wide) for group in groups] == [
        ("security", 2, Level.executive), ("cost-value", 1, Level.executive)]
    assert draft.objection_ids == []  # nobody named


def test_manager_agenda_fills_half_the_slot_and_leaves_the_rest_for_questions(setting):
    draft = build(setting, Level.manager, setting.mia, minutes=60, introduction="Welcome.")
    agenda = draft.agenda
    assert agenda[0].start == 0 and agenda[0].title == "Why we are here"
    assert agenda[-1].title == "Questions and discussion"
    assert agenda[-1].start == 30 and agenda[-1].minutes == 30
    assert sum(line.minutes for line in agenda[:-1]) == 30
    assert all(line.minutes >= 1 for line in agenda)
    assert all(a.end == b.start for a, b in zip(agenda, agenda[1:]))
    titles = " | ".join(line.title for line in agenda)
    assert "Less chasing for your team" in titles and "Case study: Contoso" in titles

    short = build(setting, Level.manager, setting.mia, minutes=15)
    assert sum(line.minutes for line in short.agenda[:-1]) == 7
    assert short.agenda[-1].minutes == 8


def test_agenda_groups_items_when_the_slot_is_too_short_for_each():
    @dataclass
    class Item:
        kind: str
        title: str
        case: object = None

    items = [Item("message", f"Message {n}") for n in range(6)]
    agenda = plan_agenda(items, "", 10)
    assert [line.title for line in agenda] == ["Key messages (6)", "Questions and discussion"]
    assert [line.minutes for line in agenda] == [5, 5]


def test_worker_briefing_lists_day_to_day_changes_and_has_no_risk_summary(setting):
    draft = build(setting, Level.worker, setting.wes)
    assert "risks" not in [item.kind for item in draft.items]
    titles = [point.title for point in draft.day_to_day]
    assert titles[:2] == ["Find the answer once", "Your profile shows what you know"]
    assert any(title.startswith("At ") for title in titles[2:])
    # The case's own first sentence, without its bold lead-in label.
    assert draft.day_to_day[2].title == "At Northwind"
    assert draft.day_to_day[2].text == (
        "Northwind started with one team and one problem the team already had: answers that "
        "lived in people's inboxes."
    )
    # Workers read their messages in that list, not in a section of their own.
    assert "message" not in [section.kind for section in draft.sections]


def test_presenter_order_and_drops_are_applied(setting):
    first = build(setting, Level.executive, setting.ann, setting.raj)
    keys = [item.key for item in first.items]
    message_key = keys[0]
    order = [keys[-1], *keys[:-1]]  # risks first
    draft = build(setting, Level.executive, setting.ann, setting.raj, order=order,
                  drops={message_key})
    assert draft.items[0].kind == "risks"
    assert message_key not in [item.key for item in draft.kept]
    assert setting.messages[Level.executive][0].id not in draft.message_ids
    # Every key was placed by the presenter, so only the ticked one is dropped.
    assert draft.content()["dropped"] == [message_key]

    # A runner-up case the presenter has seen and left unticked is kept.
    draft = build(setting, Level.executive, setting.ann, setting.raj, order=keys, drops=set())
    assert "contoso-value" in draft.case_study_slugs


def test_landmines_cover_the_introduction_and_every_printed_word(setting):
    landmine = Landmine(campaign_id=setting.campaign.id, word="chasing", audiences=["manager"],
                        suggestion="following up", reason="")
    db.session.add(landmine)
    draft = build(setting, Level.manager, setting.mia,
                  introduction="Our social learning platform, and a game or two.")
    found = {hit.word: hit for hit in draft.hits}
    assert {"social", "learning", "game", "chasing"} <= set(found)
    assert found["chasing"].count >= 1  # from a key message, not the introduction
    assert "social learning platform" in found["social"].context


def test_builder_runs_a_constant_number_of_queries(setting, count_queries, users):
    lead = users["lead"]
    few = load_attendees(setting.campaign, [setting.ann.id])
    with count_queries() as small:
        build_briefing(setting.campaign, Level.executive, few)
    many = []
    for n in range(8):
        person = factories.person(setting.campaign, lead, f"Extra {n}", level=Level.executive)
        for slug in ("security", "fad", "cost-value"):
            raise_objection(setting.campaign, lead, person, factories.theme(setting.campaign, slug),
                            f"Objection {n} {slug}")
        many.append(person.id)
    db.session.commit()
    attendees = load_attendees(setting.campaign, many)
    with count_queries() as large:
        build_briefing(setting.campaign, Level.executive, attendees)
    assert large.count == small.count <= 6


def test_choose_case_studies_falls_back_to_campaign_aims(setting, library):
    chosen = choose_case_studies(library.all(), Level.manager, [], setting.campaign)
    assert 1 <= len(chosen) <= 2
    assert all(not case.study.cautionary or case.reason for case in chosen)
    assert chosen[0].reason.startswith("fits the campaign's aims")


def test_meeting_date_and_minutes_default(setting):
    draft = build(setting, Level.manager, setting.mia, meeting_on=date(2026, 10, 14))
    assert draft.minutes == 60 and draft.meeting_on == date(2026, 10, 14)


def test_many_objections_on_one_theme_are_quoted_three_times_then_counted(setting, users):
    lead = users["lead"]
    security = factories.theme(setting.campaign, "security")
    for n in range(5):
        raise_objection(setting.campaign, lead, setting.ann, security, f"Leak worry number {n}.")
    draft = build(setting, Level.executive, setting.ann, setting.raj)
    group = next(item.objections for item in draft.kept if item.objections)
    assert len(group.raised) == 7 and group.count == 7
    # One quote per person first, so Raj is heard even though Ann said more.
    assert [raised.person for raised in group.quoted] == ["Ann Smith", "Raj Patel", "Ann Smith"]
    assert group.unquoted == 4
    assert len(draft.content()["items"][4]["objection_ids"]) == 7
