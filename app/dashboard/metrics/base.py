"""What every dashboard figure shares: the stance scale, portable SQL pieces, numbers."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, time

from sqlalchemy import Float, Integer, case
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.extensions import db
from app.models import Engagement, Stance
from app.models.enums import STANCE_RANK

#: Stances from least to most supportive, then unknown (no place on the scale).
STANCE_ORDER = (
    Stance.blocker,
    Stance.sceptic,
    Stance.neutral,
    Stance.supporter,
    Stance.champion,
    Stance.unknown,
)
CONVERTED = (Stance.supporter, Stance.champion)


# --- Portable SQL pieces ---------------------------------------------------------------


class day_number(FunctionElement):  # noqa: N801 - reads like the SQL function it renders
    """A date or timestamp as fractional days since a fixed epoch (differences are days)."""

    type = Float()
    name = "day_number"
    inherit_cache = True


@compiles(day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw):
    return f"julianday({compiler.process(element.clauses, **kw)})"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element, compiler, **kw):
    # EXTRACT gives numeric; float arithmetic is several times faster over many rows.
    return (f"(CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) "
            "AS DOUBLE PRECISION) / 86400.0)")


class whole(FunctionElement):  # noqa: N801
    """The integer part of a non-negative number (SQLite has no portable FLOOR)."""

    type = Integer()
    name = "whole"
    inherit_cache = True


@compiles(whole, "sqlite")
def _whole_sqlite(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


@compiles(whole, "postgresql")
def _whole_postgresql(element, compiler, **kw):
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS INTEGER)"


def stance_rank(column):
    """SQL rank of a stance column; NULL for unknown, which has no place on the scale."""
    # Compared by stored name, so it also works on untyped columns (LAG, unions).
    return case({stance.name: rank for stance, rank in STANCE_RANK.items()}, value=column)


def current_people(campaign_id: int) -> list:
    """WHERE conditions for the campaign's people not archived (Engagement joined to
    Stakeholder)."""
    return [Engagement.campaign_id == campaign_id, Engagement.archived_at.is_(None)]


def counted_page(query, limit: int | None) -> tuple[int, list]:
    """(the `total` window count every row carries, the first `limit` rows): one statement
    gives both the list and how many there are in all."""
    if limit is not None:
        query = query.limit(limit)
    rows = db.session.execute(query).all()
    return (rows[0].total if rows else 0), rows


def at_midnight(day: date) -> datetime:
    """The first moment of `day`, UTC."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def as_number(value, digits: int | None = None):
    """Decimals from PostgreSQL and floats from SQLite alike, as plain Python numbers."""
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if digits is not None else value


def share(part: int, whole_: int) -> float | None:
    """Percentage, one decimal; None when there is nobody to share among."""
    return round(100.0 * part / whole_, 1) if whole_ else None



def from_row(row_class, row, **computed):
    """A `row_class` dataclass from a result row whose columns are labelled with its field
    names (read by name, never by position); `computed` gives the fields worked out here."""
    mapping = row._mapping
    return row_class(**{
        name: computed[name] if name in computed else mapping[name]
        for name in (column.name for column in fields(row_class))
    })
