"""The data passed between the stages and up to the commands: plain dataclasses, no I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

VERSION = "0.1.0"  # the package's version, as pyproject.toml says; written beside what it extracts


def utc_iso(moment: datetime) -> str:
    """A UTC time as the archive writes it: ISO 8601 ending in Z (these strings sort as times)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_now() -> str:
    """The current time as the archive writes it."""
    return utc_iso(datetime.now(UTC))


@dataclass(frozen=True)
class CrawlSettings:
    """The [crawl] table of config.toml, with defaults filled in."""

    db: str = "archive.db"
    user_agent: str = "scraper/0.1 (research archive of Vietnamese local-government news)"
    delay: float = 1.0
    timeout: float = 30.0
    max_articles: int = 0
    max_listing_pages: int = 50
    max_revisits: int = 100
    time_limit: float = 0.0
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 3
    sweep_days: float = 30.0  # walk every listing to its end this often, to see what left it; 0 = never


@dataclass(frozen=True)
class Site:
    """One [[sites]] entry: where to start and how to recognise its pages."""

    name: str
    start_urls: tuple[str, ...]
    profile: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    article_pattern: str | None = None
    listing_pattern: str | None = None
    delay: float | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    ca_bundle: str | None = None
    allow_private: bool = False


@dataclass(frozen=True)
class Config:
    """The whole config file."""

    crawl: CrawlSettings
    sites: tuple[Site, ...]


@dataclass(frozen=True)
class Page:
    """One HTTP response as received, plus its decoded text."""

    url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    text: str
    encoding: str
    fetched_at: str
    elapsed_ms: int
    flags: tuple[
        str, ...
    ] = ()  # doubts about the decoded text, for the article's flags ("encoding_mislabelled")
    attempts: tuple[Attempt, ...] = ()  # the requests that got it: robots.txt and retries included


@dataclass(frozen=True)
class Attempt:
    """One HTTP request and its outcome, as the `fetches` table records it."""

    url: str
    fetched_at: str
    status: int | None
    error: str | None
    elapsed_ms: int
    bytes: int
    kind: FetchKind
    detail: str | None = None  # the free text behind `error` (an exception's message), for the log


@dataclass(frozen=True)
class SiteVisits:
    """The site-wide visitor counter: Đang truy cập / Hôm nay / Tổng lượt truy cập."""

    online: int | None
    today: int | None
    total: int | None


@dataclass(frozen=True)
class Attachment:
    """A linked document (pdf, doc, xls ...) in an article's body."""

    url: str
    text: str


@dataclass(frozen=True)
class Article:
    """What the extractor found on one page."""

    url: str | None
    title: str
    published_at: str | None
    author: str | None
    body: str
    site_visits: SiteVisits | None
    views: int | None
    profile: str
    attachments: tuple[Attachment, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    category: str | None = None
    flags: tuple[str, ...] = ()
    source: str | None = None  # "Nguồn tin: X": where the article came from, not who wrote it


class FetchKind(StrEnum):
    """What a request was for, as `fetches.kind` records it."""

    PAGE = "page"  # `scraper extract URL`: a fetch outside a crawl, never stored
    LISTING = "listing"
    ARTICLE = "article"
    REVISIT = "revisit"  # an archived article fetched again, conditionally
    SITEMAP = "sitemap"
    FEED = "feed"
    ROBOTS = "robots"
    INTERNAL = "internal"  # no request: an internal error while handling the URL


class Outcome(StrEnum):
    """What storing one article did."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ALIAS = "alias"  # the same text under another URL: recorded as an alias of the article


class RunKind(StrEnum):
    """What a `runs` row is: a crawl or a re-extraction of the stored captures."""

    CRAWL = "crawl"
    REEXTRACT = "reextract"


class RunStatus(StrEnum):
    """How a run ended, as `runs.status` records it."""

    RUNNING = "running"
    OK = "ok"
    DEGRADED = "degraded"  # some site's part of the run went wrong (RunSummary.degraded says why)
    TIME_LIMIT = "time_limit"  # ended cleanly at --time-limit; what was pending stays in the frontier
    ABORTED = "aborted"  # stopped by an archive fault or a signal
    CRASHED = "crashed"  # found still "running" by the next crawl: its process died


@dataclass(frozen=True)
class LoadResult:
    """What storing one article did, and the article's id."""

    article_id: int
    outcome: Outcome
    aliases: int = (
        0  # alias rows written: the text's second URL (outcome ALIAS), the URL it was reached under
    )


@dataclass
class Counts:
    """What a crawl did, as the `runs` table records it."""

    pages_fetched: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    articles_alias: int = 0
    articles_removed: int = 0
    not_modified: int = 0
    failures: int = 0

    def count(self, outcome: Outcome) -> None:
        """Count one stored article by what storing it did."""
        match outcome:
            case Outcome.NEW:
                self.articles_new += 1
            case Outcome.CHANGED:
                self.articles_changed += 1
            case Outcome.UNCHANGED:
                self.articles_unchanged += 1
            case Outcome.ALIAS:
                self.articles_alias += 1

    def add(self, other: Counts) -> None:
        """Add another part of the run's counts (a site's) to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        """The counts as `runs` columns."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class RunSummary:
    """The outcome of one crawl; `degraded` says, per degraded site, why it is."""

    run_id: int
    status: RunStatus
    counts: Counts
    sites: dict[str, Counts] = field(default_factory=dict)
    degraded: dict[str, str] = field(default_factory=dict)  # site -> why its part of the run is degraded


@dataclass
class ReextractCounts:
    """What a re-extraction did: captures read, articles stored (counted as a crawl counts them), and not."""

    checked: int = 0
    stored: Counts = field(default_factory=Counts)
    failed: dict[str, int] = field(default_factory=dict)  # extraction failures, by reason
    kept: dict[str, int] = field(default_factory=dict)  # re-extractions refused for a lost field, by field

    def as_run(self) -> dict[str, int]:
        """The counts as `runs` columns (no page is fetched: pages_fetched stays 0)."""
        return self.stored.as_dict() | {"failures": sum(self.failed.values()) + sum(self.kept.values())}


class Progress(Protocol):
    """What the run loop reports as it goes."""

    def site_started(self, site: str) -> None: ...
    def page_done(self, site: str, outcome: str, url: str) -> None: ...
    def page_failed(self, site: str, url: str, reason: str) -> None: ...
    def site_finished(self, site: str, counts: dict[str, int]) -> None: ...
    def close(self) -> None: ...
