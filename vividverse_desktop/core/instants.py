"""Client timestamps: aware datetimes whose UTC time a database can hold."""

from __future__ import annotations

from datetime import UTC, datetime


def instant_problem(value: object) -> str | None:
    """Why ``value`` is no aware datetime that stays in range once moved to UTC; else ``None``.

    ``0001-01-01T00:00:00+01:00`` is aware but falls before year 1 in UTC: nothing stores it.
    """
    if not isinstance(value, datetime) or value.utcoffset() is None:
        return "must be a timezone-aware datetime"
    try:
        value.astimezone(UTC)
    except OverflowError:
        return "must fall in years 1-9999 in UTC"
    return None
