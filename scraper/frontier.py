"""The crawl's memory between runs, kept in the archive: URLs still to fetch, and how far listings were walked.

A run killed at any point leaves its pending URLs here, so the next run resumes without refetching what was
committed. A listing page leaves the frontier in the same transaction that puts what it listed and the pages
after it there, so no interruption can lose the rest of a listing. A page that failed comes back after a
growing delay; after MAX_ATTEMPTS it goes to a slow lane (monthly, or daily while a listing shows it), never
away for good.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from .models import utc_iso, utc_now

if TYPE_CHECKING:
    from .store import Archive

RETRY_DELAYS = (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24))
MAX_ATTEMPTS = 10
SLOW_LANE_DELAY = timedelta(days=30)  # after MAX_ATTEMPTS: a portal can be down for weeks, then come back
RELISTED_DELAY = timedelta(days=1)  # a slow-lane URL a listing shows again is due within a day
# A page linked as an article that holds none (a document's page in a "Văn bản mới" sidebar on every page): a
# classification, looked at again after this long (it may have become an article), never on every run.
CLASSIFIED_DELAY = timedelta(days=30)


def look_again_at() -> str:
    """When a page found to hold no article is looked at again: CLASSIFIED_DELAY from now."""
    return utc_iso(datetime.now(UTC) + CLASSIFIED_DELAY)


class Pending(StrEnum):
    """What a frontier row waits for."""

    ARTICLE = "article"
    LISTING = "listing"  # a page of a backfill: the walk goes on to the listing's last page
    LISTING_HEAD = "listing_head"  # a page of a head walk: the walk goes on while pages show new articles


class Frontier:
    """The frontier and listings of one site in an archive."""

    def __init__(self, archive: Archive, site: str) -> None:
        self.archive = archive
        self.db = archive.db
        self.site = site

    def add(self, urls: list[str], kind: Pending) -> None:
        """Remember URLs to fetch (already known ones are left as they are)."""
        if not urls:
            return
        now = utc_now()
        with self.archive.transaction():
            for url in urls:
                self.db.execute(
                    "INSERT OR IGNORE INTO frontier (site, url, kind, discovered_at) VALUES (?, ?, ?, ?)",
                    [self.site, url, kind, now],
                )

    def pending(self, kind: Pending, now: str | None = None) -> list[str]:
        """URLs of a kind that are due: never tried, or their retry time has come; oldest first."""
        rows = self.db.execute(
            "SELECT url FROM frontier WHERE site = ? AND kind = ? "
            "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id",
            [self.site, kind, now or utc_now()],
        )
        return [row[0] for row in rows]

    def queued(self) -> set[str]:
        """Every URL in the frontier of a site, due or not."""
        return {row[0] for row in self.db.execute("SELECT url FROM frontier WHERE site = ?", [self.site])}

    def done(self, url: str) -> None:
        """Forget a URL that was handled (archived, or a listing page walked)."""
        with self.archive.transaction():
            self.db.execute("DELETE FROM frontier WHERE site = ? AND url = ?", [self.site, url])

    def drop(self, urls: list[str], kind: Pending) -> None:
        """Forget URLs of a kind that are no longer wanted (a head walk that ended before them)."""
        with self.archive.transaction():
            self.db.execute(
                "DELETE FROM frontier WHERE site = ? AND kind = ? AND url IN (SELECT value FROM json_each(?))",
                [self.site, kind, json.dumps(urls)],
            )

    def failed(self, url: str, reason: str, kind: Pending = Pending.ARTICLE) -> None:
        """Schedule a failed URL for a later run (1 h, 6 h, then daily; monthly after MAX_ATTEMPTS)."""
        with self.archive.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO frontier (site, url, kind, discovered_at) VALUES (?, ?, ?, ?)",
                [self.site, url, kind, utc_now()],
            )
            attempts = (
                self.db.execute(
                    "SELECT attempts FROM frontier WHERE site = ? AND url = ?", [self.site, url]
                ).fetchone()[0]
                + 1
            )
            slow = attempts >= MAX_ATTEMPTS
            delay = SLOW_LANE_DELAY if slow else RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
            self.db.execute(
                "UPDATE frontier SET attempts = ?, next_attempt_at = ?, last_error = ?, "
                "gave_up_at = CASE WHEN ? THEN coalesce(gave_up_at, ?) END WHERE site = ? AND url = ?",
                [attempts, utc_iso(datetime.now(UTC) + delay), reason, slow, utc_now(), self.site, url],
            )

    def classified(self, url: str, reason: str) -> None:
        """A fetched page that is no article: kept with its reason, looked at again after CLASSIFIED_DELAY.

        Not in the slow lane (gave_up_at stays NULL), so a listing showing it again does not make it due sooner.
        """
        later = look_again_at()
        with self.archive.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO frontier (site, url, kind, discovered_at) VALUES (?, ?, ?, ?)",
                [self.site, url, Pending.ARTICLE, utc_now()],
            )
            self.db.execute(
                "UPDATE frontier SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                "WHERE site = ? AND url = ?",
                [later, reason, self.site, url],
            )

    def relisted(self, urls: Iterable[str]) -> None:
        """URLs a listing shows again: those in the slow lane become due within RELISTED_DELAY."""
        soon = utc_iso(datetime.now(UTC) + RELISTED_DELAY)
        with self.archive.transaction():
            self.db.execute(
                "UPDATE frontier SET next_attempt_at = ? WHERE site = ? AND gave_up_at IS NOT NULL "
                "AND next_attempt_at > ? AND url IN (SELECT value FROM json_each(?))",
                [utc_now(), self.site, soon, json.dumps(list(urls))],
            )

    def backfilled(self, listing: str) -> bool:
        """Whether a listing has been walked to its last page once (after that, walks stop at nothing new)."""
        row = self.db.execute(
            "SELECT backfilled_at FROM listings WHERE site = ? AND url = ?", [self.site, listing]
        ).fetchone()
        return bool(row and row[0])

    def mark_backfilled(self, listing: str) -> None:
        """Record that a listing was walked to its end."""
        self._set_listing(listing, "backfilled_at")

    def last_complete_walk(self, listing: str) -> str | None:
        """When a listing was last walked to its end (its backfill or a sweep); None before its backfill ends."""
        row = self.db.execute(
            "SELECT max(backfilled_at, coalesce(swept_at, '')) FROM listings "
            "WHERE site = ? AND url = ? AND backfilled_at IS NOT NULL",
            [self.site, listing],
        ).fetchone()
        return str(row[0]) if row and row[0] else None

    def mark_swept(self, listing: str) -> None:
        """Record that a listing was walked to its end again, to see which articles left it."""
        self._set_listing(listing, "swept_at")

    def mark_sweep_tried(self, listing: str) -> None:
        """Record a sweep that could not reach every page (tried again after SWEEP_RETRY, not every run)."""
        self._set_listing(listing, "sweep_tried_at")

    def sweep_tried_since(self, listing: str, since: str) -> bool:
        """Whether a sweep of this listing was tried (and fell short) after `since`."""
        row = self.db.execute(
            "SELECT sweep_tried_at > ? FROM listings WHERE site = ? AND url = ?", [since, self.site, listing]
        ).fetchone()
        return bool(row and row[0])

    def mark_walked(self, listing: str) -> None:
        """Record that a listing page was walked (a backfill never queues it again)."""
        self._set_listing(listing, "walked_at")

    def walked(self) -> set[str]:
        """Every listing page of a site walked so far."""
        return {
            row[0]
            for row in self.db.execute(
                "SELECT url FROM listings WHERE site = ? AND walked_at IS NOT NULL", [self.site]
            )
        }

    def _set_listing(self, listing: str, column: str) -> None:
        with self.archive.transaction():
            self.db.execute(
                f"INSERT INTO listings (site, url, {column}) VALUES (?, ?, ?) "
                f"ON CONFLICT (site, url) DO UPDATE SET {column} = excluded.{column}",
                [self.site, listing, utc_now()],
            )
