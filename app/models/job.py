"""Long work done off the request path (PDFs, imports), as the person who asked sees it.

The task queue (Huey) carries only a job's id; this row is the truth about it: what was
asked, how far it has got, and what came of it. A worker that dies mid-job leaves the row
`running`, and the reaper (app/jobs/operations.py) sends it again or marks it failed, so a
job is never lost silently.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow
from app.models.enums import JobStatus


class Job(db.Model):
    __table_args__ = (
        Index("ix_job_status_created", "status", "created_at"),
        Index("ix_job_cache_key", "cache_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which handler does it: "report", "briefing", "case_study", "import", ...
    kind: Mapped[str] = mapped_column(String(32))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    #: Who asked; only they see the job and its result.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.queued)
    #: What the handler needs, as JSON (ids, filters, the asker's time zone).
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: An uploaded file the job reads (an import's CSV); dropped when the job ends.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: Identical requests share a finished result (e.g. the same case study PDF).
    cache_key: Mapped[str | None] = mapped_column(String(64))
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int | None]
    #: What the person reads: a step ("Laying out the pages"), or why it failed.
    message: Mapped[str] = mapped_column(Text, default="")
    #: Structured outcome, e.g. {"briefing_id": 12} or an import's per-row report.
    outcome: Mapped[dict] = mapped_column(JSON, default=dict)
    #: A file to download (a PDF), its name and type.
    result: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_type: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Last sign of life from the worker doing it (set on start and on each progress step).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: Deleting the campaign or the asker deletes their jobs (ON DELETE CASCADE), so a job a
    #: worker finds always has both (the asker: unless a command asked).
    campaign: Mapped["Campaign | None"] = relationship()  # noqa: F821
    user: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def over(self) -> bool:
        return self.status in (JobStatus.done, JobStatus.failed)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
