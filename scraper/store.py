"""Store stage: the archive as one object bound to a connection, and a per-run, per-site view for the run loop.

`Archive` holds what belongs to its connection: the articles waiting for the search index, the capture
codec's dictionaries, and the writes that are not a site's (runs, re-extraction).
`archive.site(run, name, schedule)` gives the run loop a `SiteArchive` bound to its run and site: fetches,
captures, articles, observations and the site's `Frontier`, one whole article per transaction; `schedule`
(crawl policy, `revisits.next_visit`) says when each article is due again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from .archive import index_queued, open_archive, text_hash
from .archive import transaction as write_unit
from .captures import Captures
from .dates import local_date
from .frontier import Frontier
from .models import (
    VERSION,
    Article,
    Attempt,
    LoadResult,
    Outcome,
    Page,
    RunKind,
    RunStatus,
    SiteVisits,
    utc_now,
)
from .text import clean_line

log = logging.getLogger(__name__)

# Words a body needs before its text alone says two URLs hold one article: notices of one title whose body is
# a line of boilerplate ("Xem file đính kèm", "Đang cập nhật") are different documents (each week's schedule),
# and an alias would lose one of them. Spellings of one URL are told apart by `urls.document_key` instead.
MIN_DEDUP_WORDS = 30

# When to fetch an article again, from (published_at, first_seen_at, visited_at): crawl policy, given by the
# run layer (revisits.next_visit), so the store only records the answer.
Schedule = Callable[[str | None, str, str], str]


class Archive:
    """One archive connection and every write to it; open one with `Archive.open(path)`."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.unindexed: list[int] = []  # articles inserted in the open transaction, indexed before COMMIT
        self.captures = Captures(db)

    @classmethod
    def open(cls, path: str | Path) -> Archive:
        """Open (creating and migrating if needed) the archive at path for writing."""
        return cls(open_archive(path))

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write unit (archive.transaction) that indexes this connection's new articles before COMMIT."""
        with write_unit(self.db, self.unindexed):
            yield

    def site(self, run_id: int, site: str, schedule: Schedule) -> SiteArchive:
        """The view of one site's part of a run."""
        return SiteArchive(self, run_id, site, schedule)

    def insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row and return its id.

        Plain SQL on this hot path: sqlite-utils' Table.insert issued 31 statements per article (savepoints,
        table introspection), capping loading at 1,700 articles/s (bench/bench_loader.py). Table and column
        names come from this module only, never from scraped data (reliability.md X7).
        """
        columns = ", ".join(row)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})"
        return int(self.db.execute(sql, list(row.values())).lastrowid or 0)

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        """Update columns of one row by id (same reasoning as insert)."""
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row_id])

    # -- runs ------------------------------------------------------------------------------------------------

    def start_run(self, sites: int, kind: RunKind = RunKind.CRAWL) -> int:
        """Open a `runs` row of this kind ("crawl" or "reextract").

        A crawl holds the archive's lock, so crawls left "running" are dead: they are marked "crashed" first.
        A re-extraction takes no lock (it may run beside a crawl) and marks nothing.
        """
        with self.transaction():
            if kind == RunKind.CRAWL:
                self.db.execute(
                    "UPDATE runs SET status = 'crashed' WHERE status = 'running' AND kind = 'crawl'"
                )
            row = {
                "started_at": utc_now(),
                "status": RunStatus.RUNNING,
                "pid": os.getpid(),
                "sites": sites,
                "kind": kind,
            }
            return self.insert("runs", row)

    def finish_run(self, run_id: int, status: RunStatus, counts: dict[str, int]) -> None:
        """Close a run with its status and counts, and checkpoint what the WAL holds as far as readers allow."""
        with self.transaction():
            self.update("runs", run_id, {"finished_at": utc_now(), "status": status, **counts})
        try:
            # PASSIVE: TRUNCATE waits out busy_timeout (30 s) for every analyst holding a read transaction, and
            # a checkpoint that cannot finish now is finished by a later one; nothing is lost either way.
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self.db.execute("PRAGMA optimize")
        except sqlite3.Error as exc:  # the run is recorded; a full disk may refuse the housekeeping
            log.warning("end-of-run checkpoint skipped: %s", exc)

    # -- articles --------------------------------------------------------------------------------------------

    def store_article(
        self, site: str, url: str, article: Article, capture_id: int | None, at: str, seen: bool = True
    ) -> LoadResult:
        """Insert or update one article inside the caller's transaction; a version only when content changes.

        `seen` is False when the article comes from a stored capture (reextract), not from a visit to the
        site: then it says nothing of the article being there now, so last_seen_at, views and removal stay as
        they are, and a new version is marked as a re-extraction, not as an edit by the site.
        """
        row = self.db.execute("SELECT id, content_hash FROM articles WHERE url = ?", [url]).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT a.id, a.content_hash FROM article_aliases al JOIN articles a ON a.id = al.article_id "
                "WHERE al.url = ?",
                [url],
            ).fetchone()
        if row is None:
            return self._insert_article(site, url, article, capture_id, at, seen)
        article_id, old_hash = row
        digest = content_hash(article)
        observed = _observed(article, at) if seen else {}
        if old_hash == digest:
            if observed:
                self.update("articles", article_id, observed)
            return LoadResult(article_id, Outcome.UNCHANGED)
        update = _version_fields(article) | {
            "content_hash": digest,
            "text_hash": text_hash(article.title, article.body),
        }
        update |= observed | {"changed_at": at, "category": article.category}
        update["flags"] = json.dumps(list(article.flags)) if article.flags else None
        if capture_id is not None:
            update["capture_id"] = capture_id
        self._keep_superseded_text(article_id)
        index_queued(self.db, self.unindexed)  # the update trigger takes the old text out of the index first
        self.update("articles", article_id, update)
        self._insert_version(article_id, digest, capture_id, at, "crawl" if seen else "reextract")
        return LoadResult(article_id, Outcome.CHANGED)

    def add_alias(self, article_id: int, url: str, at: str) -> bool:
        """Record url as another URL of the article, unless it is already an article's URL or an alias."""
        taken = self.db.execute(
            "SELECT 1 FROM articles WHERE url = ? UNION ALL SELECT 1 FROM article_aliases WHERE url = ?",
            [url, url],
        ).fetchone()
        if taken is None:
            self.insert("article_aliases", {"article_id": article_id, "url": url, "first_seen_at": at})
        return taken is None

    def _insert_article(
        self, site: str, url: str, article: Article, capture_id: int | None, at: str, seen: bool
    ) -> LoadResult:
        key = text_hash(article.title, article.body)
        same = self.db.execute(
            "SELECT id FROM articles WHERE site = ? AND text_hash = ?", [site, key]
        ).fetchone()
        if same is not None and len(article.body.split()) >= MIN_DEDUP_WORDS:
            # the same article under another URL: an alias, not a second article
            self.insert("article_aliases", {"article_id": same[0], "url": url, "first_seen_at": at})
            if seen:
                self.update("articles", same[0], {"last_seen_at": at})
            return LoadResult(same[0], Outcome.ALIAS, aliases=1)
        digest = content_hash(article)
        record = {"site": site, "url": url, **_version_fields(article), "views": article.views}
        record |= {
            "content_hash": digest,
            "text_hash": key,
            "profile": article.profile,
            "capture_id": capture_id,
        }
        record |= {
            "flags": json.dumps(list(article.flags)) if article.flags else None,
            "category": article.category,
        }
        record |= {"attachments": json.dumps([vars(a) for a in article.attachments], ensure_ascii=False)}
        article_id = self.insert(
            "articles", record | {"first_seen_at": at, "last_seen_at": at, "changed_at": at}
        )
        self.unindexed.append(article_id)
        self._insert_version(article_id, digest, capture_id, at, "crawl" if seen else "reextract")
        return LoadResult(article_id, Outcome.NEW)

    def _insert_version(
        self, article_id: int, digest: str, capture_id: int | None, at: str, origin: str
    ) -> None:
        """The new current version: its text lives in `articles` until it is superseded (schema v7)."""
        version = {
            "article_id": article_id,
            "observed_at": at,
            "content_hash": digest,
            "capture_id": capture_id,
        }
        self.insert("article_versions_data", version | {"origin": origin, "extractor": VERSION})

    def _keep_superseded_text(self, article_id: int) -> None:
        """Copy the article's current text into its current version, before `articles` takes the new text."""
        self.db.execute(
            "UPDATE article_versions_data SET (title, published_at, author, body) = "
            "(SELECT title, published_at, author, body FROM articles WHERE id = ?) "
            "WHERE article_id = ? AND body IS NULL",
            [article_id, article_id],
        )


# The articles a sweep of some start listings answers for; one clause, so the share check counts exactly
# what mark_unlisted would mark.
_LISTED_UNDER = "site = ? AND listed_via IN (SELECT value FROM json_each(?)) AND removed_at IS NULL"


class SiteArchive:
    """One site's part of one run: what the run loop records, and the site's frontier."""

    def __init__(self, archive: Archive, run_id: int, site: str, schedule: Schedule) -> None:
        self.archive = archive
        self.db = archive.db
        self.run_id = run_id
        self.site = site
        self.schedule = schedule
        self.frontier = Frontier(archive, site)

    def transaction(self) -> AbstractContextManager[None]:
        """One write unit joining the calls inside it (see Archive.transaction)."""
        return self.archive.transaction()

    def known_urls(self) -> set[str]:
        """The canonical URLs already archived for the site."""
        rows = self.db.execute(
            "SELECT url FROM articles WHERE site = ? UNION "
            "SELECT al.url FROM article_aliases al JOIN articles a ON a.id = al.article_id WHERE a.site = ?",
            [self.site, self.site],
        )
        return {row[0] for row in rows}

    def _article_of(self, url: str) -> tuple[int, str] | None:
        """(id, title) of the site's article archived under url or with url as an alias."""
        row = self.db.execute(
            "SELECT id, title FROM articles WHERE site = ? AND url = ? UNION ALL "
            "SELECT a.id, a.title FROM article_aliases al JOIN articles a ON a.id = al.article_id "
            "WHERE a.site = ? AND al.url = ? LIMIT 1",
            [self.site, url, self.site, url],
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def title_of(self, url: str) -> str | None:
        """The title of the site's article archived under url (or with it as an alias); None when there is none."""
        found = self._article_of(url)
        return found[1] if found else None

    def alias(self, archived: str, url: str, at: str) -> None:
        """Record url as another URL of the article archived under `archived` (its URL or an alias)."""
        found = self._article_of(archived)
        if found is not None:
            with self.transaction():
                self.archive.add_alias(found[0], url, at)

    def aliases_of(self, url: str) -> list[str]:
        """The aliases of the site's article archived under url, oldest first."""
        rows = self.db.execute(
            "SELECT al.url FROM article_aliases al JOIN articles a ON a.id = al.article_id "
            "WHERE a.site = ? AND a.url = ? ORDER BY al.id",
            [self.site, url],
        )
        return [row[0] for row in rows]

    def move_article(self, url: str, new_url: str, at: str) -> None:
        """Archive the article at url (its URL or an alias) under new_url from now on; its URL becomes an alias."""
        with self.transaction():
            found = self._article_of(url)
            if found is None:
                return
            (old,) = self.db.execute("SELECT url FROM articles WHERE id = ?", [found[0]]).fetchone()
            self.db.execute("DELETE FROM article_aliases WHERE url = ?", [new_url])
            self.archive.update("articles", found[0], {"url": new_url})
            self.archive.add_alias(found[0], old, at)

    # -- fetches and pages -----------------------------------------------------------------------------------

    def save_attempts(self, attempts: Iterable[Attempt], error: str | None = None) -> None:
        """Record fetch attempts on their own (robots.txt, failed pages)."""
        with self.transaction():
            self._insert_attempts(attempts, error)

    def save_page(self, page: Page, attempts: Iterable[Attempt], error: str | None = None) -> None:
        """Record a fetched page that is not an article (a listing, or a page that gave none), with its capture."""
        with self.transaction():
            self._insert_attempts(attempts, error)
            self._insert_capture(page)

    def save_visits(self, url: str, visits: SiteVisits, observed_at: str) -> None:
        """Record one observation of the site's visitor counter."""
        with self.transaction():
            self._insert_visits(url, visits, observed_at)

    def _insert_attempts(self, attempts: Iterable[Attempt], error: str | None = None) -> None:
        rows = list(attempts)
        for i, attempt in enumerate(rows):
            row = vars(attempt) | {"run_id": self.run_id, "site": self.site}
            if error and i == len(rows) - 1 and attempt.error is None:
                row["error"] = error  # the fetch worked, but the page gave no article: say why on its row
            self.archive.insert("fetches", row)

    def _insert_visits(self, url: str, visits: SiteVisits, at: str) -> None:
        row = {"site": self.site, "observed_at": at, "url": url, "run_id": self.run_id} | vars(visits)
        self.archive.insert("visit_stats", row)

    def _insert_capture(self, page: Page) -> int:
        digest = hashlib.sha256(page.body).hexdigest()
        existing = self.db.execute(
            "SELECT id FROM captures WHERE url = ? AND sha256 = ?", [page.final_url, digest]
        ).fetchone()
        if existing:
            return int(existing[0])
        row = {
            "site": self.site,
            "url": page.final_url,
            "fetched_at": page.fetched_at,
            "status": page.status,
            "headers": json.dumps(page.headers, ensure_ascii=False),
            "sha256": digest,
            "encoding": page.encoding,
        }
        row["compression"], row["content"] = self.archive.captures.compress(self.site, page.body)
        return self.archive.insert("captures", row)

    # -- articles --------------------------------------------------------------------------------------------

    def save_article(
        self,
        url: str,
        page: Page,
        article: Article,
        attempts: Iterable[Attempt],
        reached_by: str | None = None,
    ) -> LoadResult:
        """Store an article with its fetch rows, capture, version and observations, all or nothing.

        `reached_by` is the URL the article was reached under when `url` is the one the page names for itself
        (<link rel=canonical>, a redirect): it becomes an alias of the article.
        """
        with self.transaction():
            self._insert_attempts(attempts)
            capture_id = self._insert_capture(page)
            result = self.archive.store_article(self.site, url, article, capture_id, page.fetched_at)
            if reached_by is not None and reached_by != url:
                added = self.archive.add_alias(result.article_id, reached_by, page.fetched_at)
                result = replace(result, aliases=result.aliases + added)
            if result.outcome != Outcome.ALIAS:  # another URL's ETag and schedule are not the canonical URL's
                self._schedule(result.article_id, page)
            if article.views is not None:
                row = {
                    "article_id": result.article_id,
                    "observed_at": page.fetched_at,
                    "views": article.views,
                }
                self.archive.insert("view_counts", row)
            if article.site_visits is not None:
                self._insert_visits(page.final_url, article.site_visits, page.fetched_at)
        return result

    def _schedule(self, article_id: int, page: Page) -> None:
        headers = {name.lower(): value for name, value in page.headers}
        published_at, first_seen_at = self.db.execute(
            "SELECT published_at, first_seen_at FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        values = {"etag": headers.get("etag"), "last_modified": headers.get("last-modified")}
        values["next_visit_at"] = self.schedule(published_at, first_seen_at, page.fetched_at)
        self.archive.update("articles", article_id, values)

    def due_revisits(self, now: str, limit: int) -> list[tuple[str, str | None, str | None]]:
        """(url, etag, last_modified) of archived articles whose revisit time has come, most overdue first."""
        rows = self.db.execute(
            "SELECT url, etag, last_modified FROM articles WHERE site = ? AND removed_at IS NULL "
            "AND next_visit_at <= ? ORDER BY next_visit_at LIMIT ?",
            [self.site, now, limit],
        )
        return [(row[0], row[1], row[2]) for row in rows]

    def touch_article(self, url: str, attempts: Iterable[Attempt], at: str) -> None:
        """A revisit answered 304 Not Modified: the article is still there and unchanged."""
        with self.transaction():
            self._insert_attempts(attempts)
            row = self.db.execute(
                "SELECT id, published_at, first_seen_at FROM articles WHERE url = ?", [url]
            ).fetchone()
            visit = self.schedule(row[1], row[2], at)
            values = {"last_seen_at": at, "next_visit_at": visit, "removed_at": None, "removed_reason": None}
            self.archive.update("articles", row[0], values)

    def defer_revisit(self, url: str, until: str) -> None:
        """An archived article's next revisit put off until `until` (its URL serves no article for now)."""
        with self.transaction():
            self.db.execute("UPDATE articles SET next_visit_at = ? WHERE url = ?", [until, url])

    def mark_removed(self, url: str, attempts: Iterable[Attempt], at: str) -> None:
        """An archived article answered 404/410: keep it, with the date it disappeared (never deleted)."""
        with self.transaction():
            self._insert_attempts(attempts)
            self.db.execute(
                "UPDATE articles SET removed_at = coalesce(removed_at, ?), removed_reason = 'gone' WHERE url = ?",
                [at, url],
            )

    def mark_listed(self, urls: Iterable[str], at: str, via: str | None) -> None:
        """Articles seen on a listing page (under their URL or an alias) walked from start listing `via`.

        An article that had left its listing is back. `via` is None on a backfill continuation, whose pages
        are not tied to one start listing: the article keeps the start listing it had.
        """
        listed = json.dumps(list(urls))
        with self.transaction():
            self.db.execute(
                "UPDATE articles SET listed_at = ?, listed_via = coalesce(?, listed_via), "
                "removed_at = CASE WHEN removed_reason = 'unlisted' THEN NULL ELSE removed_at END, "
                "removed_reason = CASE WHEN removed_reason = 'unlisted' THEN NULL ELSE removed_reason END "
                "WHERE site = ? AND (url IN (SELECT value FROM json_each(?)) "
                "OR id IN (SELECT article_id FROM article_aliases WHERE url IN (SELECT value FROM json_each(?))))",
                [at, via, self.site, listed, listed],
            )

    def unlisted_since(self, starts: Iterable[str], since: str) -> tuple[int, int]:
        """(articles listed under these start listings and not removed, those of them unseen since `since`)."""
        row = self.db.execute(
            f"SELECT count(*), count(*) FILTER (WHERE listed_at < ?) FROM articles WHERE {_LISTED_UNDER}",
            [since, self.site, json.dumps(list(starts))],
        ).fetchone()
        return int(row[0]), int(row[1])

    def mark_unlisted(self, starts: Iterable[str], since: str, at: str) -> int:
        """Mark articles of these start listings unseen since `since` (a complete sweep's start) removed."""
        with self.transaction():
            cursor = self.db.execute(
                f"UPDATE articles SET removed_at = ?, removed_reason = 'unlisted' WHERE {_LISTED_UNDER} "
                "AND listed_at < ?",
                [at, self.site, json.dumps(list(starts)), since],
            )
        return int(cursor.rowcount)


def content_hash(article: Article) -> str:
    """sha256 over the NFC text of the fields a version keeps; equal content, equal hash."""
    parts = [article.title, article.published_at or "", article.author or "", article.body]
    return hashlib.sha256(
        "\x1f".join(clean_line(p) if i < 3 else p for i, p in enumerate(parts)).encode()
    ).hexdigest()


def _observed(article: Article, at: str) -> dict[str, Any]:
    """What a visit to the article tells: it is there (again) now, with this view count."""
    return {"last_seen_at": at, "views": article.views, "removed_at": None, "removed_reason": None}


def _version_fields(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "published_at": article.published_at,
        "published_date": local_date(article.published_at),
        "author": article.author,
        "body": article.body,
    }
