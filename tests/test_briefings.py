"""Briefings: the landmine check, the defaults, and the builder's choices per level.

The fixtures (a test case-study library and a typical campaign) live in
tests/briefing_fixtures.py, shared with the other test_briefings_* modules.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.briefings.builder import (
    BUDGET_PAGES,
    build_briefing,
    choose_case_studies,
    load_attendees,
    plan_agenda,
)
from app.briefings.defaults import DEFAULT_LANDMINES, DEFAULT_RISKS, seed_briefing_defaults
from app.briefings.vocabulary import find_landmines
from app.extensions import db
from app.models import Landmine, Level, RiskArea, RiskItem, RiskStatus
from app.objections.operations import raise_objection
from tests import factories
from tests.briefing_fixtures import COST_EXEC_ANSWER, EXEC_ANSWER


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
                    "Comms will lose control.", at=datetime.now(UTC))
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
    assert all(a.end == b.start for a, b in zip(agenda, agenda[1:], strict=False))
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
                            f"Objection {n} {slug}", at=datetime.now(UTC))
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
        raise_objection(setting.campaign, lead, setting.ann, security, f"Leak worry number {n}.",
                        at=datetime.now(UTC))
    draft = build(setting, Level.executive, setting.ann, setting.raj)
    group = next(item.objections for item in draft.kept if item.objections)
    assert len(group.raised) == 7 and group.count == 7
    # One quote per person first, so Raj is heard even though Ann said more.
    assert [raised.person for raised in group.quoted] == ["Ann Smith", "Raj Patel", "Ann Smith"]
    assert group.unquoted == 4
    assert len(draft.content()["items"][4]["objection_ids"]) == 7
