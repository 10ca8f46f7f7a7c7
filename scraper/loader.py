"""Store stage: runs, fetches, captures, articles and observations, one whole article per transaction."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from .archive import index_queued, queue_for_index, text_hash, transaction
from .captures import compress
from .dates import local_date
from .models import VERSION, Article, Attempt, Page, SiteVisits, utc_iso, utc_now
from .text import clean_line

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadResult:
    """What loading one article did: "new", "changed", "unchanged" or "alias" (same text, another URL)."""

    article_id: int
    outcome: str


def _insert(db: Database, table: str, row: dict[str, Any]) -> int:
    """Insert one row and return its id.

    Plain SQL on this hot path: sqlite-utils' Table.insert issued 31 statements per article (savepoints,
    table introspection), capping loading at 1,700 articles/s (bench/bench_loader.py). Table and column
    names come from this module only, never from scraped data (reliability.md X7).
    """
    columns = ", ".join(row)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})"
    return int(db.execute(sql, list(row.values())).lastrowid or 0)


def _update(db: Database, table: str, row_id: int, values: dict[str, Any]) -> None:
    """Update columns of one row by id (same reasoning as _insert)."""
    assignments = ", ".join(f"{column} = ?" for column in values)
    db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row_id])


# -- runs and fetches ----------------------------------------------------------------------------------------


def start_run(db: Database, sites: int, kind: str = "crawl") -> int:
    """Open a `runs` row of this kind ("crawl" or "reextract").

    A crawl holds the archive's lock, so crawls left "running" are dead: they are marked "crashed" first.
    A re-extraction takes no lock (it may run beside a crawl) and marks nothing.
    """
    with transaction(db):
        if kind == "crawl":
            db.execute("UPDATE runs SET status = 'crashed' WHERE status = 'running' AND kind = 'crawl'")
        row = {"started_at": utc_now(), "status": "running", "pid": os.getpid(), "sites": sites, "kind": kind}
        return _insert(db, "runs", row)


def finish_run(db: Database, run_id: int, status: str, counts: dict[str, int]) -> None:
    """Close a run with its status and counts, and checkpoint what the WAL holds as far as readers allow."""
    with transaction(db):
        _update(db, "runs", run_id, {"finished_at": utc_now(), "status": status, **counts})
    try:
        # PASSIVE: TRUNCATE waits out busy_timeout (30 s) for every analyst holding a read transaction, and a
        # checkpoint that cannot finish now is finished by a later one; nothing is lost either way.
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        db.execute("PRAGMA optimize")
    except sqlite3.Error as exc:  # the run is recorded; a full disk may refuse the housekeeping
        log.warning("end-of-run checkpoint skipped: %s", exc)


def save_attempts(
    db: Database, run_id: int, site: str, attempts: Iterable[Attempt], error: str | None = None
) -> None:
    """Record fetch attempts on their own (robots.txt, failed pages)."""
    with transaction(db):
        _insert_attempts(db, run_id, site, attempts, error)


def _insert_attempts(
    db: Database, run_id: int, site: str, attempts: Iterable[Attempt], error: str | None = None
) -> None:
    rows = list(attempts)
    for i, attempt in enumerate(rows):
        row = vars(attempt) | {"run_id": run_id, "site": site}
        if error and i == len(rows) - 1 and attempt.error is None:
            row["error"] = error  # the fetch worked, but the page gave no article: say why on its row
        _insert(db, "fetches", row)


def known_urls(db: Database, site: str) -> set[str]:
    """The canonical URLs already archived for a site."""
    rows = db.execute(
        "SELECT url FROM articles WHERE site = ? UNION "
        "SELECT al.url FROM article_aliases al JOIN articles a ON a.id = al.article_id WHERE a.site = ?",
        [site, site],
    )
    return {row[0] for row in rows}


# -- pages ---------------------------------------------------------------------------------------------------


def save_page(
    db: Database, run_id: int, site: str, page: Page, attempts: Iterable[Attempt], error: str | None = None
) -> None:
    """Record a fetched page that is not an article (a listing, or a page that gave none), with its capture."""
    with transaction(db):
        _insert_attempts(db, run_id, site, attempts, error)
        _insert_capture(db, site, page)


def save_visits(db: Database, run_id: int, site: str, url: str, visits: SiteVisits, observed_at: str) -> None:
    """Record one observation of a site's visitor counter."""
    with transaction(db):
        _insert_visits(db, run_id, site, url, visits, observed_at)


def _insert_visits(db: Database, run_id: int, site: str, url: str, visits: SiteVisits, at: str) -> None:
    row = {"site": site, "observed_at": at, "url": url, "run_id": run_id} | vars(visits)
    _insert(db, "visit_stats", row)


def _insert_capture(db: Database, site: str, page: Page) -> int:
    digest = hashlib.sha256(page.body).hexdigest()
    existing = db.execute(
        "SELECT id FROM captures WHERE url = ? AND sha256 = ?", [page.final_url, digest]
    ).fetchone()
    if existing:
        return int(existing[0])
    row = {
        "site": site,
        "url": page.final_url,
        "fetched_at": page.fetched_at,
        "status": page.status,
        "headers": json.dumps(page.headers, ensure_ascii=False),
        "sha256": digest,
        "encoding": page.encoding,
    }
    row["compression"], row["content"] = compress(db, site, page.body)
    return _insert(db, "captures", row)


# -- articles ------------------------------------------------------------------------------------------------


def content_hash(article: Article) -> str:
    """sha256 over the NFC text of the fields a version keeps; equal content, equal hash."""
    parts = [article.title, article.published_at or "", article.author or "", article.body]
    return hashlib.sha256(
        "\x1f".join(clean_line(p) if i < 3 else p for i, p in enumerate(parts)).encode()
    ).hexdigest()


def save_article(
    db: Database,
    run_id: int,
    site: str,
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
    with transaction(db):
        _insert_attempts(db, run_id, site, attempts)
        capture_id = _insert_capture(db, site, page)
        result = store_article(db, site, url, article, capture_id, page.fetched_at)
        if reached_by is not None and reached_by != url:
            add_alias(db, result.article_id, reached_by, page.fetched_at)
        if result.outcome != "alias":  # another URL's ETag and schedule are not the canonical URL's
            _schedule(db, result.article_id, page)
        if article.views is not None:
            _insert(
                db,
                "view_counts",
                {"article_id": result.article_id, "observed_at": page.fetched_at, "views": article.views},
            )
        if article.site_visits is not None:
            _insert_visits(db, run_id, site, page.final_url, article.site_visits, page.fetched_at)
    return result


# How long until an archived article is fetched again, by its age: young articles still get edited.
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
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def due_revisits(db: Database, site: str, now: str, limit: int) -> list[tuple[str, str | None, str | None]]:
    """(url, etag, last_modified) of archived articles whose revisit time has come, most overdue first."""
    rows = db.execute(
        "SELECT url, etag, last_modified FROM articles WHERE site = ? AND removed_at IS NULL "
        "AND next_visit_at <= ? ORDER BY next_visit_at LIMIT ?",
        [site, now, limit],
    )
    return [(row[0], row[1], row[2]) for row in rows]


def _schedule(db: Database, article_id: int, page: Page) -> None:
    headers = {name.lower(): value for name, value in page.headers}
    published_at, first_seen_at = db.execute(
        "SELECT published_at, first_seen_at FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    values = {"etag": headers.get("etag"), "last_modified": headers.get("last-modified")}
    values["next_visit_at"] = next_visit(published_at, first_seen_at, page.fetched_at)
    _update(db, "articles", article_id, values)


def touch_article(
    db: Database, run_id: int, site: str, url: str, attempts: Iterable[Attempt], at: str
) -> None:
    """A revisit answered 304 Not Modified: the article is still there and unchanged."""
    with transaction(db):
        _insert_attempts(db, run_id, site, attempts)
        row = db.execute(
            "SELECT id, published_at, first_seen_at FROM articles WHERE url = ?", [url]
        ).fetchone()
        visit = next_visit(row[1], row[2], at)
        values = {"last_seen_at": at, "next_visit_at": visit, "removed_at": None, "removed_reason": None}
        _update(db, "articles", row[0], values)


def mark_removed(
    db: Database, run_id: int, site: str, url: str, attempts: Iterable[Attempt], at: str
) -> None:
    """An archived article answered 404/410: keep it, with the date it disappeared (never deleted)."""
    with transaction(db):
        _insert_attempts(db, run_id, site, attempts)
        db.execute(
            "UPDATE articles SET removed_at = coalesce(removed_at, ?), removed_reason = 'gone' WHERE url = ?",
            [at, url],
        )


def mark_listed(db: Database, site: str, urls: Iterable[str], at: str, via: str | None) -> None:
    """Articles seen on a listing page (under their URL or an alias) walked from start listing `via`.

    An article that had left its listing is back. `via` is None on a backfill continuation, whose pages
    are not tied to one start listing: the article keeps the start listing it had.
    """
    listed = json.dumps(list(urls))
    with transaction(db):
        db.execute(
            "UPDATE articles SET listed_at = ?, listed_via = coalesce(?, listed_via), "
            "removed_at = CASE WHEN removed_reason = 'unlisted' THEN NULL ELSE removed_at END, "
            "removed_reason = CASE WHEN removed_reason = 'unlisted' THEN NULL ELSE removed_reason END "
            "WHERE site = ? AND (url IN (SELECT value FROM json_each(?)) "
            "OR id IN (SELECT article_id FROM article_aliases WHERE url IN (SELECT value FROM json_each(?))))",
            [at, via, site, listed, listed],
        )


# The articles a sweep of some start listings answers for; one clause, so the share check counts exactly
# what mark_unlisted would mark.
_LISTED_UNDER = "site = ? AND listed_via IN (SELECT value FROM json_each(?)) AND removed_at IS NULL"


def unlisted_since(db: Database, site: str, starts: Iterable[str], since: str) -> tuple[int, int]:
    """(articles listed under these start listings and not removed, those of them unseen since `since`)."""
    row = db.execute(
        f"SELECT count(*), count(*) FILTER (WHERE listed_at < ?) FROM articles WHERE {_LISTED_UNDER}",
        [since, site, json.dumps(list(starts))],
    ).fetchone()
    return int(row[0]), int(row[1])


def mark_unlisted(db: Database, site: str, starts: Iterable[str], since: str, at: str) -> int:
    """Mark articles of these start listings unseen since `since` (a complete sweep's start) removed; how many."""
    with transaction(db):
        cursor = db.execute(
            f"UPDATE articles SET removed_at = ?, removed_reason = 'unlisted' WHERE {_LISTED_UNDER} "
            "AND listed_at < ?",
            [at, site, json.dumps(list(starts)), since],
        )
    return int(cursor.rowcount)


def store_article(
    db: Database, site: str, url: str, article: Article, capture_id: int | None, at: str, seen: bool = True
) -> LoadResult:
    """Insert or update one article inside the caller's transaction; a version only when content changes.

    `seen` is False when the article comes from a stored capture (reextract), not from a visit to the site:
    then it says nothing of the article being there now, so last_seen_at, views and removal stay as they are,
    and a new version is marked as a re-extraction, not as an edit by the site.
    """
    row = db.execute("SELECT id, content_hash FROM articles WHERE url = ?", [url]).fetchone()
    if row is None:
        row = db.execute(
            "SELECT a.id, a.content_hash FROM article_aliases al JOIN articles a ON a.id = al.article_id WHERE al.url = ?",
            [url],
        ).fetchone()
    if row is None:
        return _insert_article(db, site, url, article, capture_id, at, seen)
    article_id, old_hash = row
    digest = content_hash(article)
    observed = _observed(article, at) if seen else {}
    if old_hash == digest:
        if observed:
            _update(db, "articles", article_id, observed)
        return LoadResult(article_id, "unchanged")
    update = _version_fields(article) | {
        "content_hash": digest,
        "text_hash": text_hash(article.title, article.body),
    }
    update |= observed | {"changed_at": at, "category": article.category}
    update["flags"] = json.dumps(list(article.flags)) if article.flags else None
    if capture_id is not None:
        update["capture_id"] = capture_id
    _keep_superseded_text(db, article_id)
    index_queued(db)  # the update trigger takes the old text out of the index: it must be in it first
    _update(db, "articles", article_id, update)
    _insert_version(db, article_id, digest, capture_id, at, "crawl" if seen else "reextract")
    return LoadResult(article_id, "changed")


def add_alias(db: Database, article_id: int, url: str, at: str) -> None:
    """Record url as another URL of the article, unless it is already an article's URL or an alias."""
    taken = db.execute(
        "SELECT 1 FROM articles WHERE url = ? UNION ALL SELECT 1 FROM article_aliases WHERE url = ?",
        [url, url],
    ).fetchone()
    if taken is None:
        _insert(db, "article_aliases", {"article_id": article_id, "url": url, "first_seen_at": at})


def _observed(article: Article, at: str) -> dict[str, Any]:
    """What a visit to the article tells: it is there (again) now, with this view count."""
    return {"last_seen_at": at, "views": article.views, "removed_at": None, "removed_reason": None}


def _insert_article(
    db: Database, site: str, url: str, article: Article, capture_id: int | None, at: str, seen: bool
) -> LoadResult:
    key = text_hash(article.title, article.body)
    same = db.execute("SELECT id FROM articles WHERE site = ? AND text_hash = ?", [site, key]).fetchone()
    if same is not None:  # the same article under another URL: an alias, not a second article
        _insert(db, "article_aliases", {"article_id": same[0], "url": url, "first_seen_at": at})
        if seen:
            _update(db, "articles", same[0], {"last_seen_at": at})
        return LoadResult(same[0], "alias")
    digest = content_hash(article)
    record = {
        "site": site,
        "url": url,
        **_version_fields(article),
        "views": article.views,
        "content_hash": digest,
    }
    record |= {"text_hash": key, "profile": article.profile, "capture_id": capture_id}
    record |= {
        "flags": json.dumps(list(article.flags)) if article.flags else None,
        "category": article.category,
    }
    record |= {"attachments": json.dumps([vars(a) for a in article.attachments], ensure_ascii=False)}
    article_id = _insert(db, "articles", record | {"first_seen_at": at, "last_seen_at": at, "changed_at": at})
    queue_for_index(db, article_id)
    _insert_version(db, article_id, digest, capture_id, at, "crawl" if seen else "reextract")
    return LoadResult(article_id, "new")


def _version_fields(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "published_at": article.published_at,
        "published_date": local_date(article.published_at),
        "author": article.author,
        "body": article.body,
    }


def _insert_version(
    db: Database, article_id: int, digest: str, capture_id: int | None, at: str, origin: str
) -> None:
    """The new current version: its text lives in `articles` until it is superseded (schema v7)."""
    version = {"article_id": article_id, "observed_at": at, "content_hash": digest, "capture_id": capture_id}
    _insert(db, "article_versions_data", version | {"origin": origin, "extractor": VERSION})


def _keep_superseded_text(db: Database, article_id: int) -> None:
    """Copy the article's current text into its current version, before `articles` takes the new text."""
    db.execute(
        "UPDATE article_versions_data SET (title, published_at, author, body) = "
        "(SELECT title, published_at, author, body FROM articles WHERE id = ?) "
        "WHERE article_id = ? AND body IS NULL",
        [article_id, article_id],
    )
