"""Crawl policy: when an archived article is fetched again, by its age (young articles still get edited)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .models import utc_iso

REVISIT_AFTER = (
    (timedelta(days=2), timedelta(hours=6)),
    (timedelta(days=7), timedelta(days=1)),
    (timedelta(days=30), timedelta(days=7)),
    (timedelta(days=365), timedelta(days=30)),
)
REVISIT_OLD = timedelta(days=180)


def next_visit(published_at: str | None, first_seen_at: str, visited_at: str) -> str:
    """When to revisit an article: 6 hours when under 2 days old, up to every 180 days when over a year."""
    visited = _utc(visited_at)
    born = _utc(published_at) if published_at else _utc(first_seen_at)
    age = visited - born
    interval = next((every for limit, every in REVISIT_AFTER if age < limit), REVISIT_OLD)
    return utc_iso(visited + interval)


def _utc(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)  # Python 3.11 reads a trailing Z
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
