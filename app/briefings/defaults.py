"""What a new campaign starts with: a short risk checklist and a list of landmine words.

Both come from the source material. A public-sector CIO wanted senior people aware of the
technical, financial, information and communications issues of a collaboration project,
and pointed at what "proper" software vendors think through: support, scalability, data
migration, licensing, user management and architecture. The landmine words are the ones
practitioners warn about ("social", "game", even "learning") with the capability words
they use instead. Each campaign gets its own copy, which its leads then edit.
"""

from app.extensions import db
from app.models import Campaign, Landmine, Level, RiskArea, RiskItem

ALL_LEVELS = [level.name for level in Level]
SENIOR = [Level.executive.name, Level.manager.name]

#: One question per area of the checklist, in the order the executive summary shows them.
DEFAULT_RISKS: list[tuple[RiskArea, str]] = [
    (
        RiskArea.technical,
        "Does the platform meet our security requirements and information security policy?",
    ),
    (
        RiskArea.financial,
        "Are the full running costs known (licences, hosting, support, community management) "
        "and is there a budget holder?",
    ),
    (
        RiskArea.information,
        "Can confidential or employee data end up in a public space, and what stops it?",
    ),
    (
        RiskArea.communications,
        "Have Internal Communications and HR agreed how colleagues' posts are moderated?",
    ),
    (
        RiskArea.support,
        "Who supports people day to day, and who manages the communities once launched?",
    ),
    (
        RiskArea.scalability,
        "Will it cope when every department joins, not only the pilot group?",
    ),
    (
        RiskArea.data_migration,
        "Can existing content be moved in, and moved out again if we change supplier?",
    ),
    (
        RiskArea.licensing,
        "Do the licence terms cover everyone we plan to invite, contractors included?",
    ),
    (
        RiskArea.user_management,
        "Are accounts created and removed from our directory, so leavers lose access at once?",
    ),
    (
        RiskArea.architecture,
        "Does it fit our systems architecture and the tools people already use?",
    ),
]

#: word, audiences (level names), plainer word to use, why it puts that audience off.
#: A trailing * matches any ending ("disrupt*" finds disruptive and disruption).
DEFAULT_LANDMINES: list[tuple[str, list[str], str, str]] = [
    (
        "social",
        SENIOR,
        "collaboration / knowledge sharing",
        "To senior people it signals goofing off and wasted time. Name the capability instead.",
    ),
    (
        "social media",
        SENIOR,
        "collaboration platform",
        "Brings public sites to mind: privacy, brand risk and staff chatting instead of working.",
    ),
    (
        "social networking",
        SENIOR,
        "collaboration platform",
        "Most people hear Facebook, with the privacy worries that come with it.",
    ),
    (
        "game",
        ALL_LEVELS,
        "practice / simulation",
        "Sounds like play rather than work, whoever is listening.",
    ),
    (
        "gamification",
        ALL_LEVELS,
        "practice / simulation",
        "Jargon that sounds like play; say what people will practise.",
    ),
    (
        "learning",
        SENIOR,
        "performance support / getting the job done",
        "Nobody else round the table talks about workplace learning, and it will not get a "
        "budget. Learning happens as a by-product of the work.",
    ),
    (
        "Facebook",
        ALL_LEVELS,
        "internal network",
        "People worry about their personal and professional lives colliding.",
    ),
    (
        "Web 2.0",
        SENIOR,
        "collaboration tools",
        "Dated buzzword that makes the change sound like a technology fad.",
    ),
    (
        "viral",
        SENIOR,
        "taken up quickly",
        "Suggests something spreading out of control, which is the fear to put to rest.",
    ),
    (
        "revolution*",
        [Level.executive.name],
        "change in how we work",
        "Senior people hear upheaval and risk; they want a managed change.",
    ),
    (
        "disrupt*",
        [Level.executive.name],
        "change in how we work",
        "Senior people hear upheaval and risk; they want a managed change.",
    ),
    (
        "user-generated content",
        SENIOR,
        "contributions from colleagues",
        "HR and Internal Communications hear loss of control over what is said.",
    ),
]


def seed_briefing_defaults(campaign: Campaign) -> bool:
    """Give a campaign the default risk checklist and landmine words, each only if it has none.

    Returns whether anything was added (the caller commits).
    """
    has_risks = db.session.scalar(
        db.select(db.func.count(RiskItem.id)).where(RiskItem.campaign_id == campaign.id)
    )
    has_landmines = db.session.scalar(
        db.select(db.func.count(Landmine.id)).where(Landmine.campaign_id == campaign.id)
    )
    if not has_risks:
        db.session.add_all(
            RiskItem(campaign_id=campaign.id, area=area, question=question, position=position)
            for position, (area, question) in enumerate(DEFAULT_RISKS)
        )
    if not has_landmines:
        db.session.add_all(
            Landmine(
                campaign_id=campaign.id,
                word=word,
                audiences=list(audiences),
                suggestion=suggestion,
                reason=reason,
            )
            for word, audiences, suggestion, reason in DEFAULT_LANDMINES
        )
    if has_risks and has_landmines:
        return False
    db.session.flush()
    return True
