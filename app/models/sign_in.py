"""Failed sign-ins, counted in the database so every worker and server sees the same
count (see app/auth/throttle.py)."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class SignInFailure(db.Model):
    """One wrong password (or unknown email); rows older than the window are pruned."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        Index("ix_sign_in_failure_email_failed_at", "email", "failed_at"),
        Index("ix_sign_in_failure_address_failed_at", "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The email as typed, normalised; kept whether or not an account has it.
    email: Mapped[str] = mapped_column(String(254))
    #: The client's address (after TRUSTED_PROXIES hops of X-Forwarded-For).
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<SignInFailure {self.email} from {self.address} at {self.failed_at}>"
