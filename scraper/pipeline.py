"""The run loop: for each site, walk its listings, fetch new articles, extract and load them.

This is the one place that catches ScraperError per URL: a page that fails is recorded in `fetches` with its
reason and is tried again on the next run (it is not in `articles`, so it is still new).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlite_utils import Database

from .archive import archive_lock, open_archive
from .crawler import Fetcher, Politeness, discover_links
from .errors import ConfigError, ExtractError, FetchError
from .extractor import extract_article, site_visits_of
from .loader import (
    finish_run,
    known_urls,
    save_article,
    save_attempts,
    save_page,
    save_visits,
    start_run,
)
from .models import Config, CrawlSettings, Page, Site
from .progress import Progress
from .urls import canonicalize

log = logging.getLogger(__name__)

BARREN_LISTING_PAGES = 2  # stop paginating after this many pages in a row with no unseen article link
DEGRADED_SHARE = 0.2  # a run where more than this share of a site's pages failed is "degraded"


@dataclass
class Counts:
    """What a run did, as the `runs` table records it."""

    pages_fetched: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    articles_alias: int = 0
    failures: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts as `runs` columns."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class RunSummary:
    """The outcome of one crawl."""

    run_id: int
    status: str
    counts: Counts
    sites: dict[str, Counts] = field(default_factory=dict)


def select_sites(config: Config, names: Sequence[str], source: str) -> tuple[Site, ...]:
    """The sites named with --site (all when none), in config order."""
    known = {s.name for s in config.sites}
    for name in names:
        if name not in known:
            raise ConfigError(source, "--site", f"no site named {name!r} (known: {', '.join(sorted(known))})")
    return tuple(s for s in config.sites if not names or s.name in names)


def run_crawl(config: Config, db_path: str, sites: Sequence[Site], progress: Progress) -> RunSummary:
    """Crawl the sites into the archive at db_path, holding its lock for the whole run."""
    with archive_lock(db_path):
        db = open_archive(db_path)
        run_id = start_run(db, len(sites))
        per_site = {site.name: Counts() for site in sites}
        try:
            asyncio.run(_crawl_all(db, run_id, config.crawl, sites, per_site, progress))
        except BaseException:
            finish_run(db, run_id, "aborted", _total(per_site).as_dict())
            raise
        total = _total(per_site)
        status = "degraded" if any(_degraded(c) for c in per_site.values()) else "ok"
        finish_run(db, run_id, status, total.as_dict())
        db.close()
    return RunSummary(run_id, status, total, per_site)


def _total(per_site: dict[str, Counts]) -> Counts:
    total = Counts()
    for counts in per_site.values():
        for f in fields(Counts):
            setattr(total, f.name, getattr(total, f.name) + getattr(counts, f.name))
    return total


def _degraded(counts: Counts) -> bool:
    return counts.pages_fetched == 0 or counts.failures > DEGRADED_SHARE * max(counts.pages_fetched, 1)


async def _crawl_all(
    db: Database,
    run_id: int,
    settings: CrawlSettings,
    sites: Sequence[Site],
    per_site: dict[str, Counts],
    progress: Progress,
) -> None:
    politeness = Politeness()
    jobs = [
        SiteCrawl(db, run_id, settings, site, per_site[site.name], progress).run(politeness) for site in sites
    ]
    await asyncio.gather(*jobs)


@dataclass
class SiteCrawl:
    """One site's part of a run."""

    db: Database
    run_id: int
    settings: CrawlSettings
    site: Site
    counts: Counts
    progress: Progress

    async def run(self, politeness: Politeness) -> None:
        """Walk the listings breadth-first and archive every article not yet in the archive."""
        self.progress.site_started(self.site.name)
        async with Fetcher(self.site, self.settings, politeness) as fetcher:
            await self._walk(fetcher)
        self.progress.site_finished(self.site.name, self.counts.as_dict())

    async def _walk(self, fetcher: Fetcher) -> None:
        known = known_urls(self.db, self.site.name)
        queue = deque(canonicalize(u) for u in self.site.start_urls)
        queued, seen = set(queue), set[str]()
        barren = listing_pages = 0
        while queue and listing_pages < self.settings.max_listing_pages and barren < BARREN_LISTING_PAGES:
            listing_pages += 1
            page = await self._fetch(fetcher, queue.popleft(), "listing")
            if page is None:
                continue
            self._record_listing(page, fetcher)
            links = discover_links(page, self.site, fetcher.hosts)
            queue.extend(u for u in links.listings if u not in queued)
            queued.update(links.listings)
            fresh = [u for u in links.articles if u not in seen]
            seen.update(fresh)
            barren = 0 if fresh else barren + 1
            for url in fresh:
                if url in known:
                    continue
                if self._quota_reached():
                    return
                await self._archive(fetcher, url)

    def _quota_reached(self) -> bool:
        limit = self.settings.max_articles
        return bool(limit) and self.counts.articles_new >= limit

    async def _fetch(self, fetcher: Fetcher, url: str, kind: str) -> Page | None:
        try:
            page = await fetcher.fetch(url, kind)
        except FetchError as error:
            save_attempts(self.db, self.run_id, self.site.name, fetcher.drain_attempts())
            self._failed(url, error.reason)
            return None
        self.counts.pages_fetched += 1
        return page

    def _record_listing(self, page: Page, fetcher: Fetcher) -> None:
        save_page(self.db, self.run_id, self.site.name, page, fetcher.drain_attempts())
        visits = site_visits_of(page.text)
        if visits is not None:
            save_visits(self.db, self.run_id, self.site.name, page.final_url, visits, page.fetched_at)
        self.progress.page_done(self.site.name, "listing", page.final_url)

    async def _archive(self, fetcher: Fetcher, url: str) -> None:
        page = await self._fetch(fetcher, url, "article")
        if page is None:
            return
        try:
            article = extract_article(
                page.text, url, self.site.profile, self.site.selectors, _as_datetime(page.fetched_at)
            )
        except ExtractError as error:
            save_page(
                self.db,
                self.run_id,
                self.site.name,
                page,
                fetcher.drain_attempts(),
                f"extract:{error.reason}",
            )
            self._failed(url, f"extract:{error.reason}")
            return
        result = save_article(
            self.db, self.run_id, self.site.name, url, page, article, fetcher.drain_attempts()
        )
        setattr(
            self.counts, f"articles_{result.outcome}", getattr(self.counts, f"articles_{result.outcome}") + 1
        )
        self.progress.page_done(self.site.name, result.outcome, url)

    def _failed(self, url: str, reason: str) -> None:
        self.counts.failures += 1
        self.progress.page_failed(self.site.name, url, reason)


def _as_datetime(iso_utc: str) -> datetime:
    return datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
