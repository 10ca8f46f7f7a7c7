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
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from . import frontier
from .archive import archive_lock, open_archive
from .counters import site_visits_of
from .crawler import Fetcher, Politeness
from .discovery import Links, discover_links, feed_links, is_article_url
from .errors import ConfigError, ExtractError, FetchError, StorageError
from .extractor import extract_article
from .loader import (
    due_revisits,
    finish_run,
    known_urls,
    mark_listed,
    mark_removed,
    mark_unlisted,
    save_article,
    save_attempts,
    save_page,
    save_visits,
    start_run,
    touch_article,
    unlisted_since,
)
from .models import Config, CrawlSettings, Page, Site, utc_iso, utc_now
from .progress import Progress
from .urls import canonicalize, in_scope

log = logging.getLogger(__name__)

BARREN_LISTING_PAGES = 2  # a walk ends after this many pages in a row with no unseen article link
MAX_SWEEP_PAGES = 2000  # listing pages one sweep may walk (40,000 articles at 20 a page)
SWEEP_RETRY = timedelta(
    days=1
)  # after a sweep fell short: not every run, a whole listing is a lot of requests
# A sweep that would mark more than this share of a site's listed articles as gone is not believed: a pager
# that broke, or a listing cut to its latest pages, looks the same as a purge.
MAX_UNLISTED_SHARE = 0.5
MAX_FEEDS = 20  # sitemaps and feeds read per site per run (sitemap indexes nest)
DEGRADED_SHARE = 0.2  # a run where more than this share of a site's pages failed is "degraded"


@dataclass
class Counts:
    """What a run did, as the `runs` table records it."""

    pages_fetched: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    articles_alias: int = 0
    articles_removed: int = 0
    not_modified: int = 0
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
    degraded: dict[str, str] = field(default_factory=dict)  # site -> why its part of the run is degraded


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
        crawls = [SiteCrawl(db, run_id, config.crawl, site, Counts(), progress) for site in sites]
        per_site = {crawl.site.name: crawl.counts for crawl in crawls}
        try:
            finished = asyncio.run(_crawl_all(crawls, config.crawl.time_limit))
        except BaseException:
            _record_abort(db, run_id, _total(per_site))
            raise
        total = _total(per_site)
        degraded = {crawl.site.name: why for crawl in crawls if (why := crawl.degraded())}
        status = "degraded" if degraded else "ok"
        if not finished:
            status = "time_limit"  # ended cleanly at --time-limit; what was pending stays in the frontier
        finish_run(db, run_id, status, total.as_dict())
        db.close()
    return RunSummary(run_id, status, total, per_site, degraded)


def _record_abort(db: Database, run_id: int, counts: Counts) -> None:
    try:
        finish_run(db, run_id, "aborted", counts.as_dict())
    except StorageError as error:  # the disk that failed the run may fail this too; the next run marks it
        log.error("could not record the end of run %s: %s", run_id, error)


def _total(per_site: dict[str, Counts]) -> Counts:
    total = Counts()
    for counts in per_site.values():
        for f in fields(Counts):
            setattr(total, f.name, getattr(total, f.name) + getattr(counts, f.name))
    return total


async def _crawl_all(crawls: Sequence[SiteCrawl], time_limit: float) -> bool:
    """Crawl every site concurrently; False when the run's time limit ended it."""
    politeness = Politeness()
    try:
        # Cancellation lands only on an await (a fetch), never inside a write: archive writes are synchronous.
        async with asyncio.timeout(time_limit or None):
            await asyncio.gather(*(crawl.run(politeness) for crawl in crawls))
    except TimeoutError:
        log.warning("time limit of %s s reached: run ended, pending pages kept for the next run", time_limit)
        return False
    return True


@dataclass
class SiteCrawl:
    """One site's part of a run: walk listings, fetch new and pending articles, revisit old ones."""

    db: Database
    run_id: int
    settings: CrawlSettings
    site: Site
    counts: Counts
    progress: Progress
    known: set[str] = field(default_factory=set)
    queued: set[str] = field(default_factory=set)
    walked: set[str] = field(default_factory=set)
    feeds: dict[str, str] = field(default_factory=dict)
    budget: int = 0
    listing_pages: int = 0
    article_links: int = 0

    async def run(self, politeness: Politeness) -> None:
        """The whole site, in the order that keeps new articles first and resumes cleanly after a kill."""
        self.progress.site_started(self.site.name)
        self.known = known_urls(self.db, self.site.name)
        self.queued = frontier.queued(self.db, self.site.name)
        self.walked = frontier.walked(self.db, self.site.name)
        self.budget = self.settings.max_listing_pages
        async with Fetcher(self.site, self.settings, politeness) as fetcher:
            await self._walk_listings(fetcher)
            if self.listing_pages and not self.article_links:
                log.warning(
                    "%s: no article links on its %d listing page(s); set article_pattern (or profile) in config.toml",
                    self.site.name,
                    self.listing_pages,
                )
            await self._read_feeds(fetcher)
            await self._fetch_articles(fetcher, frontier.pending(self.db, self.site.name, "article"))
            await self._revisit(fetcher)
        self.progress.site_finished(self.site.name, self.counts.as_dict())

    def degraded(self) -> str | None:
        """Why this site's part of the run is degraded (cron must hear of it), or None."""
        counts = self.counts
        if counts.pages_fetched == 0:
            return "no page fetched"
        if self.listing_pages and not self.article_links:
            return f"no article links on its {self.listing_pages} listing page(s)"
        if counts.failures > DEGRADED_SHARE * counts.pages_fetched:
            return f"{counts.failures} failed pages for {counts.pages_fetched} fetched"
        return None

    async def _walk_listings(self, fetcher: Fetcher) -> None:
        """Each start listing from its first page; then pages a cut-short backfill left in the frontier."""
        starts = list(dict.fromkeys(canonicalize(u) for u in self.site.start_urls))
        continuation = frontier.pending(self.db, self.site.name, "listing")
        if not continuation and self._sweep_due(starts):
            await self._sweep(fetcher, starts)
            return
        for start in starts:
            # While a backfill is pending, the head walk only looks for what is new; the budget left goes on.
            backfilling = not continuation and not frontier.backfilled(self.db, self.site.name, start)
            if (
                await self._walk(fetcher, [start], "backfill" if backfilling else "head", start)
                and backfilling
            ):
                frontier.mark_backfilled(self.db, self.site.name, start)
        if continuation and await self._walk(fetcher, continuation, "backfill", None):
            for start in starts:
                frontier.mark_backfilled(self.db, self.site.name, start)

    def _sweep_due(self, starts: list[str]) -> bool:
        walks = [frontier.last_complete_walk(self.db, self.site.name, start) for start in starts]
        if not self.settings.sweep_days or any(walk is None for walk in walks):
            return False  # sweeps are off, or a listing is still being backfilled (walked to its end anyway)
        now = datetime.now(UTC)
        due, retry = utc_iso(now - timedelta(days=self.settings.sweep_days)), utc_iso(now - SWEEP_RETRY)
        if any(frontier.sweep_tried_since(self.db, self.site.name, start, retry) for start in starts):
            return False
        return min(str(walk) for walk in walks) < due

    async def _sweep(self, fetcher: Fetcher, starts: list[str]) -> None:
        """Walk every listing to its end; articles listed before but on none of its pages now have left it."""
        began = utc_now()
        self.budget = max(self.budget, MAX_SWEEP_PAGES)
        complete = True
        for start in starts:
            complete = await self._walk(fetcher, [start], "sweep", start) and complete
        if not complete:
            for start in starts:
                frontier.mark_sweep_tried(self.db, self.site.name, start)
            log.info("%s: the listing sweep did not reach every page; tried again in a day", self.site.name)
            return
        for start in starts:
            frontier.mark_swept(self.db, self.site.name, start)
        listed, unlisted = unlisted_since(self.db, self.site.name, starts, began)
        if unlisted > MAX_UNLISTED_SHARE * listed:
            log.warning(
                "%s: %d of %d listed articles are on no listing page now; not marked removed (a broken pager?)",
                self.site.name,
                unlisted,
                listed,
            )
            return
        removed = mark_unlisted(self.db, self.site.name, starts, began, utc_now())
        self.counts.articles_removed += removed
        if removed:
            log.info("%s: %d articles left every listing; marked removed (unlisted)", self.site.name, removed)

    async def _walk(self, fetcher: Fetcher, start: list[str], mode: str, via: str | None) -> bool:
        """Walk listing pages breadth-first; True when the walk reached its end within the page budget.

        A "backfill" follows every page (the first crawl of a listing, or one cut short before) and keeps its
        queue in the frontier; a "sweep" follows every page again, and fails on any page it cannot read; a
        "head" walk stops at the first page with no new article. `via` is the start listing walked from.
        BARREN_LISTING_PAGES pages in a row with no article link unseen in this walk end any walk: a pager
        that repeats itself forever is a crawl trap.
        """
        queue, queued, seen, barren = deque(start), set(start), set[str](), 0
        while queue and barren < BARREN_LISTING_PAGES:
            if self.budget <= 0 or self._quota_reached():
                if mode == "backfill":
                    frontier.add(self.db, self.site.name, list(queue), "listing")
                return False
            self.budget -= 1
            links = await self._listing(fetcher, queue.popleft())
            if links is None:
                if mode == "sweep":
                    return False  # what that page lists is unknown, so nothing may be called gone
                continue
            new = [u for u in links.articles if u not in self.known and u not in self.queued]
            frontier.add(self.db, self.site.name, new, "article")
            self.queued.update(new)
            await self._fetch_articles(fetcher, new)
            mark_listed(self.db, self.site.name, links.articles, utc_now(), via)
            barren = 0 if set(links.articles) - seen else barren + 1
            seen.update(links.articles)
            if not new and mode == "head":
                break  # listings are newest first: a whole page of known articles means the rest is known
            # A backfill skips pages walked on earlier runs, so a cut-short backfill moves on instead of around;
            # what it has still to walk is in the frontier at once, so a kill or a time limit loses nothing.
            follow = [
                u for u in links.listings if u not in queued and not (mode == "backfill" and u in self.walked)
            ]
            if mode == "backfill":
                frontier.add(self.db, self.site.name, follow, "listing")
            queue.extend(follow)
            queued.update(follow)
        return True

    async def _listing(self, fetcher: Fetcher, url: str) -> Links | None:
        page = await self._fetch(fetcher, url, "listing")
        if page is None:
            return None
        save_page(self.db, self.run_id, self.site.name, page, fetcher.drain_attempts())
        frontier.done(self.db, self.site.name, url)
        frontier.mark_walked(self.db, self.site.name, url)
        self.walked.add(url)
        visits = site_visits_of(page.text)
        if visits is not None:
            save_visits(self.db, self.run_id, self.site.name, page.final_url, visits, page.fetched_at)
        self.progress.page_done(self.site.name, "listing", page.final_url)
        links = discover_links(page, self.site, fetcher.hosts)
        self.feeds.update(dict.fromkeys(links.feeds, "feed"))
        self.listing_pages += 1
        self.article_links += len(links.articles)
        return links

    async def _read_feeds(self, fetcher: Fetcher) -> None:
        """Article URLs from the site's sitemaps (robots.txt) and RSS/Atom feeds (<link rel=alternate>)."""
        queue = deque(self.feeds.items())
        queue.extend((url, "sitemap") for url in fetcher.sitemaps() if url not in self.feeds)
        read = 0
        while queue and read < MAX_FEEDS:
            url, kind = queue.popleft()
            url = canonicalize(url)
            if not in_scope(url, fetcher.hosts):
                continue
            read += 1
            page = await self._fetch(fetcher, url, kind)
            if page is None:
                continue
            save_page(self.db, self.run_id, self.site.name, page, fetcher.drain_attempts())
            pages, nested = feed_links(page.body)
            queue.extend((u, "sitemap") for u in nested)
            found = (canonicalize(u) for u in pages)
            new = [u for u in found if in_scope(u, fetcher.hosts) and is_article_url(u, self.site)]
            new = [u for u in dict.fromkeys(new) if u not in self.known and u not in self.queued]
            frontier.add(self.db, self.site.name, new, "article")
            self.queued.update(new)

    def _quota_reached(self) -> bool:
        limit = self.settings.max_articles
        return bool(limit) and self.counts.articles_new >= limit

    async def _fetch(
        self, fetcher: Fetcher, url: str, kind: str, etag: str | None = None, modified: str | None = None
    ) -> Page | None:
        try:
            page = await fetcher.fetch(url, kind, etag, modified, html=kind not in ("sitemap", "feed"))
        except FetchError as error:
            save_attempts(self.db, self.run_id, self.site.name, fetcher.drain_attempts())
            if kind != "revisit":
                frontier.failed(
                    self.db, self.site.name, url, error.reason, "listing" if kind == "listing" else "article"
                )
            self._failed(url, error.reason, error.status)
            return None
        self.counts.pages_fetched += 1
        return page

    async def _fetch_articles(self, fetcher: Fetcher, urls: list[str]) -> None:
        for url in urls:
            if self._quota_reached():
                return
            if url in self.known:
                frontier.done(self.db, self.site.name, url)
                continue
            page = await self._fetch(fetcher, url, "article")
            if page is not None and self._store(fetcher, url, page):
                frontier.done(self.db, self.site.name, url)
                self.known.add(url)

    async def _revisit(self, fetcher: Fetcher) -> None:
        """Fetch archived articles whose time has come, conditionally: unchanged pages cost a 304."""
        due = due_revisits(self.db, self.site.name, utc_now(), self.settings.max_revisits)
        for url, etag, modified in due:
            page = await self._fetch(fetcher, url, "revisit", etag=etag, modified=modified)
            if page is None:
                continue
            if page.status == 304:
                touch_article(
                    self.db, self.run_id, self.site.name, url, fetcher.drain_attempts(), page.fetched_at
                )
                self.counts.not_modified += 1
                self.progress.page_done(self.site.name, "not_modified", url)
            else:
                self._store(fetcher, url, page)

    def _store(self, fetcher: Fetcher, url: str, page: Page) -> bool:
        """Extract and load one fetched article; False when the page held none (recorded, retried later)."""
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
            if url not in self.known:
                frontier.failed(self.db, self.site.name, url, f"extract:{error.reason}")
            self._failed(url, f"extract:{error.reason}", None)
            return False
        result = save_article(
            self.db, self.run_id, self.site.name, url, page, article, fetcher.drain_attempts()
        )
        name = f"articles_{result.outcome}"
        setattr(self.counts, name, getattr(self.counts, name) + 1)
        self.progress.page_done(self.site.name, result.outcome, url)
        return True

    def _failed(self, url: str, reason: str, status: int | None) -> None:
        if url in self.known and status in (404, 410):
            # An archived article the site no longer serves: a finding, not a failure.
            mark_removed(self.db, self.run_id, self.site.name, url, [], utc_now())
            self.counts.articles_removed += 1
            self.progress.page_done(self.site.name, "removed", url)
            return
        self.counts.failures += 1
        self.progress.page_failed(self.site.name, url, reason)


def _as_datetime(iso_utc: str) -> datetime:
    return datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
