"""The archive file: connection settings, schema and its migrations, transactions, the crawl lock.

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
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import LockHeld, StorageError
from .text import dedup_key

# Version 1 is frozen as it shipped: migrations start from it, so any older archive upgrades in place.
SCHEMA_V1 = """
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

SCHEMA_V2 = """
ALTER TABLE articles ADD COLUMN removed_at TEXT;
ALTER TABLE articles ADD COLUMN text_hash TEXT;
UPDATE articles SET text_hash = scraper_text_hash(title, body);
CREATE INDEX articles_text_hash ON articles(site, text_hash);
CREATE TABLE article_aliases (
    id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id), url TEXT NOT NULL UNIQUE,
    first_seen_at TEXT NOT NULL
) STRICT;
ALTER TABLE runs ADD COLUMN articles_alias INTEGER NOT NULL DEFAULT 0;
ALTER TABLE captures ADD COLUMN site TEXT;
UPDATE captures SET site = (SELECT site FROM fetches WHERE fetches.url = captures.url LIMIT 1);
-- The sqlite-utils enable_fts() layout (external content, plain-column triggers), so datasette finds it and
-- hand edits in sqlite3 keep working. unicode61 strips every Vietnamese tone and hat mark; đ stays đ.
CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2', content=[articles]);
INSERT INTO articles_fts(rowid, title, body) SELECT id, title, body FROM articles;
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
"""

SCHEMA_V3 = """
CREATE TABLE frontier (
    id INTEGER PRIMARY KEY, site TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL,
    discovered_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, last_error TEXT,
    gave_up_at TEXT, UNIQUE(site, url)
) STRICT;
CREATE TABLE listings (
    site TEXT NOT NULL, url TEXT NOT NULL, walked_at TEXT, backfilled_at TEXT, PRIMARY KEY (site, url)
) STRICT;
ALTER TABLE articles ADD COLUMN etag TEXT;
ALTER TABLE articles ADD COLUMN last_modified TEXT;
ALTER TABLE articles ADD COLUMN next_visit_at TEXT;
UPDATE articles SET next_visit_at = last_seen_at;
CREATE INDEX articles_next_visit ON articles(site, next_visit_at);
ALTER TABLE runs ADD COLUMN articles_removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN not_modified INTEGER NOT NULL DEFAULT 0;
"""

SCHEMA_V4 = """
ALTER TABLE articles ADD COLUMN flags TEXT;
"""

SCHEMA_V5 = """
CREATE TABLE capture_dicts (
    id INTEGER PRIMARY KEY, site TEXT NOT NULL, created_at TEXT NOT NULL, samples INTEGER NOT NULL, dict BLOB NOT NULL
) STRICT;
CREATE INDEX captures_site ON captures(site, compression);
"""

SCHEMA_V6 = """
ALTER TABLE articles ADD COLUMN category TEXT;
"""

# The current content of an article is kept once, in `articles`: a version stores its own text only once it
# has been superseded, and the `article_versions` view shows every version whole. Storing the current text
# twice was 2.2 KB of the 9.7 KB an article cost (bench/bench_loader.py). The unused index on fetches(url)
# cost 320 bytes per article and a page written per commit.
SCHEMA_V7 = """
CREATE TABLE article_versions_data (
    id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id), observed_at TEXT NOT NULL,
    content_hash TEXT NOT NULL, title TEXT, published_at TEXT, author TEXT, body TEXT,
    capture_id INTEGER REFERENCES captures(id)
) STRICT;
INSERT INTO article_versions_data SELECT id, article_id, observed_at, content_hash, title, published_at, author,
    body, capture_id FROM article_versions;
UPDATE article_versions_data SET title = NULL, published_at = NULL, author = NULL, body = NULL
WHERE id IN (SELECT max(id) FROM article_versions_data GROUP BY article_id) AND EXISTS (
    SELECT 1 FROM articles a WHERE a.id = article_id AND a.title IS article_versions_data.title
    AND a.published_at IS article_versions_data.published_at AND a.author IS article_versions_data.author
    AND a.body IS article_versions_data.body
);
DROP TABLE article_versions;
CREATE INDEX article_versions_data_article ON article_versions_data(article_id);
CREATE VIEW article_versions AS SELECT v.id, v.article_id, v.observed_at, v.content_hash,
    CASE WHEN v.body IS NULL THEN a.title ELSE v.title END AS title,
    CASE WHEN v.body IS NULL THEN a.published_at ELSE v.published_at END AS published_at,
    CASE WHEN v.body IS NULL THEN a.author ELSE v.author END AS author,
    coalesce(v.body, a.body) AS body, v.capture_id
FROM article_versions_data v JOIN articles a ON a.id = v.article_id;
DROP INDEX fetches_url;
-- The loader indexes the articles it inserts in one statement before each commit (index_queued): through
-- this trigger, FTS5 wrote a new index segment per article (bench/bench_loader.py). A row inserted any other
-- way, without a text_hash (by hand in sqlite3), is still indexed here.
DROP TRIGGER articles_ai;
CREATE TRIGGER articles_ai AFTER INSERT ON articles WHEN new.text_hash IS NULL BEGIN
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
"""

# Removal from a listing: when each article was last seen on a listing page of its site and under which start
# listing (so dropping a start listing from config.toml never reads as removal), when each start listing was
# last walked to its end, and why an article counts as removed ("gone": 404/410 on a revisit;
# "unlisted": on no listing page of a complete walk).
SCHEMA_V8 = """
ALTER TABLE articles ADD COLUMN listed_at TEXT;
ALTER TABLE articles ADD COLUMN listed_via TEXT;
ALTER TABLE articles ADD COLUMN removed_reason TEXT;
UPDATE articles SET removed_reason = 'gone' WHERE removed_at IS NOT NULL;
ALTER TABLE listings ADD COLUMN swept_at TEXT;
ALTER TABLE listings ADD COLUMN sweep_tried_at TEXT;
"""

# Where each version came from: a visit to the site ("crawl") or the extractor re-run over a stored capture
# ("reextract": a change of extractor, not an edit by the site), and which scraper version extracted it.
# Versions written before: a version extracted from the same capture as an earlier one of its article can
# only be a re-extraction. `fetches.detail` holds the free text of an error (an exception's message) beside
# its reason code. `published_date` is the page's own calendar date (SQLite's date() shifts to UTC: the day
# before, for a time before 07:00 in Vietnam). `runs.kind` tells crawls from re-extractions.
SCHEMA_V9 = """
ALTER TABLE article_versions_data ADD COLUMN origin TEXT NOT NULL DEFAULT 'crawl';
ALTER TABLE article_versions_data ADD COLUMN extractor TEXT;
UPDATE article_versions_data SET origin = 'reextract' WHERE capture_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM article_versions_data p WHERE p.article_id = article_versions_data.article_id
    AND p.id < article_versions_data.id AND p.capture_id = article_versions_data.capture_id
);
DROP VIEW article_versions;
CREATE VIEW article_versions AS SELECT v.id, v.article_id, v.observed_at, v.content_hash,
    CASE WHEN v.body IS NULL THEN a.title ELSE v.title END AS title,
    CASE WHEN v.body IS NULL THEN a.published_at ELSE v.published_at END AS published_at,
    CASE WHEN v.body IS NULL THEN a.author ELSE v.author END AS author,
    coalesce(v.body, a.body) AS body, v.capture_id, v.origin, v.extractor
FROM article_versions_data v JOIN articles a ON a.id = v.article_id;
ALTER TABLE fetches ADD COLUMN detail TEXT;
ALTER TABLE articles ADD COLUMN published_date TEXT;
UPDATE articles SET published_date = substr(published_at, 1, 10)
WHERE published_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*';
ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'crawl';
"""

MIGRATIONS = (
    (1, SCHEMA_V1),
    (2, SCHEMA_V2),
    (3, SCHEMA_V3),
    (4, SCHEMA_V4),
    (5, SCHEMA_V5),
    (6, SCHEMA_V6),
    (7, SCHEMA_V7),
    (8, SCHEMA_V8),
    (9, SCHEMA_V9),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
# A long checkpoint interval writes hot index pages back less often: +18% articles/s (bench/bench_loader.py);
# every run ends with a TRUNCATE checkpoint, so the WAL does not stay large.
WRITER_PRAGMAS = (
    "synchronous=NORMAL",
    "busy_timeout=30000",
    "foreign_keys=ON",
    "journal_size_limit=67108864",
    "wal_autocheckpoint=10000",
)


def text_hash(title: str, body: str) -> str:
    """The dedup key of an article's text: the same article under another URL, whatever its Unicode form."""
    paragraphs = [dedup_key(p) for p in unicodedata.normalize("NFC", body).split("\n\n")]
    return hashlib.sha256("\x1f".join([dedup_key(title), *paragraphs]).encode()).hexdigest()


def keeps_nothing(name: str) -> bool:
    """Whether SQLite would take this archive name for a temporary or in-memory database, or a URI."""
    name = name.strip()
    return not name or name == ":memory:" or name.lower().startswith("file:")


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection to an existing or new archive file, with our SQL functions, without migrating."""
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    # Used by the v2 migration to fill text_hash for rows written before it; nothing else depends on it.
    conn.create_function("scraper_text_hash", 2, text_hash, deterministic=True)
    return conn


def open_archive(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) an archive for writing, in WAL mode, migrated to the current schema.

    Checks first that the file and its folder are writable and the file is sound, so a run that cannot
    store anything fails before any network traffic (reliability.md S5, S8).
    """
    _check_writable(Path(path))
    try:
        db = connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        for pragma in WRITER_PRAGMAS:
            db.execute(f"PRAGMA {pragma}")
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise StorageError(f"{path}: the archive is damaged ({check}); restore the last backup")
        migrate(db)
        with transaction(db):
            pass  # the write lock can be taken
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path}: cannot open the archive: {exc}") from None
    return db


NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs"}
)


def filesystem_of(path: Path, mounts: str | None = None) -> str:
    """The file-system type of the mount holding path (from /proc/self/mounts), or "" when unknown."""
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8")
        except OSError:
            return ""
    target, best, kind = str(path.resolve()), "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3 or len(fields[1]) <= len(best):
            continue
        if target == fields[1] or target.startswith(fields[1].rstrip("/") + "/"):
            best, kind = fields[1], fields[2]  # the longest matching mount point holds the path
    return kind


def _check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise StorageError(f"{path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(
            f"{path}: the folder {folder} is not writable (WAL needs to create files beside it)"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StorageError(f"{path}: the archive is read-only")
    kind = filesystem_of(folder)
    if kind in NETWORK_FILESYSTEMS:
        # WAL needs shared memory on one host; over NFS/SMB locking breaks and files corrupt (sqlite.org/wal.html).
        raise StorageError(
            f"{path}: the archive is on a network file system ({kind}); keep it on a local disk"
        )


def open_reader(path: str | Path) -> sqlite3.Connection:
    """Open an existing archive read-only (search, stats, export); refuses a missing or newer file."""
    if not Path(path).is_file():
        raise StorageError(f"{path}: no archive here (run `scraper crawl` first, or pass --db)")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path}: cannot open the archive: {exc}") from None
    if version != SCHEMA_VERSION:
        raise StorageError(f"{path}: {_schema_advice(version)}")
    return db


def _schema_advice(version: int) -> str:
    """Why an archive of another schema cannot be read, and what to do: only an older one can be upgraded."""
    if version > SCHEMA_VERSION:
        return (
            f"archive schema {version} was written by a newer scraper (this one reads {SCHEMA_VERSION}); "
            "upgrade scraper to read it"
        )
    if version == 0:
        return "not a scraper archive (an empty file or another program's SQLite database)"
    return f"archive schema {version}, this scraper reads {SCHEMA_VERSION}; run a crawl to upgrade"


def migrate(db: sqlite3.Connection, until: int = SCHEMA_VERSION) -> None:
    """Bring the schema to `until` (tests build older archives) in one atomic step; never downgrade.

    One transaction for every version, so a run killed while creating or upgrading an archive leaves it as it
    was, never at a version between (which readers expecting the full schema would trip over).
    """
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StorageError(f"archive schema {version} is newer than this scraper knows ({SCHEMA_VERSION})")
    with transaction(db):
        for target, script in MIGRATIONS:
            if version < target <= until:
                for statement in _statements(script):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")


def _statements(script: str) -> list[str]:
    # Split on ";" at line ends only: trigger bodies hold ";" mid-line and end with "END;".
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        if line.rstrip().endswith(";") and (
            not current[0].lstrip().startswith("CREATE TRIGGER") or line.strip() == "END;"
        ):
            statements.append("\n".join(current))
            current = []
    return statements


def index_queued(db: sqlite3.Connection, queue: list[int]) -> None:
    """Add the queued articles to the search index now, in one statement, inside the open transaction."""
    if queue:
        db.execute(
            "INSERT INTO articles_fts (rowid, title, body) SELECT id, title, body FROM articles "
            "WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(queue)],
        )
        queue.clear()


@contextmanager
def transaction(db: sqlite3.Connection, fts_queue: list[int] | None = None) -> Iterator[None]:
    """One write unit: BEGIN IMMEDIATE, then COMMIT; on any error ROLLBACK, and SQLite errors become StorageError.

    `fts_queue` holds the articles inserted in this unit: they join the search index just before the COMMIT,
    and are forgotten on a ROLLBACK.

    Inside an open transaction (a bulk load's batch) a unit joins it: the batch commits whole or not at all,
    so an article is still never half stored. Not a savepoint per unit: FTS5 writes its pending terms out as
    a new index segment at every savepoint, which cost 60 µs per article (bench/bench_loader.py).
    """
    if db.in_transaction:
        yield
        return
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"cannot start a write: {exc}") from None
    try:
        yield
        if fts_queue:
            index_queued(db, fts_queue)
        db.execute("COMMIT")
    except BaseException as exc:
        if fts_queue is not None:
            fts_queue.clear()
        # SQLite may already have rolled back on SQLITE_FULL or SQLITE_IOERR: only roll back what is open.
        if db.in_transaction:
            db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise _storage_error(exc) from None
        raise


def _storage_error(exc: sqlite3.DatabaseError) -> StorageError:
    hint = " (is the disk full?)" if "disk" in str(exc) else ""
    return StorageError(f"cannot write the archive: {exc}{hint}")


@contextmanager
def archive_lock(db_path: str | Path) -> Iterator[None]:
    """Hold `<db>.lock` for a crawl; the kernel drops it when the process dies, so it never goes stale."""
    lock_path = Path(f"{db_path}.lock")
    try:
        handle: IO[str] = open(lock_path, "a+")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        folder = lock_path.parent
        raise StorageError(
            f"{db_path}: the folder {folder} is not writable (cannot create {lock_path.name}: {exc.strerror})"
        ) from None
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
