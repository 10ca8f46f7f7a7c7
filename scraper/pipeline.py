"""The run loop: for each site, walk its listings, fetch new articles, extract and load them.

This is the one place that catches ScraperError per URL: a page that fails is recorded in `fetches` with its
reason and is tried again on the next run (it is not in `articles`, so it is still new).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import deque
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from .archive import archive_lock
from .blocks import check_nesting
from .counters import site_visits_of
from .crawler import Fetcher, Politeness
from .discovery import (
    Links,
    Shape,
    canonical_link,
    discover_links,
    feed_articles,
    feed_links,
    item_leads,
    served_url,
)
from .errors import ConfigError, ExtractError, FetchError, Reason, ScraperError, StorageError
from .extractor import extract_article
from .frontier import Frontier, Pending, look_again_at
from .models import (
    Article,
    Attempt,
    Config,
    Counts,
    CrawlSettings,
    FetchKind,
    Outcome,
    Page,
    Progress,
    RunStatus,
    RunSummary,
    Site,
    utc_iso,
    utc_now,
)
from .revisits import next_visit
from .store import Archive, SiteArchive
from .text import dedup_key
from .urls import canonicalize, document_key, in_scope, is_pagination_of, onward_pages, owner_of

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
# Sites crawled at once: each open site holds its connections, its page in hand and its sets, so an unbounded
# run grew 73 -> 131 MiB from 100 to 1,000 sites; 100 at a time: 73 -> 78 MiB, no slower (BENCHMARKS.md).
SITES_IN_FLIGHT = 100
MAX_ALIASES_TRIED = 3  # an article's aliases a revisit tries when its URL answers 404/410
MAX_FAILING_STREAK = 25  # pages failing in a row after which a site waits for the next run
MIN_LEAD_CHARS = 60  # text beside a headline link this long is the item's lead
NOT_AN_ARTICLE = "not_an_article"  # the extractor's reason for a page that holds no article (a listing)
T = TypeVar("T")


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
        archive = Archive.open(db_path)
        run_id = archive.start_run(len(sites))
        starts = {site.name: site.start_urls for site in config.sites}
        crawls = [
            SiteCrawl(
                archive.site(run_id, site.name, next_visit), config.crawl, site, Counts(), progress, starts
            )
            for site in sites
        ]
        per_site = {crawl.site.name: crawl.counts for crawl in crawls}
        try:
            finished = asyncio.run(_crawl_all(crawls, config.crawl.time_limit))
        except BaseException:
            _record_abort(archive, run_id, _total(per_site))
            raise
        total = _total(per_site)
        degraded = {c.site.name: why for c in crawls if (why := c.degraded()) is not None}
        status = RunStatus.DEGRADED if degraded else RunStatus.OK
        if not finished:
            status = RunStatus.TIME_LIMIT  # ended cleanly; what was pending stays in the frontier
        archive.finish_run(run_id, status, total.as_dict())
        archive.close()
    return RunSummary(run_id, status, total, per_site, degraded)


def _record_abort(archive: Archive, run_id: int, counts: Counts) -> None:
    try:
        archive.finish_run(run_id, RunStatus.ABORTED, counts.as_dict())
    except StorageError as error:  # the disk that failed the run may fail this too; the next run marks it
        log.error("could not record the end of run %s: %s", run_id, error)


def _total(per_site: dict[str, Counts]) -> Counts:
    total = Counts()
    for counts in per_site.values():
        total.add(counts)
    return total


async def _crawl_all(crawls: Sequence[SiteCrawl], time_limit: float) -> bool:
    """Crawl the sites concurrently, SITES_IN_FLIGHT at a time; False when the run's time limit ended it."""
    politeness, slots = Politeness(), asyncio.Semaphore(SITES_IN_FLIGHT)

    async def in_turn(crawl: SiteCrawl) -> None:
        async with slots:
            await crawl.run(politeness)

    try:
        # Cancellation lands only on an await (a fetch), never inside a write: archive writes are synchronous.
        async with asyncio.timeout(time_limit or None):
            await asyncio.gather(*(in_turn(crawl) for crawl in crawls))
    except TimeoutError:
        log.warning("time limit of %s s reached: run ended, pending pages kept for the next run", time_limit)
        return False
    return True


class Walk(StrEnum):
    """How a walk of listing pages goes on (see SiteCrawl._walk)."""

    BACKFILL = "backfill"  # every page, to the listing's end
    HEAD = "head"  # while pages show new articles
    SWEEP = "sweep"  # every page again, to see which articles left the listing


class SiteAbandoned(ScraperError):
    """A site failed so often in a row that the rest of it waits for the next run."""


# What ends a run rather than one URL: the archive cannot be written, or the process is out of memory.
# Everything else that goes wrong while handling one URL is recorded against that URL (`_guard`).
ARCHIVE_FAULTS = (StorageError, sqlite3.Error, MemoryError)


@dataclass
class SiteCrawl:
    """One site's part of a run: walk listings, fetch new and pending articles, revisit old ones."""

    store: SiteArchive
    settings: CrawlSettings
    site: Site
    counts: Counts
    progress: Progress
    starts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # every configured site's start URLs
    known: set[str] = field(default_factory=set)
    documents: dict[str, str] = field(default_factory=dict)  # document_key -> a known URL of that document
    queued: set[str] = field(default_factory=set)
    walked: set[str] = field(default_factory=set)  # listing pages walked on any run
    walked_now: set[str] = field(default_factory=set)  # listing pages walked on this run
    feeds: dict[str, FetchKind] = field(default_factory=dict)
    shapes: set[Shape] = field(default_factory=set)  # article URL shapes the site's listings showed this run
    budget: int = 0
    listing_pages: int = 0
    article_links: int = 0
    failing_streak: int = 0
    problem: str | None = None  # what stopped this site's part of the run early, if anything did
    # The requests of the page in hand, until it is stored: an unexpected error in between records them.
    unstored: tuple[Attempt, ...] = ()

    @property
    def frontier(self) -> Frontier:
        """The site's URLs still to fetch and its listings' walks."""
        return self.store.frontier

    async def run(self, politeness: Politeness) -> None:
        """The whole site; anything but an archive fault ends only this site's part of the run."""
        self.progress.site_started(self.site.name)
        try:
            await self._crawl(politeness)
        except SiteAbandoned as stop:
            self.problem = str(stop)
            log.warning("%s: %s; the rest waits for the next run", self.site.name, stop)
        except ARCHIVE_FAULTS:
            raise
        except Exception as exc:  # the site boundary: one site's fault never stops the others
            log.error("%s: stopped by an internal error", self.site.name, exc_info=exc)
            self.problem = f"internal error ({type(exc).__name__})"
        self.progress.site_finished(self.site.name, self.counts.as_dict())

    async def _crawl(self, politeness: Politeness) -> None:
        """In the order that keeps new articles first and resumes cleanly after a kill."""
        self.known = self.store.known_urls()
        for url in self.known:
            self.documents.setdefault(document_key(url), url)
        self.queued = self.frontier.queued()
        self.walked = self.frontier.walked()
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
            await self._fetch_articles(fetcher, self.frontier.pending(Pending.ARTICLE))
            await self._revisit(fetcher)

    def degraded(self) -> str | None:
        """Why this site's part of the run is degraded (cron must hear of it), or None."""
        counts = self.counts
        if self.problem is not None:
            return self.problem
        if counts.pages_fetched == 0:
            return "no page fetched"
        if self.listing_pages and not self.article_links:
            return f"no article links on its {self.listing_pages} listing page(s)"
        if counts.failures > DEGRADED_SHARE * counts.pages_fetched:
            return f"{counts.failures} failed pages for {counts.pages_fetched} fetched"
        return None

    async def _walk_listings(self, fetcher: Fetcher) -> None:
        """Each start listing from its first page; then the pages earlier runs queued and did not reach."""
        starts = list(dict.fromkeys(canonicalize(u) for u in self.site.start_urls))
        continuation = self.frontier.pending(Pending.LISTING)
        heads = self.frontier.pending(Pending.LISTING_HEAD)
        if not continuation and not heads and self._sweep_due(starts):
            await self._sweep(fetcher, starts)
            return
        for start in starts:
            # While a backfill is pending, the head walk only looks for what is new; the budget left goes on.
            backfilling = not continuation and not self.frontier.backfilled(start)
            if (
                await self._walk(fetcher, [start], Walk.BACKFILL if backfilling else Walk.HEAD, start)
                and backfilling
            ):
                self.frontier.mark_backfilled(start)
        if heads:
            await self._walk(fetcher, heads, Walk.HEAD, None)
        # The continuation gets at least one page, so a budget the head walks use up cannot stall a backfill.
        self.budget = max(self.budget, 1)
        if continuation and await self._walk(fetcher, continuation, Walk.BACKFILL, None):
            for start in starts:
                self.frontier.mark_backfilled(start)

    def _sweep_due(self, starts: list[str]) -> bool:
        walks = [self.frontier.last_complete_walk(start) for start in starts]
        if not self.settings.sweep_days or any(walk is None for walk in walks):
            return False  # sweeps are off, or a listing is still being backfilled (walked to its end anyway)
        now = datetime.now(UTC)
        due, retry = utc_iso(now - timedelta(days=self.settings.sweep_days)), utc_iso(now - SWEEP_RETRY)
        if any(self.frontier.sweep_tried_since(start, retry) for start in starts):
            return False
        return min(str(walk) for walk in walks) < due

    async def _sweep(self, fetcher: Fetcher, starts: list[str]) -> None:
        """Walk every listing to its end; articles listed before but on none of its pages now have left it."""
        began = utc_now()
        self.budget = max(self.budget, MAX_SWEEP_PAGES)
        complete = True
        for start in starts:
            complete = await self._walk(fetcher, [start], Walk.SWEEP, start) and complete
        if not complete:
            for start in starts:
                self.frontier.mark_sweep_tried(start)
            log.info("%s: the listing sweep did not reach every page; tried again in a day", self.site.name)
            return
        for start in starts:
            self.frontier.mark_swept(start)
        listed, unlisted = self.store.unlisted_since(starts, began)
        if unlisted > MAX_UNLISTED_SHARE * listed:
            log.warning(
                "%s: %d of %d listed articles are on no listing page now; not marked removed (a broken pager?)",
                self.site.name,
                unlisted,
                listed,
            )
            return
        removed = self.store.mark_unlisted(starts, began, utc_now())
        self.counts.articles_removed += removed
        if removed:
            log.info("%s: %d articles left every listing; marked removed (unlisted)", self.site.name, removed)

    async def _walk(self, fetcher: Fetcher, start: list[str], mode: Walk, via: str | None) -> bool:
        """Walk listing pages breadth-first; True when the walk reached its end within the page budget.

        A "backfill" follows every page (the first crawl of a listing, or one cut short before), one page after
        the other where the URLs number them (`_follow`); a "sweep" follows every page
        again, and fails on any page it cannot read; a "head" walk follows pages while they show new articles.
        `via` is the start listing walked from. BARREN_LISTING_PAGES pages in a row with no article link unseen
        in this walk, in its place on the page, end any walk: a pager that repeats itself forever is a crawl trap
        (a sidebar of the newest articles, the same on every page, shows the next pages' items elsewhere).
        """
        queue, queued, seen, barren = deque(start), set(start), set[tuple[str, str]](), 0
        while queue and barren < BARREN_LISTING_PAGES:
            if self.budget <= 0 or self._quota_reached():
                return False
            self.budget -= 1
            url = queue.popleft()
            walked = await self._guard(
                url, _PENDING_OF_WALK[mode], self._listing(fetcher, url, mode, via, queued)
            )
            if walked is None:
                if mode == Walk.SWEEP:
                    return False  # what that page lists is unknown, so nothing may be called gone
                continue
            if mode == Walk.HEAD and not walked.new:
                # listings are newest first: a whole page of known articles means the rest is known, so the
                # pages the walk had lined up for its continuation are not needed
                self.frontier.drop(list(queue), Pending.LISTING_HEAD)
                break
            barren = 0 if set(walked.listed) - seen else barren + 1
            seen.update(walked.listed)
            queue.extend(walked.follow)
            queued.update(walked.follow)
            await self._fetch_articles(fetcher, walked.new)
            self.store.mark_listed(walked.new, utc_now(), via)  # now that they are archived
        return True

    async def _listing(
        self, fetcher: Fetcher, url: str, mode: Walk, via: str | None, queued: set[str]
    ) -> Walked | None:
        """Fetch one listing page and commit what it lists and the pages to walk after it, in one go.

        The page leaves the frontier in the same transaction that puts its new articles and its next pages
        there: wherever a run is interrupted, the next one finds the rest of the listing waiting.
        """
        pending = _PENDING_OF_WALK[mode]  # what the page and the pages after it wait for in the frontier
        page = await self._fetch(fetcher, url, FetchKind.LISTING, pending=pending)
        if page is None:
            return None
        try:
            check_nesting(page.text)  # the listing is parsed below as an article would be: same bound
        except ExtractError as error:
            self._unreadable(url, page, error, pending)
            return None
        links = discover_links(page, self.site, fetcher.hosts, frozenset(self.shapes))
        self.shapes.update(links.shapes)
        new = [u for u in dict.fromkeys(links.articles) if u not in self.known and u not in self.queued]
        follow = self._follow(url, links, mode, new, queued)
        with self.store.transaction():
            self.store.save_page(page, self._requests(page))
            self.frontier.add(new, Pending.ARTICLE)
            if pending is not None:  # a sweep keeps its queue in memory: cut short, it starts again
                self.frontier.add(follow, pending)
            self.frontier.relisted(links.articles)
            self.store.mark_listed(links.articles, utc_now(), via)
            self.frontier.done(url)
            self.frontier.mark_walked(url)
        self.queued.update(new)
        self.walked.add(url)
        self.walked_now.add(url)
        if via == url and (url in self.known or self._start_article(fetcher, url, page)):
            self.article_links += (
                1  # a start URL that is an article (archived now or before): the site's article
            )
        visits = site_visits_of(page.text)
        if visits is not None:
            self.store.save_visits(page.final_url, visits, page.fetched_at)
        self.progress.page_done(self.site.name, "listing", page.final_url)
        self.feeds.update(dict.fromkeys(links.feeds, FetchKind.FEED))
        self.listing_pages += 1
        self.article_links += len(links.articles)
        # A walk goes on while pages show items it has not seen: a sidebar of the newest articles on every page
        # would otherwise make the next pages look seen already.
        return Walked(links.placed, new, follow)

    def _follow(self, url: str, links: Links, mode: Walk, new: list[str], queued: set[str]) -> list[str]:
        """The listing pages to walk after the one at url: its next page when the URLs tell which it is."""
        if mode == Walk.HEAD and not new:
            return []  # the walk ends here (see _walk)
        candidates = [u for u in links.listings if u not in queued]
        onward = onward_pages(url, candidates)
        if onward is not None:
            candidates = [u for u in candidates if not is_pagination_of(u, url)]
        # Otherwise a backfill skips pages walked on any earlier run, a head walk those walked on this one:
        # either way a walk moves on instead of around (a pager links back to the pages before it too).
        behind = self.walked if mode == Walk.BACKFILL else self.walked_now if mode == Walk.HEAD else set()
        return (onward or []) + [u for u in candidates if u not in behind]

    async def _read_feeds(self, fetcher: Fetcher) -> None:
        """Article URLs from the site's sitemaps (robots.txt) and RSS/Atom feeds (<link rel=alternate>)."""
        queue = deque(self.feeds.items())
        queue.extend((url, FetchKind.SITEMAP) for url in fetcher.sitemaps() if url not in self.feeds)
        read = 0
        while queue and read < MAX_FEEDS:
            url, kind = queue.popleft()
            url = canonicalize(url)
            if not in_scope(url, fetcher.hosts):
                continue
            read += 1
            nested = await self._guard(url, None, self._feed(fetcher, url, kind))
            queue.extend((u, FetchKind.SITEMAP) for u in nested or [])

    async def _feed(self, fetcher: Fetcher, url: str, kind: FetchKind) -> list[str] | None:
        """Queue the new article URLs of one sitemap or feed; the sitemaps it nests."""
        page = await self._fetch(fetcher, url, kind)
        if page is None:
            return None
        pages, nested = feed_links(page.body)
        found = (canonicalize(u) for u in pages)
        new = feed_articles(
            (u for u in found if in_scope(u, fetcher.hosts) and self._ours(u)),
            self.site,
            frozenset(self.shapes),
        )
        new = [u for u in new if u not in self.known and u not in self.queued]
        with self.store.transaction():
            self.store.save_page(page, self._requests(page))
            self.frontier.add(new, Pending.ARTICLE)
        self.queued.update(new)
        return nested

    def _quota_reached(self) -> bool:
        limit = self.settings.max_articles
        return bool(limit) and self.counts.articles_new >= limit

    async def _fetch(
        self,
        fetcher: Fetcher,
        url: str,
        kind: FetchKind,
        etag: str | None = None,
        modified: str | None = None,
        pending: Pending | None = None,
    ) -> Page | None:
        """One GET; a failure is recorded (and the URL rescheduled when `pending` says what it waits for)."""
        try:
            page = await fetcher.fetch(
                url, kind, etag, modified, html=kind not in (FetchKind.SITEMAP, FetchKind.FEED)
            )
        except FetchError as error:
            self.store.save_attempts(error.attempts)
            if pending is not None:
                self.frontier.failed(url, error.reason, pending)
            gone = kind == FetchKind.REVISIT and error.status in (404, 410)
            if not (gone and await self._served_elsewhere(fetcher, url)):
                self._failed(url, error.reason, error.status, error.detail)
            return None
        self.counts.pages_fetched += 1
        self.failing_streak = 0
        self.unstored = page.attempts
        return page

    def _requests(self, page: Page) -> tuple[Attempt, ...]:
        """The requests that got page, as it is stored: _guard no longer holds them for a failure."""
        self.unstored = ()
        return page.attempts

    async def _fetch_articles(self, fetcher: Fetcher, urls: list[str]) -> None:
        for url in urls:
            if self._quota_reached():
                return
            await self._guard(url, Pending.ARTICLE, self._article(fetcher, url))

    async def _article(self, fetcher: Fetcher, url: str) -> None:
        if url in self.known:
            self.frontier.done(url)
            return
        if (archived := self._archived_spelling(url)) != url:
            if url == document_key(url):
                await self._respell(fetcher, url, archived)
                return
            # Another spelling of an archived article's URL names no other page: an alias, without a request.
            with self.store.transaction():
                self.store.alias(archived, url, utc_now())
                self.frontier.done(url)
            self._remember(url)
            self.counts.count(Outcome.ALIAS)
            return
        page = await self._fetch(fetcher, url, FetchKind.ARTICLE, pending=Pending.ARTICLE)
        if page is not None and await self._store(fetcher, url, page):
            self.frontier.done(url)
            self._remember(url)

    async def _revisit(self, fetcher: Fetcher) -> None:
        """Fetch archived articles whose time has come, conditionally: unchanged pages cost a 304."""
        due = self.store.due_revisits(utc_now(), self.settings.max_revisits)
        for url, etag, modified in due:
            await self._guard(url, None, self._revisit_one(fetcher, url, etag, modified))

    async def _revisit_one(self, fetcher: Fetcher, url: str, etag: str | None, modified: str | None) -> None:
        page = await self._fetch(fetcher, url, FetchKind.REVISIT, etag=etag, modified=modified)
        if page is None:
            return
        if page.status == 304:
            self.store.touch_article(url, self._requests(page), page.fetched_at)
            self.counts.not_modified += 1
            self.progress.page_done(self.site.name, "not_modified", url)
        else:
            await self._store(fetcher, url, page)

    async def _guard(self, url: str, pending: Pending | None, step: Awaitable[T]) -> T | None:
        """Run one URL's step; any exception but an archive fault becomes that URL's recorded failure.

        This is the boundary that keeps one hostile page or server from stopping the site or the run: the
        failure is recorded as `internal_error` (its type and message in the log, with the traceback), the URL
        is tried again on a later run when `pending` says what it waits for, and the crawl goes on.
        """
        try:
            return await step
        except (*ARCHIVE_FAULTS, SiteAbandoned):
            raise
        except Exception as exc:
            log.error("%s: internal error on %s", self.site.name, url, exc_info=exc)
            detail = f"{type(exc).__name__}: {exc}"[:500]
            failure = Attempt(url, utc_now(), None, Reason.INTERNAL_ERROR, 0, 0, FetchKind.INTERNAL, detail)
            self.store.save_attempts([*self.unstored, failure])
            self.unstored = ()
            if pending is not None:
                self.frontier.failed(url, Reason.INTERNAL_ERROR, pending)
            self._failed(url, Reason.INTERNAL_ERROR, None, detail)
            return None

    async def _store(self, fetcher: Fetcher, url: str, page: Page) -> bool:
        """Extract and load one fetched article; False when the page held none (recorded, retried later)."""
        try:
            article = self._extract(url, page)
        except ExtractError as error:
            self._unreadable(url, page, error, None if url in self.known else Pending.ARTICLE)
            return False
        named, page, article = await self._identity(fetcher, url, page, article)
        self._save(named, url, page, article, self._requests(page))
        return True

    def _save(
        self, named: str, url: str, page: Page, article: Article, attempts: tuple[Attempt, ...]
    ) -> None:
        """Load one extracted article under the URL it is archived under (`_identity`), and count what that did."""
        result = self.store.save_article(named, page, article, attempts, url)
        self._remember(named)
        self.known.add(url)
        # articles_alias counts alias rows written; an archived article reached under a URL new to the
        # archive recorded that URL, nothing else: it is not also counted unchanged.
        if not (result.aliases and result.outcome == Outcome.UNCHANGED):
            self.counts.count(result.outcome)
        self.counts.articles_alias += result.aliases - (result.outcome == Outcome.ALIAS)
        self.progress.page_done(self.site.name, result.outcome, url)

    def _start_article(self, fetcher: Fetcher, url: str, page: Page) -> bool:
        """Archive a start URL's page when it is an article: the extractor takes it, and its body is no item's
        lead (a listing of one or two items reads to the extractor as a short story: their leads)."""
        try:
            article = self._extract(url, page)
        except ExtractError:
            return False  # a listing, as a start URL usually is
        leads = [t for t in item_leads(page) if len(t) >= MIN_LEAD_CHARS]
        if any(line in lead for line in article.body.split("\n") if line.strip() for lead in leads):
            return False
        named = self._archived_spelling(served_url(page, self.site, fetcher.hosts, url))
        self._save(named, url, page, article, ())  # its fetch is recorded with the listing's
        return True

    def _extract(self, url: str, page: Page) -> Article:
        """The article on a fetched page; ExtractError when it holds none."""
        article = extract_article(
            page.text, url, self.site.profile, self.site.selectors, datetime.fromisoformat(page.fetched_at)
        )
        return replace(article, flags=article.flags + page.flags)  # doubts from decoding the page

    async def _identity(
        self, fetcher: Fetcher, url: str, page: Page, article: Article
    ) -> tuple[str, Page, Article]:
        """The URL an article is archived under, with the page and article that back it (README: Dedup).

        The URL that served the page (where redirects landed, else the one reached), unless the page's
        <link rel=canonical> names another that is this article: one already archived under the same title, or
        one that serves the same title when fetched now (its page is then the one archived). A canonical that
        is dead, on a scheme the site does not serve, a listing walked, or another article's would otherwise
        become the article's identity, and a revisit would find it gone while the article is still online.
        A revisit checks no canonical again: that would cost a request each time for a dead one.
        """
        served = self._archived_spelling(served_url(page, self.site, fetcher.hosts, url))
        named = canonical_link(page, self.site, fetcher.hosts)
        if named is None or named in self.walked or url in self.known:
            return served, page, article  # a revisit keeps the identity the first visit gave the article
        named = self._archived_spelling(named)
        if named == served:
            return served, page, article
        if named in self.known:
            same = dedup_key(self.store.title_of(named) or "") == dedup_key(article.title)
            return (named, page, article) if same else (served, page, article)
        confirmed = await self._confirmed(fetcher, named, article.title)
        if confirmed is None:
            return served, page, article
        other, found = confirmed
        return named, replace(other, attempts=page.attempts + other.attempts), found

    async def _confirmed(self, fetcher: Fetcher, named: str, title: str) -> tuple[Page, Article] | None:
        """The page at a canonical URL and its article, when it serves the article of the same title; else None."""
        try:
            other = await fetcher.fetch(named, FetchKind.ARTICLE)
        except FetchError as error:  # the site's mistake, not a page of ours that failed: no failure counted
            self.store.save_attempts(error.attempts)
            return None
        self.counts.pages_fetched += 1
        self.unstored = (*self.unstored, *other.attempts)
        try:
            found = self._extract(named, other)
        except ExtractError as error:
            self.store.save_attempts(other.attempts, f"extract:{error.reason}")
            return None
        landed = document_key(canonicalize(other.final_url))
        if landed != document_key(named) or dedup_key(found.title) != dedup_key(title):
            self.store.save_attempts(other.attempts)
            return None
        return other, found

    async def _served_elsewhere(self, fetcher: Fetcher, url: str) -> bool:
        """Whether an article that answered 404/410 at its URL is still served, with its title, at an alias.

        Its URL may be a canonical its page named that died since (or one an older crawler believed without
        checking): the article is not gone, and from now on it is archived under the alias that served it.
        """
        title = dedup_key(self.store.title_of(url) or "")
        for alias in self.store.aliases_of(url)[:MAX_ALIASES_TRIED]:
            try:
                page = await fetcher.fetch(alias, FetchKind.REVISIT)
            except FetchError as error:
                self.store.save_attempts(error.attempts)
                continue
            self.counts.pages_fetched += 1
            self.unstored = page.attempts
            try:
                article = self._extract(alias, page)
            except ExtractError as error:
                self.store.save_attempts(self._requests(page), f"extract:{error.reason}")
                continue
            if dedup_key(article.title) != title:
                self.store.save_attempts(self._requests(page))
                continue
            with self.store.transaction():
                self.store.move_article(url, alias, page.fetched_at)
                result = self.store.save_article(alias, page, article, self._requests(page))
            log.info(
                "%s: %s is gone, its article is served at %s: archived there now", self.site.name, url, alias
            )
            self.counts.count(result.outcome)
            self.progress.page_done(self.site.name, result.outcome, alias)
            return True
        return False

    async def _respell(self, fetcher: Fetcher, url: str, archived: str) -> None:
        """Archive an article under url, the plain spelling of its URL (`document_key`), when url serves it.

        Whichever spelling a crawl meets first ("/223450/" in a sidebar, "/223450" in the listing below it),
        the article ends under the plain one, so archives crawled in another order agree. Not served with the
        same title, url is no URL of the article: nothing is recorded but the request.
        """
        self.frontier.done(url)
        self._remember(url)
        confirmed = await self._confirmed(fetcher, url, self.store.title_of(archived) or "")
        if confirmed is None:
            return
        page, article = confirmed
        with self.store.transaction():
            self.store.move_article(archived, url, page.fetched_at)
            result = self.store.save_article(url, page, article, self._requests(page))
        self.counts.count(result.outcome)
        self.progress.page_done(self.site.name, result.outcome, url)

    def _archived_spelling(self, url: str) -> str:
        """The URL an archived article has under another spelling of url (`document_key`), else url."""
        return url if url in self.known else self.documents.get(document_key(url), url)

    def _ours(self, url: str) -> bool:
        """Whether a sitemap or feed entry is this site's, not a site sharing its host (one sitemap, many wards)."""
        owner = owner_of(url, self.starts) if len(self.starts) > 1 else None
        return owner is None or owner == self.site.name

    def _remember(self, url: str) -> None:
        self.known.add(url)
        self.documents.setdefault(document_key(url), url)

    def _unreadable(self, url: str, page: Page, error: ExtractError, pending: Pending | None) -> None:
        """Record a fetched page that could not be read (kept as a capture, retried when `pending` says so).

        A page linked as an article that is none (a document's page, a category) is a classification, not a
        failure: it is recorded with its reason, counts towards no degraded run, and comes back only after
        frontier.CLASSIFIED_DELAY (a page can become an article, or its server may have sent a listing by
        mistake), not on every run.
        """
        reason = f"extract:{error.reason}"
        self.store.save_page(page, self._requests(page), reason)
        if error.reason == NOT_AN_ARTICLE and pending == Pending.ARTICLE:
            self.frontier.classified(url, reason)
            self.progress.page_done(self.site.name, NOT_AN_ARTICLE, url)
            return
        if error.reason == NOT_AN_ARTICLE and url in self.known:
            # An archived article whose URL now serves a listing (the portal restructured): the archived
            # article stays as it is, and its URL is looked at again after the same delay.
            self.store.defer_revisit(url, look_again_at())
            self.progress.page_done(self.site.name, NOT_AN_ARTICLE, url)
            return
        if pending is not None:
            self.frontier.failed(url, reason, pending)
        self._failed(url, reason, None, None)

    def _failed(self, url: str, reason: str, status: int | None, detail: str | None) -> None:
        if url in self.known and status in (404, 410):
            # An archived article the site no longer serves: a finding, not a failure.
            self.store.mark_removed(url, [], utc_now())
            self.counts.articles_removed += 1
            self.progress.page_done(self.site.name, "removed", url)
            return
        self.counts.failures += 1
        self.failing_streak += 1
        self.progress.page_failed(self.site.name, url, reason + (f" ({detail})" if detail else ""))
        if self.failing_streak >= MAX_FAILING_STREAK:
            raise SiteAbandoned(f"{self.failing_streak} pages failed in a row")


_PENDING_OF_WALK: dict[Walk, Pending | None] = {
    Walk.BACKFILL: Pending.LISTING,
    Walk.HEAD: Pending.LISTING_HEAD,
    Walk.SWEEP: None,
}


@dataclass(frozen=True)
class Walked:
    """What one listing page gave a walk: every article it lists, those new to the archive, pages to walk next."""

    listed: Sequence[tuple[str, str]]  # the page's article links, each with its place (Links.placed)
    new: list[str]
    follow: list[str]
