"""`scraper check`: try one configured site the way a crawl would, and say what worked; never writes the archive."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from .crawler import Fetcher, site_hosts, system_addresses
from .discovery import discover_links
from .errors import ExtractError, FetchError, Reason
from .extractor import extract_article
from .models import Article, Attempt, CrawlSettings, FetchKind, Page, Site

# What a researcher can do about each failure a check meets, by its reason in `fetches.error`.
HINTS: dict[str, str] = {
    Reason.BLOCKED_SSRF: "the host is, or resolves to, a private or loopback address: set allow_private = true "
    "in the site's [[sites]] entry if this is an intranet portal",
    Reason.DNS_FAILED: "the host name does not resolve: check the start URL's spelling, or the network",
    Reason.ROBOTS_UNREACHABLE: "robots.txt could not be read, so a crawl fetches nothing from this host",
    Reason.ROBOTS_DISALLOWED: "robots.txt forbids crawlers this URL: choose another listing page",
    Reason.ROBOTS_CRAWL_DELAY_TOO_LONG: "robots.txt asks for a Crawl-delay over 120 s: a crawl skips this host",
    Reason.TLS_VERIFY_FAILED: "the certificate chain is incomplete: give the site a ca_bundle with the "
    "missing intermediate",
    Reason.REDIRECT_OUT_OF_SCOPE: "the page redirects to another host: add that host to allowed_hosts",
}
NO_LINKS_HINT = (
    "no link on the listing page looks like an article: set article_pattern (a regex on article URLs) "
    "or profile in config.toml"
)


@dataclass(frozen=True)
class Step:
    """One thing the check tried, whether it worked, and what it saw."""

    what: str
    ok: bool
    detail: str
    hint: str | None = None
    reason: str | None = None  # the failure's code in `fetches.error`, when it has one


@dataclass(frozen=True)
class SiteCheck:
    """Everything a check of one site found: its steps and, when it got that far, one extracted article."""

    site: str
    steps: tuple[Step, ...]
    article: Article | None

    @property
    def ok(self) -> bool:
        """True when the site can be crawled: an article was found and read."""
        return self.article is not None and all(step.ok for step in self.steps)


async def check_site(site: Site, settings: CrawlSettings) -> SiteCheck:
    """Resolve the site's hosts, read robots.txt, fetch every start listing and one article, and extract it."""
    steps = [await _resolve(host) for host in dict.fromkeys(site_hosts(site))]
    article = None
    # One attempt per URL: a check is a quick look, and a transient fault shows in its step.
    async with Fetcher(site, replace(settings, retries=0)) as fetcher:
        found: tuple[str, ...] = ()
        for start in dict.fromkeys(site.start_urls):
            listing = await _fetch(fetcher, start, FetchKind.LISTING, steps)
            if listing:
                links = discover_links(listing, site, fetcher.hosts).articles
                steps.append(_links_step(len(links)))
                found = found or links
        page = await _fetch(fetcher, found[0], FetchKind.ARTICLE, steps) if found else None
        if page:
            article = _extract(page, site, steps)
    return SiteCheck(site.name, tuple(steps), article)


async def _resolve(host: str) -> Step:
    name = urlsplit(f"//{host}").hostname or host
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return Step(f"host {host}", True, "an IP address: no name to resolve")
    try:
        addresses = sorted(set(await system_addresses(name)))
    except OSError as exc:
        reason = Reason.DNS_FAILED
        return Step(f"host {host}", False, f"does not resolve ({exc.strerror or exc})", HINTS[reason], reason)
    return Step(f"host {host}", True, f"resolves to {', '.join(addresses)}")


async def _fetch(fetcher: Fetcher, url: str, kind: FetchKind, steps: list[Step]) -> Page | None:
    """Fetch url, adding a step for each request made (robots.txt included); None when it failed."""
    page, reason, attempts = None, "", tuple[Attempt, ...]()
    try:
        page = await fetcher.fetch(url, kind)
        attempts = page.attempts
    except FetchError as error:
        reason, attempts = error.reason, error.attempts
    steps.extend(_attempt_step(a) for a in attempts)
    if page is None and steps[-1].reason != reason:  # refused before any request to url (robots.txt)
        steps.append(Step(f"{kind} {url}", False, reason, HINTS.get(reason), reason))
    return page


def _attempt_step(attempt: Attempt) -> Step:
    if attempt.error is None:
        return Step(f"{attempt.kind} {attempt.url}", True, f"HTTP {attempt.status}, {attempt.bytes} bytes")
    outcome = f"{attempt.error} ({attempt.detail})" if attempt.detail else attempt.error
    return Step(f"{attempt.kind} {attempt.url}", False, outcome, HINTS.get(attempt.error), attempt.error)


def _links_step(count: int) -> Step:
    if count:
        return Step("links", True, f"{count} article link{'s' if count != 1 else ''} on the listing page")
    return Step("links", False, "no article link on the listing page", NO_LINKS_HINT)


def _extract(page: Page, site: Site, steps: list[Step]) -> Article | None:
    try:
        article = extract_article(
            page.text, page.url, site.profile, site.selectors, datetime.fromisoformat(page.fetched_at)
        )
    except ExtractError as error:
        hint = "try `scraper extract` on a saved copy, then set [sites.selectors] or profile"
        steps.append(Step("extract", False, error.reason, hint))
        return None
    steps.append(Step("extract", True, f"profile {article.profile}"))
    return article
