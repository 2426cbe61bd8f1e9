"""Reading jobs: a person's own job, and a finished result that can be reused."""

from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import Job, JobStatus


def own_job(campaign, user, job_id: int, *, with_result: bool = False) -> Job | None:
    """The job if `user` asked for it in `campaign`; None otherwise (the caller answers 404)."""
    query = db.select(Job).where(Job.id == job_id, Job.campaign_id == campaign.id,
                                 Job.user_id == user.id)
    if with_result:
        query = query.options(undefer(Job.result))
    return db.session.scalar(query)


def reusable(campaign, user, kind: str, cache_key: str) -> Job | None:
    """A job of this person's for the very same input that is done or still under way."""
    return db.session.scalar(
        db.select(Job)
        .where(Job.campaign_id == campaign.id, Job.user_id == user.id, Job.kind == kind,
               Job.cache_key == cache_key,
               Job.status.in_([JobStatus.queued, JobStatus.running, JobStatus.done]))
        .order_by(Job.id.desc())
        .limit(1)
    )
