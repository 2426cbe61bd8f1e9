"""Landmine warnings say where the word is, so the presenter knows what to reword."""

from types import SimpleNamespace

from app.briefings.builder import build_briefing
from app.briefings.operations import add_key_message
from app.briefings.vocabulary import find_landmines_in
from app.extensions import db
from app.models import Level

SOCIAL = SimpleNamespace(word="social", suggestion="collaboration", reason="",
                         audiences=["executive", "manager"])
GAME = SimpleNamespace(word="game", suggestion="exercise", reason="", audiences=["executive"])


def test_hits_are_counted_over_every_part_and_name_each_part_once():
    parts = [("your introduction", "A social start; more social later."),
             ("key message “Why”", "Gaming aside, the social side matters."),
             ("the agenda", "Nothing to see")]
    hits = {hit.word: hit for hit in find_landmines_in(parts, Level.executive, [SOCIAL, GAME])}
    assert hits["social"].count == 3
    assert hits["social"].places == ("your introduction", "key message “Why”")
    assert hits["social"].context.startswith("A social start")  # where it first appears
    assert (hits["game"].count, hits["game"].places) == (1, ("key message “Why”",))
    # Not a landmine for workers: nothing is reported.
    assert find_landmines_in(parts, Level.worker, [SOCIAL, GAME]) == []


def test_the_builder_reports_the_introduction_and_the_message_apart(app, campaign, users):
    add_key_message(campaign, users["lead"], {
        "level": Level.executive, "title": "Shared answers",
        "body": "Answers shared socially, once, in one place."})
    db.session.commit()
    draft = build_briefing(campaign, Level.executive,
                           introduction="Why a *social* platform matters to the board.")
    (hit,) = [hit for hit in draft.hits if hit.word == "social"]
    assert hit.places[:2] == ("your introduction", "key message “Shared answers”")
    assert hit.count >= 2
