"""Read-side questions an analyst asks of the archive: full-text search and a summary of what is in it."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    """One search result."""

    published_at: str | None
    site: str
    title: str
    url: str


@dataclass(frozen=True)
class Version:
    """One distinct content of an article, as article_versions keeps it."""

    observed_at: str
    title: str
    published_at: str | None
    author: str | None
    body: str
    origin: str  # "crawl": seen on the site; "reextract": the extractor re-run over a stored capture
    extractor: str | None  # the scraper version that extracted it (None before schema 9)


def article_history(db: sqlite3.Connection, url: str) -> list[Version]:
    """Every distinct content of the article at a canonical URL (or one of its aliases), oldest first."""
    rows = db.execute(
        "SELECT v.observed_at, v.title, v.published_at, v.author, v.body, v.origin, v.extractor "
        "FROM article_versions v "
        "WHERE v.article_id IN (SELECT id FROM articles WHERE url = ? "
        "UNION SELECT article_id FROM article_aliases WHERE url = ?) ORDER BY v.id",
        [url, url],
    )
    return [Version(*row) for row in rows]


def site_since(
    site: str | None, since: str | None, site_column: str = "site", date_column: str = "published_at"
) -> tuple[str, list[object]]:
    """SQL conditions (each starting with AND) and parameters for the --site and --since options."""
    sql, params = "", list[object]()
    if site:
        sql, params = f" AND {site_column} = ?", [site]
    if since:
        sql, params = sql + f" AND {date_column} >= ?", [*params, since]
    return sql, params


def fts_query(text: str) -> str:
    """An FTS5 query for text typed with or without diacritics: every word, each d also matching đ.

    The index (unicode61, remove_diacritics 2) drops tone and hat marks but keeps đ, which is a letter of
    its own; "dam bao" must still find "đảm bảo", so d-words become ("dam" OR "đam").
    """
    groups = []
    for token in _TOKEN.findall(strip_marks(text)):
        variants = sorted(_d_variants(token))
        groups.append(" OR ".join(f'"{v}"' for v in variants))
    return " AND ".join(f"({g})" for g in groups)


def strip_marks(text: str) -> str:
    """Lower-case text without combining marks (tones, hats, horns), keeping đ."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _d_variants(token: str, limit: int = 4) -> set[str]:
    positions = [i for i, c in enumerate(token) if c == "d"][:limit]
    variants = set()
    for mask in range(1 << len(positions)):
        chars = list(token)
        for bit, i in enumerate(positions):
            if mask >> bit & 1:
                chars[i] = "đ"
        variants.add("".join(chars))
    return variants


def search(
    db: sqlite3.Connection, text: str, site: str | None = None, since: str | None = None, limit: int = 20
) -> list[Hit]:
    """Articles whose title or body holds every word of text, best first (title words weigh more)."""
    query = fts_query(text)
    if not query:
        return []
    sql = (
        "SELECT a.published_at, a.site, a.title, a.url FROM articles_fts f JOIN articles a ON a.id = f.rowid "
        "WHERE articles_fts MATCH ?"
    )
    conditions, params = site_since(site, since, "a.site", "a.published_at")
    sql += conditions + " ORDER BY bm25(articles_fts, 5.0, 1.0), a.published_at DESC LIMIT ?"
    return [Hit(*row) for row in db.execute(sql, [query, *params, limit])]


def site_summary(db: sqlite3.Connection) -> list[tuple[object, ...]]:
    """Per site: articles, gone (404/410), unlisted, versions, first and last publication, last seen."""
    return db.execute(
        "SELECT a.site, count(*), count(a.removed_at) FILTER (WHERE a.removed_reason IS NOT 'unlisted'), "
        "count(a.removed_at) FILTER (WHERE a.removed_reason = 'unlisted'), "
        "(SELECT count(*) FROM article_versions v JOIN articles b ON b.id = v.article_id WHERE b.site = a.site), "
        "min(a.published_at), max(a.published_at), max(a.last_seen_at) FROM articles a GROUP BY a.site ORDER BY a.site"
    ).fetchall()


def article_listing(db: sqlite3.Connection) -> list[tuple[str | None, str, str | None, int, str]]:
    """Every article, newest first: (published_at, title, author, body length, url)."""
    return db.execute(
        "SELECT published_at, title, author, length(body), url FROM articles ORDER BY published_at DESC"
    ).fetchall()


def visitor_readings(db: sqlite3.Connection) -> tuple[int, int | None]:
    """How many visitor-counter readings the archive holds, and the newest total read."""
    row: tuple[int, int | None] = db.execute(
        "SELECT count(*), (SELECT total FROM visit_stats WHERE total IS NOT NULL "
        "ORDER BY observed_at DESC, id DESC LIMIT 1) FROM visit_stats"
    ).fetchone()
    return row


def articles_per_month(db: sqlite3.Connection, site: str | None = None) -> list[tuple[object, ...]]:
    """(site, YYYY-MM, articles) by publication month, of every site or one."""
    conditions, params = site_since(site, None)
    return db.execute(
        "SELECT site, coalesce(substr(published_at, 1, 7), '(no date)') AS month, count(*) FROM articles "
        f"WHERE 1 = 1{conditions} GROUP BY site, month ORDER BY site, month",
        params,
    ).fetchall()


SITE_COLUMNS = (
    "site",
    "articles",
    "gone",
    "unlisted",
    "versions",
    "first_published",
    "last_published",
    "last_seen",
)


def stats_summary(db: sqlite3.Connection) -> dict[str, Any]:
    """What `scraper stats` prints, as one JSON-ready object."""
    run = last_run(db)
    return {
        "sites": [dict(zip(SITE_COLUMNS, row, strict=True)) for row in site_summary(db)],
        "articles_per_month": [
            {"site": site, "month": month, "articles": count} for site, month, count in articles_per_month(db)
        ],
        "last_run": run,
        "last_run_errors": [
            {"outcome": outcome, "reason": reason, "urls": urls}
            for outcome, reason, urls in (failures(db, run["id"]) if run else [])
        ],
    }


def last_run(db: sqlite3.Connection) -> dict[str, Any] | None:
    """The newest crawl's `runs` row (re-extractions have rows of their own kind)."""
    rows = list(dict_rows(db, "SELECT * FROM runs WHERE kind = 'crawl' ORDER BY id DESC LIMIT 1"))
    return rows[0] if rows else None


# What a request that ended in an error was, for a run: only "failed" pages are the run's failures.
FETCH_OUTCOME = """CASE
    WHEN f.kind = 'robots' THEN 'robots'
    WHEN f.status IN (404, 410) AND (f.url IN (SELECT url FROM articles WHERE removed_at IS NOT NULL)
        OR f.url IN (SELECT url FROM article_aliases)) THEN 'removed'
    WHEN EXISTS (SELECT 1 FROM fetches g WHERE g.run_id = f.run_id AND g.url = f.url AND g.error IS NULL)
        THEN 'retried'
    ELSE 'failed' END"""


def failures(db: sqlite3.Connection, run_id: int) -> list[tuple[str, str, int]]:
    """(outcome, reason, URLs) of a run's requests that ended in an error.

    outcome: "failed" (a page the run could not get: runs.failures), "retried" (an attempt that failed, then
    a retry got the page), "removed" (an archived article the site no longer serves), "robots" (robots.txt).
    """
    rows = db.execute(
        f"SELECT {FETCH_OUTCOME} AS outcome, f.error, count(DISTINCT f.url) FROM fetches f "
        "WHERE f.run_id = ? AND f.error IS NOT NULL GROUP BY outcome, f.error ORDER BY outcome, 3 DESC",
        [run_id],
    ).fetchall()
    return [(str(outcome), str(error), int(count)) for outcome, error, count in rows]


def archive_sites(db: sqlite3.Connection) -> list[str]:
    """Every site with an article, a fetch or a counter reading in the archive, by name."""
    rows = db.execute(
        "SELECT site FROM articles UNION SELECT site FROM fetches UNION SELECT site FROM visit_stats ORDER BY 1"
    )
    return [site for (site,) in rows]


def known_site(db: sqlite3.Connection, site: str | None) -> str | None:
    """The --site given, when the archive has it (None stays None); ConfigError when it has no such site."""
    if site is not None and site not in archive_sites(db):
        raise ConfigError("--site", site, "no such site in the archive")
    return site


def counter_per_run(
    db: sqlite3.Connection, site: str
) -> list[tuple[str, int | None, int | None, int | None]]:
    """(observed_at, online, today, total) of the last counter reading of each run of a site, oldest first.

    A run reads the counter on every page it fetches (a hundred readings a night on a big site); a chart of
    years wants one point per run, and the last reading of a run is its most current.
    """
    # SQLite takes the bare columns of a max() query from the row holding the maximum.
    return db.execute(
        "SELECT max(observed_at), online, today, total FROM visit_stats WHERE site = ? "
        "GROUP BY coalesce(run_id, -id) ORDER BY 1",
        [site],
    ).fetchall()


def failure_reasons(db: sqlite3.Connection, site: str) -> list[tuple[str, int]]:
    """(reason, requests) of a site's failed pages over every run, commonest first.

    Only what `stats` calls failed: attempts a retry made good, removed articles and robots.txt are left out.
    """
    return db.execute(
        f"SELECT f.error, count(*) FROM fetches f WHERE f.site = ? AND f.error IS NOT NULL "
        f"AND {FETCH_OUTCOME} = 'failed' GROUP BY f.error ORDER BY 2 DESC, 1",
        [site],
    ).fetchall()


def newest_articles(db: sqlite3.Connection, site: str, limit: int = 20) -> list[dict[str, Any]]:
    """A site's most recently published articles (undated ones last)."""
    return list(
        dict_rows(
            db,
            "SELECT published_at, title, author, views, url FROM articles WHERE site = ? "
            "ORDER BY published_at IS NULL, published_at DESC, id DESC LIMIT ?",
            [site, limit],
        )
    )


def dict_rows(db: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> Iterator[dict[str, Any]]:
    """The rows of a query as dicts keyed by column name."""
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return (dict(zip(names, row, strict=True)) for row in cursor)
