"""The default playbook: the objections the seeds describe, with an answer per level.

A new campaign gets its own copy (seed_playbook) that its leads then edit. The slugs are
the keys case studies use in their `answers` front matter; do not rename them lightly.

The answers avoid the words that put audiences off ("social", "game", "learning") and
speak of capabilities instead: collaboration, knowledge sharing, performance support,
mentoring, speed to market. Executives get value, risk and evidence in two or three
sentences; managers get relevance to their team's work; workers get what is in it for them.
"""

from datetime import datetime

from slugify import slugify

from app import audit
from app.extensions import db
from app.models import Campaign, Level, ObjectionTheme, PlaybookResponse

E, M, W = Level.executive, Level.manager, Level.worker

#: slug, name, what people say, {level: answer in Markdown}
DEFAULT_THEMES: list[tuple[str, str, str, dict[Level, str]]] = [
    (
        "security",
        "Data leaving the firewall",
        "“Our staff and customer data will end up on a public website like Facebook, outside "
        "the firewall and outside our information security policy.”",
        {
            E: "The platform is a **private, internal space**, chosen against our information "
               "security policy with IT, Information Security, Risk and HR involved from the "
               "start; nothing is visible outside the organisation. The larger exposure today "
               "is the opposite one: without a sanctioned space, teams already share work on "
               "consumer cloud tools that nobody audits. A pilot on a secured test environment "
               "lets Information Security sign off before anything is rolled out.",
            M: "Your team's work stays inside the company: the same sign-in and the same "
               "permissions as the shared drives you use now, with **private groups** for "
               "confidential projects. Ask us for the one-page summary of what Information "
               "Security approved if your team wants to see it.",
            W: "This is not Facebook. Only colleagues signed in with their work account see "
               "what you post, and your profile is not on the internet. Share work there as you "
               "would on the shared drive — and stop hunting for the latest version.",
        },
    ),
    (
        "time-wasting",
        "It will waste people's time",
        "“People will chat and goof off on it instead of working, and it is one more place "
        "everyone has to keep checking.”",
        {
            E: "People inclined to waste time have always found a way; the tool does not create "
               "them. What it changes is how long it takes to find an answer or an expert, "
               "because a question answered once in the open is not asked again by email. "
               "Cisco ran its global two-week channel programme through virtual classrooms, "
               "manager-led coaching and collaborative assignments and saved hundreds of "
               "millions in travel: the hours went into the work, not around it.",
            M: "Attach it to one piece of your team's real work — a project space, a handover, "
               "the question that keeps landing in your inbox — and set expectations as you do "
               "for email and meetings. After a month, count the searching and chasing it "
               "removed.",
            W: "Fewer “does anyone know…?” emails and less digging through old threads: ask "
               "once, find the answer later, and see who knows what. Use it for work you "
               "already do; nobody expects you to live on it.",
        },
    ),
    (
        "loss-of-control",
        "Losing control of communication",
        "“HR and internal communications will lose control of what is said: anyone can post "
        "anything, official messages get drowned out, and user-generated content cannot be "
        "vetted.”",
        {
            E: "Official channels stay as they are; the platform gives the everyday work "
               "conversation — today hidden in closed, copied-in email chains — a place where it "
               "can be seen and joined. Usage guidelines, named community managers and light "
               "moderation give Communications and HR a role in shaping that conversation "
               "instead of approving every word. Holding back does not stop the conversation; "
               "it moves it to tools the organisation neither sees nor influences.",
            M: "You still decide what your team announces officially. The platform carries the "
               "quick questions and updates that now sit in cc'd email, where you can follow "
               "and steer them. Agree three or four ground rules with your team; the community "
               "managers help with the rest.",
            W: "The guidelines are short and use the same judgement you use at work every day. "
               "You can put a question straight to the person who knows, instead of waiting "
               "for it to travel up and down the line.",
        },
    ),
    (
        "leakage-compliance",
        "Information leakage and compliance",
        "“Something confidential will be posted where it should not be, and we will be in "
        "breach of our regulatory and compliance obligations.”",
        {
            E: "Every channel can leak — email, the telephone, a conversation in the corridor — "
               "and we manage those with policy, training and controls rather than banning "
               "them. The platform keeps a record, applies access and retention rules, and lets "
               "a mistake be found and corrected quickly, which a forwarded email does not. A "
               "short risk checklist drawn up with Information Assurance and Information "
               "Security gives senior people sight of the technical, financial, information "
               "and communications issues before rollout.",
            M: "The rules your team follows for email and documents apply unchanged: "
               "classification, who may see what, what stays within the team. Use **private "
               "spaces** for restricted work. Something posted in the wrong place can be found "
               "and removed — unlike an email once it has been forwarded.",
            W: "If you would not send it to the whole department by email, do not post it in "
               "an open group: use a private space. When unsure, ask the community manager "
               "before posting.",
        },
    ),
    (
        "cost-value",
        "Cost and proof of value",
        "“It costs money and time, nobody can show what it returns, and the business case "
        "will not stand up — if anyone reads it.”",
        {
            E: "We start from a business problem with a number attached — travel, time to "
               "competence, repeated questions, duplicated work — not from the tool. Cisco, "
               "which earns about 85% of its revenue through channel partners, moved its "
               "global channel training onto virtual classrooms, manager-led coaching and "
               "collaborative work and saved hundreds of millions in travel. We propose a "
               "small pilot with agreed measures and a decision date, not an enterprise-wide "
               "purchase on faith.",
            M: "Name the one thing costing your team most time — onboarding, handovers, "
               "finding expertise — and we will measure it before and after. If the figure "
               "does not move, you have spent a few weeks, not a budget.",
            W: "The return shows up in your day: the right document or the right person in "
               "minutes instead of days, and good work of yours noticed beyond your own team.",
        },
    ),
    (
        "fad",
        "A fad, a shiny new toy",
        "“It is the latest bandwagon — a shiny new toy everyone is jumping on, and it will "
        "be forgotten in a year.”",
        {
            E: "Working in communities is not new: IBM ran them on Lotus Notes in the late "
               "1990s, and cross-functional groups are older still. What has changed is how "
               "cheaply it can be done across a whole organisation. We are not adopting a "
               "tool because others have; we are addressing named problems — finding "
               "expertise, faster communication, knowledge management — and will stop if the "
               "measures do not move.",
            M: "Judge it by one problem it solves for your team, not by the hype. If it has "
               "not made a specific job easier within a few weeks, tell us and we will change "
               "course.",
            W: "You do not need to be an enthusiast. Use it where it saves you effort — finding "
               "a document, asking a question, keeping up with a project — and ignore the "
               "buzzwords.",
        },
    ),
    (
        "personal-professional",
        "Personal and professional life colliding",
        "“I do not want my boss and colleagues seeing my private life, or my work following "
        "me home.”",
        {
            E: "This is a work tool with work profiles: it is not connected to anyone's "
               "personal accounts, and nothing comes in from them unless a person chooses. "
               "Clear guidance on what belongs where protects the organisation and its people "
               "alike. ThoughtWorks keeps a person's public “lifestream” apart from their "
               "“workstream” while still letting colleagues learn from both — the separation "
               "is a design choice.",
            M: "Profiles show role, skills and projects, not holiday photos. Nobody has to link "
               "a personal account or be on it outside working hours; say so to your team and "
               "keep to it yourself.",
            W: "Your profile is your work profile — role, skills, what you are working on — "
               "separate from Facebook or anything personal, and you decide what goes on it. "
               "Off the clock means off.",
        },
    ),
    (
        "it-support-scale",
        "IT support and scalability",
        "“It is one more system to support: who handles scaling, data migration, licences, "
        "user accounts and how it fits our architecture?”",
        {
            E: "These are fair questions, and they belong in the plan before the decision, not "
               "after it: support, scalability, data migration, licensing, user management and "
               "architecture each sit on the risk checklist with a named owner. Accounts come "
               "from the existing directory, so joiners and leavers are handled as they are "
               "everywhere else. A pilot on a test environment proves the load and support "
               "figures before any wider rollout.",
            M: "Your team signs in with its usual account, help comes through the normal "
               "service desk, and existing documents move across in stages — nothing is "
               "switched off overnight.",
            W: "Same sign-in as everything else, same help desk if something breaks. Your "
               "files do not vanish: what you need is moved across or linked.",
        },
    ),
    (
        "knowing-culture",
        "Knowledge kept close (a knowing culture)",
        "“Here, knowing things is power: people are valued for what they keep to "
        "themselves, so why would anyone give it away?”",
        {
            E: "Where people are rewarded for holding information tight, the organisation pays "
               "twice: work is repeated, and expertise walks out of the door with the people "
               "who have it. Making expertise visible lets us find and reward the people "
               "others rely on, and shortens the time newcomers take to become productive. "
               "It is a change of habit that takes months, and it starts with senior people "
               "sharing openly themselves.",
            M: "Recognise the people in your team who answer others' questions — it is "
               "mentoring at scale, and it makes their expertise visible beyond your team. "
               "Share first yourself: your team copies what you do, not what the intranet "
               "says.",
            W: "Sharing what you know puts your name on it: people across the business learn "
               "who the expert is. In return you get answers from others instead of working "
               "everything out alone.",
        },
    ),
]

#: Fields of a theme the audit trail records.
THEME_FIELDS = ("slug", "name", "description", "position")


def seed_playbook(campaign: Campaign) -> list[ObjectionTheme]:
    """Give a campaign its own copy of the default themes and answers."""
    themes = []
    for position, (slug, name, description, answers) in enumerate(DEFAULT_THEMES):
        theme = ObjectionTheme(
            campaign_id=campaign.id,
            slug=slug,
            name=name,
            description=description,
            position=position,
            responses=[
                PlaybookResponse(level=level, response=answers.get(level, "")) for level in Level
            ],
        )
        db.session.add(theme)
        themes.append(theme)
    db.session.flush()
    return themes


def unique_theme_slug(campaign: Campaign, name: str) -> str:
    """A slug for a new theme derived from its name, not yet used in the campaign."""
    base = slugify(name, max_length=56) or "theme"
    taken = set(
        db.session.scalars(
            db.select(ObjectionTheme.slug).where(
                ObjectionTheme.campaign_id == campaign.id, ObjectionTheme.slug.like(f"{base}%")
            )
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _answer_key(level: Level) -> str:
    return f"answer_{level.name}"


def create_theme(campaign: Campaign, author, name: str, description: str,
                 answers: dict[Level, str]) -> ObjectionTheme:
    """Add a theme to the campaign's playbook (slug from the name), audited."""
    position = db.session.scalar(
        db.select(db.func.coalesce(db.func.max(ObjectionTheme.position), -1)).where(
            ObjectionTheme.campaign_id == campaign.id
        )
    )
    theme = ObjectionTheme(
        campaign_id=campaign.id,
        slug=unique_theme_slug(campaign, name),
        name=name.strip(),
        description=description.strip(),
        position=position + 1,
        responses=[
            PlaybookResponse(level=level, response=answers.get(level, "").strip(),
                             updated_by_id=getattr(author, "id", None))
            for level in Level
        ],
    )
    db.session.add(theme)
    db.session.flush()
    changes = {field: [None, value] for field, value in audit.snapshot(theme, THEME_FIELDS).items()}
    changes.update({_answer_key(r.level): [None, r.response] for r in theme.responses})
    audit.record(theme, "create", changes, user=author)
    return theme


def update_theme(theme: ObjectionTheme, author, name: str, description: str,
                 answers: dict[Level, str]) -> dict:
    """Edit a theme's name, description and answers; audit old and new values."""
    changes = audit.apply_changes(theme, {"name": name.strip(), "description": description.strip()})
    for level in Level:
        if level not in answers:
            continue
        response = theme.response_for(level)
        if response is None:
            response = PlaybookResponse(level=level, response="")
            theme.responses.append(response)
        new = answers[level].strip()
        if response.response != new:
            changes[_answer_key(level)] = [response.response or None, new]
            response.response = new
            response.updated_by_id = getattr(author, "id", None)
    audit.record(theme, "update", changes, user=author)
    db.session.flush()
    return changes


def current_themes(campaign: Campaign) -> list[ObjectionTheme]:
    """The themes offered for new objections, in playbook order (retired ones left out)."""
    return list(db.session.scalars(
        db.select(ObjectionTheme)
        .where(ObjectionTheme.campaign_id == campaign.id, ObjectionTheme.archived_at.is_(None))
        .order_by(ObjectionTheme.position, ObjectionTheme.name)
    ))


def move_theme(theme: ObjectionTheme, author, place: int) -> dict:
    """Put a current theme at `place` (1 = first) in the playbook; the others close up.

    Retired themes keep their places after the current ones. Audited for the moved theme.
    """
    campaign = db.session.get(Campaign, theme.campaign_id)
    ordered = [other for other in current_themes(campaign) if other.id != theme.id]
    ordered.insert(max(0, min(place - 1, len(ordered))), theme)
    old = theme.position
    for position, each in enumerate(ordered):
        each.position = position
    changes = {"position": [old, theme.position]} if old != theme.position else {}
    audit.record(theme, "update", changes, user=author)
    db.session.flush()
    return changes


def retire_theme(theme: ObjectionTheme, author, *, now: datetime) -> None:
    """Take a theme out of the playbook's offer (from `now`); what was raised under it stays."""
    if theme.archived_at is None:
        audit.change(theme, {"archived_at": now}, user=author, action="archive")
        db.session.flush()


def restore_theme(theme: ObjectionTheme, author) -> None:
    """Offer a retired theme again, last in the playbook."""
    if theme.archived_at is not None:
        last = db.session.scalar(
            db.select(db.func.coalesce(db.func.max(ObjectionTheme.position), -1)).where(
                ObjectionTheme.campaign_id == theme.campaign_id,
                ObjectionTheme.archived_at.is_(None),
            )
        )
        audit.change(theme, {"archived_at": None, "position": last + 1}, user=author,
                     action="restore")
        db.session.flush()
