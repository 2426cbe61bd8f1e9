"""Reads for the briefings pages: generated briefings, key messages, risks, landmine words."""

from flask import current_app
from sqlalchemy.orm import joinedload, selectinload, undefer

from app.extensions import db
from app.models import (
    Briefing,
    BriefingAttendee,
    Campaign,
    Engagement,
    Exposure,
    KeyMessage,
    Landmine,
    Level,
    RiskArea,
    RiskItem,
    RiskStatus,
)


def _paginate(query):
    return db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)


def _with_people(query):
    return query.options(
        joinedload(Briefing.created_by),
        selectinload(Briefing.attendees)
        .joinedload(BriefingAttendee.engagement)
        .joinedload(Engagement.stakeholder),
    )


def briefing_history(campaign: Campaign, audience: Level | None):
    """One page of the campaign's generated briefings, newest first, with who made each and
    who attended."""
    query = (
        _with_people(db.select(Briefing))
        .where(Briefing.campaign_id == campaign.id)
        .order_by(Briefing.created_at.desc(), Briefing.id.desc())
    )
    if audience is not None:
        query = query.where(Briefing.audience == audience)
    return _paginate(query)


def briefing_in(campaign: Campaign, briefing_id: int) -> Briefing | None:
    """A briefing of this campaign with its author and attendees, or None."""
    return db.session.scalar(
        _with_people(db.select(Briefing))
        .where(Briefing.id == briefing_id, Briefing.campaign_id == campaign.id)
    )


def briefing_with_pdf(campaign: Campaign, briefing_id: int) -> Briefing | None:
    """A briefing of this campaign with its stored PDF bytes loaded, or None."""
    return db.session.scalar(
        db.select(Briefing)
        .options(undefer(Briefing.pdf))
        .where(Briefing.id == briefing_id, Briefing.campaign_id == campaign.id)
    )


def key_messages(campaign: Campaign, level: Level | None, archived: bool):
    """One page of key messages (current or archived) in level order, and how many people
    have heard each message on the page."""
    query = db.select(KeyMessage).where(KeyMessage.campaign_id == campaign.id)
    query = query.where(
        KeyMessage.archived_at.is_not(None) if archived else KeyMessage.archived_at.is_(None)
    )
    if level is not None:
        query = query.where(KeyMessage.level == level)
    level_order = db.case({lvl.name: index for index, lvl in enumerate(Level)},
                          value=KeyMessage.level)
    page = _paginate(query.order_by(level_order, KeyMessage.position, KeyMessage.id))
    ids = [message.id for message in page.items]
    heard = {}
    if ids:
        heard = dict(
            db.session.execute(
                db.select(Exposure.key_message_id,
                          db.func.count(db.distinct(Exposure.engagement_id)))
                .where(Exposure.key_message_id.in_(ids))
                .group_by(Exposure.key_message_id)
            ).all()
        )
    return page, heard


def risk_checklist(campaign: Campaign):
    """One page of the risk checklist in area order, and the count of items per status."""
    area_order = db.case({area.name: index for index, area in enumerate(RiskArea)},
                         value=RiskItem.area)
    page = _paginate(
        db.select(RiskItem)
        .where(RiskItem.campaign_id == campaign.id)
        .order_by(area_order, RiskItem.position, RiskItem.id)
    )
    counts: dict[RiskStatus, int] = dict(
        db.session.execute(
            db.select(RiskItem.status, db.func.count(RiskItem.id))
            .where(RiskItem.campaign_id == campaign.id)
            .group_by(RiskItem.status)
        ).all()
    )
    return page, counts


def landmine_page(campaign: Campaign):
    """One page of the landmine word list, alphabetical."""
    return _paginate(
        db.select(Landmine)
        .where(Landmine.campaign_id == campaign.id)
        .order_by(db.func.lower(Landmine.word), Landmine.id)
    )


def landmine_words(campaign: Campaign) -> list[Landmine]:
    """Every landmine word of the campaign, to check a text against."""
    return list(db.session.scalars(
        db.select(Landmine).where(Landmine.campaign_id == campaign.id)
    ))


def landmine_listed(campaign: Campaign, word: str, *, excluding: Landmine | None = None) -> bool:
    """Whether the campaign's list already has `word` (any case), other than `excluding`."""
    query = db.select(Landmine.id).where(
        Landmine.campaign_id == campaign.id,
        db.func.lower(Landmine.word) == word.lower(),
    )
    if excluding is not None:
        query = query.where(Landmine.id != excluding.id)
    return db.session.scalar(query) is not None
