"""Fixtures shared by the test_briefings* modules: a known case-study library and a
typical campaign (`setting`). Registered for the whole suite by `pytest_plugins` in
tests/conftest.py, so modules use them without importing them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from app.briefings.defaults import seed_briefing_defaults
from app.briefings.operations import add_key_message
from app.case_studies.library import CaseStudy, Library, Outcome
from app.extensions import db
from app.models import (
    Level,
    ObjectionStatus,
    PlaybookResponse,
    RiskItem,
    RiskStatus,
    Stance,
)
from app.objections.operations import change_objection_status, raise_objection
from tests import factories

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
    raise_objection(campaign, lead, ann, security, "Customer data will leak outside the firewall.",
                    at=datetime.now(UTC))
    answered = raise_objection(campaign, lead, raj, security, "Who signs off the security risk?",
                               at=datetime.now(UTC))
    change_objection_status(answered, ObjectionStatus.answered, lead, note="Sent the summary",
                            at=datetime.now(UTC))
    raise_objection(campaign, lead, raj, factories.theme(campaign, "cost-value"),
                    "What does it cost and what do we get back?", at=datetime.now(UTC))
    resolved = raise_objection(campaign, lead, raj, factories.theme(campaign, "fad"),
                               "Another passing craze.", at=datetime.now(UTC))
    change_objection_status(resolved, ObjectionStatus.resolved, lead, at=datetime.now(UTC))
    raise_objection(campaign, lead, mia, factories.theme(campaign, "time-wasting"),
                    "My team will chat instead of working.", at=datetime.now(UTC))
    raise_objection(campaign, lead, wes, factories.theme(campaign, "personal-professional"),
                    "I do not want work seeing my weekend photos.", at=datetime.now(UTC))
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
