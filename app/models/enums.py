"""Enumerations of the domain, stored by name and validated at the boundary."""

import enum


class LabelledEnum(enum.Enum):
    """An enum whose members carry a human label; values are the stored names."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.name, member.label) for member in cls]

    @classmethod
    def parse(cls, name: str | None):
        """The member called `name`, or None when there is no such member."""
        try:
            return cls[name] if name else None
        except KeyError:
            return None


class Role(LabelledEnum):
    admin = "admin"
    lead = "lead"
    champion = "champion"
    viewer = "viewer"


class Level(LabelledEnum):
    executive = "executive"
    manager = "manager"
    worker = "worker"


class Stance(LabelledEnum):
    """Where a person stands on the change. `unknown` means not yet assessed."""

    unknown = "unknown"
    blocker = "blocker"
    sceptic = "sceptic"
    neutral = "neutral"
    supporter = "supporter"
    champion = "champion"

    @property
    def rank(self) -> int | None:
        """Position on the support scale, None for unknown (it has no place on it)."""
        return STANCE_RANK.get(self)

    def at_least(self, other: "Stance") -> bool:
        return self.rank is not None and other.rank is not None and self.rank >= other.rank


STANCE_RANK = {
    Stance.blocker: 0,
    Stance.sceptic: 1,
    Stance.neutral: 2,
    Stance.supporter: 3,
    Stance.champion: 4,
}


class Phase(LabelledEnum):
    embrace = "embrace"
    engage = "engage"
    embed = "embed"


class Channel(LabelledEnum):
    one_to_one = "one-to-one"
    meeting = "meeting"
    demo = "demo"
    workshop = "workshop"
    email = "email"
    chat = "chat"
    conference_session = "conference session"
    other = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ObjectionStatus(LabelledEnum):
    open = "open"
    answered = "answered"
    resolved = "resolved"
    parked = "parked"


class RiskArea(LabelledEnum):
    technical = "technical"
    financial = "financial"
    information = "information"
    communications = "communications"
    support = "support"
    scalability = "scalability"
    data_migration = "data migration"
    licensing = "licensing"
    user_management = "user management"
    architecture = "architecture"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class RiskStatus(LabelledEnum):
    not_assessed = "not assessed"
    open = "open"
    mitigated = "mitigated"
    accepted = "accepted"
    not_applicable = "not applicable"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class TokenPurpose(LabelledEnum):
    """What a one-time account link is for."""

    invite = "invite"
    reset = "reset"


#: The six goals a campaign can pick from (DESIGN.md); a campaign may also write its own.
GOALS = [
    "Give people a shared space to connect",
    "Work together more effectively",
    "Improve how we communicate",
    "Build an open culture of sharing",
    "Find and reward expertise across the business",
    "Manage knowledge and documents better",
]


class JobStatus(LabelledEnum):
    """Where a piece of long work is: waiting for a worker, being done, or over."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
