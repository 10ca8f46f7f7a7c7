"""Re-run the current extractor over stored captures, without any network; changes become new versions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime

from .encoding import decode_html
from .errors import ExtractError
from .extractor import extract_article
from .models import Article, ReextractCounts, RunKind, RunStatus, Site, utc_now
from .store import Archive

# Articles per write transaction: the commit and the FTS5 index segment it writes are shared by the batch
# (bench/bench_loader.py: one commit per article caps loading near 2,300 articles/s). A batch holds the
# write lock for about 60 ms, which a concurrent crawl waits out.
BATCH = 200


def reextract(
    archive: Archive,
    sites: Mapping[str, Site] | None = None,
    site: str | None = None,
    since: str | None = None,
) -> ReextractCounts:
    """Re-extract archived articles and pages that failed extraction before; each article whole or not at all.

    Recorded as a `runs` row of kind "reextract": "ok" when done, "aborted" when stopped midway.
    """
    counts = ReextractCounts()
    targets = _targets(archive.db, site, since)
    run_id = archive.start_run(len({target[1] for target in targets}), kind=RunKind.REEXTRACT)
    try:
        for start in range(0, len(targets), BATCH):
            with archive.transaction():
                for url, site_name, capture_id in targets[start : start + BATCH]:
                    _reextract_one(
                        archive, counts, sites.get(site_name) if sites else None, url, site_name, capture_id
                    )
    except BaseException:
        archive.finish_run(run_id, RunStatus.ABORTED, counts.as_run())
        raise
    archive.finish_run(run_id, RunStatus.OK, counts.as_run())
    return counts


def _reextract_one(
    archive: Archive,
    counts: ReextractCounts,
    config: Site | None,
    url: str,
    site_name: str,
    capture_id: int,
) -> None:
    counts.checked += 1
    try:
        article = _extract_capture(archive, capture_id, url, config)
    except ExtractError as error:
        counts.failed[error.reason] = counts.failed.get(error.reason, 0) + 1
        return
    lost = _lost_field(archive.db, url, article)
    if lost is not None:
        counts.kept[lost] = counts.kept.get(lost, 0) + 1
        return
    counts.stored.count(
        archive.store_article(site_name, url, article, capture_id, utc_now(), seen=False).outcome
    )


def _lost_field(db: sqlite3.Connection, url: str, article: Article) -> str | None:
    """The first field the archived article has and this re-extraction of the same capture lost, if any.

    The capture is the page as it was: a field that vanishes is the extractor's loss (a missing config, a
    changed profile), never the site's edit, so the version that has it stays current.
    """
    current = db.execute("SELECT published_at, author FROM articles WHERE url = ?", [url]).fetchone()
    if current is None:
        return None
    published_at, author = current
    if published_at and not article.published_at:
        return "published_at"
    return "author" if author and not article.author else None


def _targets(db: sqlite3.Connection, site: str | None, since: str | None) -> list[tuple[str, str, int]]:
    archived = "SELECT url, site, capture_id FROM articles WHERE capture_id IS NOT NULL"
    # Pages fetched fine but refused by an older extractor: a fixed profile may now find their article.
    refused = (
        "SELECT f.url, f.site, (SELECT max(c.id) FROM captures c WHERE c.url = f.url) FROM fetches f "
        "WHERE f.error LIKE 'extract:%' AND f.url NOT IN (SELECT url FROM articles) "
        "AND f.url NOT IN (SELECT url FROM article_aliases) GROUP BY f.url"
    )
    rows = db.execute(f"SELECT * FROM ({archived} UNION ALL {refused}) WHERE 1 = 1").fetchall()
    return [
        (url, name, capture)
        for url, name, capture in rows
        if capture is not None
        and (site is None or name == site)
        and (since is None or _fetched_since(db, capture, since))
    ]


def _fetched_since(db: sqlite3.Connection, capture_id: int, since: str) -> bool:
    return bool(
        db.execute("SELECT fetched_at >= ? FROM captures WHERE id = ?", [since, capture_id]).fetchone()[0]
    )


def _extract_capture(archive: Archive, capture_id: int, url: str, site: Site | None) -> Article:
    """The article in a capture, read exactly as a crawl reads it: the site's profile (else detection) and
    selectors from the config. The profile stored with the article is not forced: it names the family
    detected, which may have read the page through its generic fallback."""
    fetched_at, headers, compression, content = archive.db.execute(
        "SELECT fetched_at, headers, compression, content FROM captures WHERE id = ?", [capture_id]
    ).fetchone()
    body = archive.captures.decompress(compression, content)
    content_type = next((v for k, v in json.loads(headers or "[]") if k.lower() == "content-type"), None)
    text = decode_html(body, content_type)[0]
    now = datetime.fromisoformat(fetched_at)  # relative dates resolve against the fetch
    return extract_article(text, url, site.profile if site else None, site.selectors if site else None, now)
