"""Store stage: one SQLite archive (sqlite-utils), written one whole article per transaction.

Every write unit is `BEGIN IMMEDIATE ... COMMIT`: a deferred transaction that must upgrade to a writer fails
at once under contention, busy_timeout notwithstanding (reliability.md P5), and sqlite-utils' own batching
would commit partial work (P6). WAL lets analysts read while a crawl writes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlite_utils import Database

from .crawler import Attempt
from .errors import LockHeld, StorageError
from .models import Article, Page, SiteVisits, utc_now
from .text import clean_line

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
    pid INTEGER, sites INTEGER NOT NULL DEFAULT 0, pages_fetched INTEGER NOT NULL DEFAULT 0,
    articles_new INTEGER NOT NULL DEFAULT 0, articles_changed INTEGER NOT NULL DEFAULT 0,
    articles_unchanged INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY, run_id INTEGER REFERENCES runs(id), site TEXT, kind TEXT, url TEXT NOT NULL,
    fetched_at TEXT NOT NULL, status INTEGER, error TEXT, elapsed_ms INTEGER, bytes INTEGER
) STRICT;
CREATE INDEX fetches_url ON fetches(url);
CREATE INDEX fetches_run ON fetches(run_id);
CREATE TABLE captures (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, fetched_at TEXT NOT NULL, status INTEGER, headers TEXT,
    sha256 TEXT NOT NULL, encoding TEXT, compression TEXT NOT NULL, content BLOB NOT NULL, UNIQUE(url, sha256)
) STRICT;
CREATE TABLE articles (
    id INTEGER PRIMARY KEY, site TEXT NOT NULL, url TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
    published_at TEXT, author TEXT, body TEXT NOT NULL, views INTEGER, content_hash TEXT NOT NULL,
    profile TEXT, attachments TEXT, capture_id INTEGER REFERENCES captures(id),
    first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, changed_at TEXT NOT NULL
) STRICT;
CREATE INDEX articles_site_published ON articles(site, published_at);
CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id), observed_at TEXT NOT NULL,
    content_hash TEXT NOT NULL, title TEXT NOT NULL, published_at TEXT, author TEXT, body TEXT NOT NULL,
    capture_id INTEGER REFERENCES captures(id)
) STRICT;
CREATE INDEX article_versions_article ON article_versions(article_id);
CREATE TABLE visit_stats (
    id INTEGER PRIMARY KEY, site TEXT NOT NULL, observed_at TEXT NOT NULL, url TEXT,
    online INTEGER, today INTEGER, total INTEGER, run_id INTEGER REFERENCES runs(id)
) STRICT;
CREATE INDEX visit_stats_site ON visit_stats(site, observed_at);
CREATE TABLE view_counts (
    id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id), observed_at TEXT NOT NULL,
    views INTEGER NOT NULL
) STRICT;
CREATE INDEX view_counts_article ON view_counts(article_id);
"""


@dataclass(frozen=True)
class LoadResult:
    """What loading one article did: "new", "changed" or "unchanged"."""

    article_id: int
    outcome: str


def open_archive(path: str | Path) -> Database:
    """Open (creating if needed) an archive, with WAL and the current schema."""
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        db = Database(conn)
        conn.execute("PRAGMA journal_mode=WAL")
        for pragma in (
            "synchronous=NORMAL",
            "busy_timeout=30000",
            "foreign_keys=ON",
            "journal_size_limit=67108864",
        ):
            conn.execute(f"PRAGMA {pragma}")
        _migrate(db)
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path}: cannot open the archive: {exc}") from None
    return db


def _migrate(db: Database) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StorageError(f"archive schema {version} is newer than this scraper knows ({SCHEMA_VERSION})")
    if version == SCHEMA_VERSION:
        return
    with transaction(db):
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextmanager
def transaction(db: Database) -> Iterator[None]:
    """One write unit: BEGIN IMMEDIATE, then COMMIT, or ROLLBACK on any error."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StorageError(f"cannot start a write: {exc}") from None
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        db.execute("ROLLBACK")
        raise StorageError(f"cannot commit: {exc}") from None


@contextmanager
def archive_lock(db_path: str | Path) -> Iterator[None]:
    """Hold `<db>.lock` for a crawl; the kernel drops it when the process dies, so it never goes stale."""
    lock_path = Path(f"{db_path}.lock")
    try:
        handle: IO[str] = open(lock_path, "a+")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise StorageError(f"{lock_path}: cannot create the lock file: {exc}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(f"another crawl holds the lock on {db_path} ({lock_path})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def _insert(db: Database, table: str, row: dict[str, Any]) -> int:
    """Insert one row and return its id."""
    return int(db.table(table).insert(row).last_pk or 0)


# -- runs and fetches ----------------------------------------------------------------------------------------


def start_run(db: Database, sites: int) -> int:
    """Open a `runs` row; runs left "running" by a killed crawl are marked "crashed" first."""
    with transaction(db):
        db.execute("UPDATE runs SET status = 'crashed' WHERE status = 'running'")
        row = {"started_at": utc_now(), "status": "running", "pid": os.getpid(), "sites": sites}
        return _insert(db, "runs", row)


def finish_run(db: Database, run_id: int, status: str, counts: dict[str, int]) -> None:
    """Close a run with its status and counts, and checkpoint the WAL."""
    with transaction(db):
        db.table("runs").update(run_id, {"finished_at": utc_now(), "status": status, **counts})
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA optimize")


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
        row = {k: v for k, v in vars(attempt).items()} | {"run_id": run_id, "site": site}
        if error and i == len(rows) - 1 and attempt.error is None:
            row["error"] = error  # the fetch worked, but the page gave no article: say why on its row
        _insert(db, "fetches", row)


def known_urls(db: Database, site: str) -> set[str]:
    """The canonical URLs already archived for a site."""
    return {row[0] for row in db.execute("SELECT url FROM articles WHERE site = ?", [site])}


# -- pages ---------------------------------------------------------------------------------------------------


def save_page(
    db: Database, run_id: int, site: str, page: Page, attempts: Iterable[Attempt], error: str | None = None
) -> None:
    """Record a fetched page that is not an article (a listing, or a page that gave none), with its capture."""
    with transaction(db):
        _insert_attempts(db, run_id, site, attempts, error)
        _insert_capture(db, page)


def save_visits(db: Database, run_id: int, site: str, url: str, visits: SiteVisits, observed_at: str) -> None:
    """Record one observation of a site's visitor counter."""
    with transaction(db):
        _insert_visits(db, run_id, site, url, visits, observed_at)


def _insert_visits(db: Database, run_id: int, site: str, url: str, visits: SiteVisits, at: str) -> None:
    row = {"site": site, "observed_at": at, "url": url, "run_id": run_id} | vars(visits)
    _insert(db, "visit_stats", row)


def _insert_capture(db: Database, page: Page) -> int:
    digest = hashlib.sha256(page.body).hexdigest()
    existing = db.execute(
        "SELECT id FROM captures WHERE url = ? AND sha256 = ?", [page.final_url, digest]
    ).fetchone()
    if existing:
        return int(existing[0])
    row = {
        "url": page.final_url,
        "fetched_at": page.fetched_at,
        "status": page.status,
        "headers": json.dumps(page.headers, ensure_ascii=False),
        "sha256": digest,
        "encoding": page.encoding,
        "compression": "zlib",
        "content": zlib.compress(page.body, 6),
    }
    return _insert(db, "captures", row)


# -- articles ------------------------------------------------------------------------------------------------


def content_hash(article: Article) -> str:
    """sha256 over the NFC text of the fields a version keeps; equal content, equal hash."""
    parts = [article.title, article.published_at or "", article.author or "", article.body]
    return hashlib.sha256(
        "\x1f".join(clean_line(p) if i < 3 else p for i, p in enumerate(parts)).encode()
    ).hexdigest()


def save_article(
    db: Database, run_id: int, site: str, url: str, page: Page, article: Article, attempts: Iterable[Attempt]
) -> LoadResult:
    """Store an article with its fetch rows, capture, version and observations, all or nothing."""
    with transaction(db):
        _insert_attempts(db, run_id, site, attempts)
        capture_id = _insert_capture(db, page)
        result = _upsert_article(db, site, url, article, capture_id, page.fetched_at)
        if article.views is not None:
            _insert(
                db,
                "view_counts",
                {"article_id": result.article_id, "observed_at": page.fetched_at, "views": article.views},
            )
        if article.site_visits is not None:
            _insert_visits(db, run_id, site, page.final_url, article.site_visits, page.fetched_at)
    return result


def _upsert_article(
    db: Database, site: str, url: str, article: Article, capture_id: int, at: str
) -> LoadResult:
    digest = content_hash(article)
    fields: dict[str, Any] = {
        "title": article.title,
        "published_at": article.published_at,
        "author": article.author,
        "body": article.body,
    }
    row = db.execute("SELECT id, content_hash FROM articles WHERE url = ?", [url]).fetchone()
    if row is None:
        attachments = json.dumps([vars(a) for a in article.attachments], ensure_ascii=False)
        record = {"site": site, "url": url, **fields, "views": article.views, "content_hash": digest}
        record |= {"profile": article.profile, "attachments": attachments, "capture_id": capture_id}
        article_id = _insert(
            db, "articles", record | {"first_seen_at": at, "last_seen_at": at, "changed_at": at}
        )
        outcome = "new"
    elif row[1] == digest:
        db.table("articles").update(row[0], {"last_seen_at": at, "views": article.views})
        return LoadResult(row[0], "unchanged")
    else:
        article_id, outcome = row[0], "changed"
        update = fields | {"content_hash": digest, "capture_id": capture_id, "views": article.views}
        db.table("articles").update(article_id, update | {"last_seen_at": at, "changed_at": at})
    version = {"article_id": article_id, "observed_at": at, "content_hash": digest, "capture_id": capture_id}
    _insert(db, "article_versions", version | fields)
    return LoadResult(article_id, outcome)
