"""The data model, grouped by aggregate. Import models from here."""

from app.models.audit import AuditEvent
from app.models.briefing import (
    Briefing,
    BriefingAttendee,
    Exposure,
    KeyMessage,
    Landmine,
    RiskItem,
)
from app.models.campaign import Campaign, CampaignTarget, Membership
from app.models.conversation import Conversation, ConversationAttendee, FollowUp
from app.models.enums import (
    GOALS,
    Channel,
    JobStatus,
    Level,
    ObjectionStatus,
    Phase,
    RiskArea,
    RiskStatus,
    Role,
    Stance,
    TokenPurpose,
)
from app.models.job import Job
from app.models.objection import Objection, ObjectionEvent, ObjectionTheme, PlaybookResponse
from app.models.sign_in import SignInFailure
from app.models.stakeholder import Engagement, Stakeholder, StanceChange
from app.models.user import MIN_PASSWORD_LENGTH, AccountToken, User, UserSession

__all__ = [
    "GOALS",
    "MIN_PASSWORD_LENGTH",
    "AccountToken",
    "AuditEvent",
    "Briefing",
    "BriefingAttendee",
    "Campaign",
    "CampaignTarget",
    "Channel",
    "Conversation",
    "ConversationAttendee",
    "Engagement",
    "Exposure",
    "FollowUp",
    "Job",
    "JobStatus",
    "KeyMessage",
    "Landmine",
    "Level",
    "Membership",
    "Objection",
    "ObjectionEvent",
    "ObjectionStatus",
    "ObjectionTheme",
    "Phase",
    "PlaybookResponse",
    "RiskArea",
    "RiskItem",
    "RiskStatus",
    "Role",
    "SignInFailure",
    "Stakeholder",
    "Stance",
    "StanceChange",
    "TokenPurpose",
    "User",
    "UserSession",
]
