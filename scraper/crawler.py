"""Fetch stage: polite, bounded, retried HTTP GETs (httpx + tenacity) and link discovery on listing pages.

Measured httpx pitfalls this module works around (reliability.md §1): the read timeout is idle time only,
so every request runs under a total deadline (P1); decompression is unbounded, so we read raw bytes and
inflate in 64 KiB steps (P2); redirect bodies are decoded, so we follow redirects ourselves, never reading
3xx bodies and re-checking scope on every hop (P3).
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import ipaddress
import logging
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import httpx
from protego import Protego
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from .encoding import decode_html
from .errors import FetchError, RetryableFetchError
from .models import CrawlSettings, Page, Site, utc_now
from .urls import canonicalize, host_of, in_scope

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
RETRY_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 120.0  # longer waits defer the URL to the next run instead of sleeping
MAX_CRAWL_DELAY = 120.0  # a robots.txt asking for more: the host is skipped this run
MAX_HOST_DELAY = 60.0
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least 500 KiB
INFLATE_STEP = 64 * 1024


@dataclass(frozen=True)
class Attempt:
    """One HTTP request and its outcome, as the `fetches` table records it."""

    url: str
    fetched_at: str
    status: int | None
    error: str | None
    elapsed_ms: int
    bytes: int
    kind: str


@dataclass
class _HostGate:
    """One request at a time per host, spaced by the delay."""

    delay: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0


class Politeness:
    """Per-host spacing shared by every fetcher of a run."""

    def __init__(self) -> None:
        self.gates: dict[str, _HostGate] = {}

    def gate(self, host: str, delay: float) -> _HostGate:
        """The gate of a host, created with the given delay."""
        gate = self.gates.setdefault(host, _HostGate(delay))
        gate.delay = max(gate.delay, delay)
        return gate


class _Inflater:
    """Content-Encoding decoding that stops at a byte limit instead of inflating a bomb (P2)."""

    def __init__(self, encoding: str, limit: int, url: str) -> None:
        if encoding in ("", "identity"):
            self.zlib = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self.zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)  # 32: accept a gzip or zlib header
        else:
            raise FetchError(url, f"unsupported_encoding:{encoding}")
        self.limit, self.url, self.size = limit, url, 0

    def feed(self, data: bytes) -> bytes:
        if self.zlib is None:
            return self._count(data)
        out = bytearray()
        try:
            while data:
                out += self._count(self.zlib.decompress(data, INFLATE_STEP))
                data = self.zlib.unconsumed_tail
        except zlib.error:
            raise FetchError(self.url, "decoding_error") from None
        return bytes(out)

    def _count(self, chunk: bytes) -> bytes:
        self.size += len(chunk)
        if self.size > self.limit:
            raise FetchError(self.url, "too_large_decoded")
        return chunk


# Reasons a host is not reached at all: said as they are, not as "robots.txt unreachable".
HOST_UNREACHABLE = frozenset({"blocked_ssrf", "dns_failed"})


class Fetcher:
    """Fetches the pages of one site: robots.txt obeyed, hosts in scope, retries with backoff."""

    def __init__(self, site: Site, settings: CrawlSettings, politeness: Politeness | None = None) -> None:
        self.site, self.settings = site, settings
        self.hosts = frozenset(site_hosts(site))
        self.politeness = politeness or Politeness()
        self.attempts: list[Attempt] = []
        self.robots: dict[str, Protego | str] = {}  # rules, or why the host is not crawled this run
        self.pinned: dict[str, str] = {}  # host name -> the checked address every request to it goes to
        self.resolve = system_addresses
        self.sleep = asyncio.sleep
        self.client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=_timeouts(settings.timeout),
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=2, keepalive_expiry=5),
            follow_redirects=False,
            trust_env=False,  # cron's environment must not change where requests go
            verify=_tls_context(site.ca_bundle),
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.client.aclose()

    def drain_attempts(self) -> list[Attempt]:
        """The attempts recorded since the last call."""
        drained, self.attempts = self.attempts, []
        return drained

    async def fetch(
        self,
        url: str,
        kind: str = "page",
        etag: str | None = None,
        modified: str | None = None,
        html: bool = True,
    ) -> Page:
        """GET an HTML page (any document when html is False), retrying transient failures.

        Raises FetchError when it cannot. With etag or modified (from an earlier visit) the GET is
        conditional, and an unchanged page comes back as a Page with status 304 and no body.
        """
        await self._check_robots(url)
        conditions = {"If-None-Match": etag, "If-Modified-Since": modified}
        headers = {name: value for name, value in conditions.items() if value}
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(RetryableFetchError),
            reraise=True,
            sleep=self.sleep,
        )
        async for attempt in retrying:
            with attempt:
                return await self._attempt(url, kind, html_only=html, headers=headers)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_random_exponential(multiplier=max(self._delay(), 0.5), max=30)(state)
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableFetchError) and error.retry_after:
            return max(backoff, error.retry_after)
        return backoff

    def _delay(self) -> float:
        return self.site.delay if self.site.delay is not None else self.settings.delay

    async def _attempt(
        self, url: str, kind: str, html_only: bool, headers: dict[str, str] | None = None
    ) -> Page:
        gate = self.politeness.gate(host_of(url), self._delay())
        async with gate.lock:
            await self.sleep(max(0.0, gate.next_at - time.monotonic()))
            started, fetched_at = time.monotonic(), utc_now()
            try:
                async with asyncio.timeout(self.settings.timeout):
                    page = await self._get(url, fetched_at, started, html_only, headers or {})
            except FetchError as error:
                self._record(url, fetched_at, started, error.status, error.reason, 0, kind)
                if error.status in (429, 503):
                    gate.delay = min(max(gate.delay * 2, 1.0), MAX_HOST_DELAY)  # the server says: slower
                raise
            except httpx.ConnectError as exc:
                reason = "tls_verify_failed" if "CERTIFICATE_VERIFY_FAILED" in str(exc) else _describe(exc)
                self._record(url, fetched_at, started, None, reason, 0, kind)
                if reason == "tls_verify_failed":
                    raise FetchError(url, reason) from None  # retrying cannot fix a certificate
                raise RetryableFetchError(url, reason) from None
            except TimeoutError:
                self._record(url, fetched_at, started, None, "timeout_total", 0, kind)
                raise RetryableFetchError(url, "timeout_total") from None
            except RETRY_EXCEPTIONS as exc:
                self._record(url, fetched_at, started, None, _describe(exc), 0, kind)
                raise RetryableFetchError(url, _describe(exc)) from None
            finally:
                gate.next_at = time.monotonic() + gate.delay
        self._record(url, fetched_at, started, page.status, None, len(page.body), kind)
        return page

    def _record(
        self, url: str, at: str, started: float, status: int | None, error: str | None, size: int, kind: str
    ) -> None:
        elapsed = int((time.monotonic() - started) * 1000)
        self.attempts.append(Attempt(url, at, status, error, elapsed, size, kind))

    async def _get(
        self, url: str, fetched_at: str, started: float, html_only: bool, headers: dict[str, str]
    ) -> Page:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            request = await self._pinned_request(current, headers)
            response = await self.client.send(request, stream=True)
            try:
                if response.has_redirect_location:  # not is_redirect: that is any 3xx, 304 included
                    current = self._next_hop(current, response)
                    continue
                _check_status(current, response)
                body = await self._read_body(current, response)
            finally:
                await response.aclose()
            return self._page(url, current, response, body, fetched_at, started, html_only)
        raise FetchError(url, "redirect_limit")

    def _next_hop(self, current: str, response: httpx.Response) -> str:
        target = canonicalize(urljoin(current, response.headers.get("Location", "")))
        if not in_scope(target, self.hosts):
            raise FetchError(current, "redirect_out_of_scope", response.status_code)
        return target

    async def _read_body(self, url: str, response: httpx.Response) -> bytes:
        limit = self.settings.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, "too_large_declared", response.status_code)
        inflater = _Inflater(response.headers.get("Content-Encoding", "").strip().lower(), limit, url)
        body, raw = bytearray(), 0
        async for chunk in response.aiter_raw():
            raw += len(chunk)
            if raw > limit:
                raise FetchError(url, "too_large_raw", response.status_code)
            body += inflater.feed(chunk)
        return bytes(body)

    def _page(
        self,
        url: str,
        final: str,
        response: httpx.Response,
        body: bytes,
        at: str,
        started: float,
        html_only: bool,
    ) -> Page:
        content_type = response.headers.get("Content-Type", "")
        if html_only and response.status_code != 304:
            _check_html(final, content_type, body, response.status_code)
        text, encoding = (
            decode_html(body, content_type or None)
            if html_only
            else (body.decode("utf-8", "replace"), "utf-8")
        )
        return Page(
            url=url,
            final_url=final,
            status=response.status_code,
            headers=tuple((k, v) for k, v in response.headers.items() if k.lower() != "content-encoding"),
            body=body,
            text=text,
            encoding=encoding,
            fetched_at=at,
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )

    async def _check_robots(self, url: str) -> None:
        host = host_of(url)
        if host not in self.robots:
            self.robots[host] = await self._load_robots(url)
        rules = self.robots[host]
        if isinstance(rules, str):
            raise FetchError(url, rules)
        if not rules.can_fetch(url, "scraper"):
            raise FetchError(url, "robots_disallowed")

    async def _pinned_request(self, url: str, headers: dict[str, str]) -> httpx.Request:
        """A request sent to the address we checked, not to whatever DNS says a moment later (X1, X2).

        The name is resolved once per run and every address must be public (unless the site allows private
        addresses: an intranet portal); the connection then goes to that pinned address, with the name kept in
        the Host header and in TLS SNI, so certificates are still checked against the name.
        """
        parts = urlsplit(url)
        host = parts.hostname or ""
        if _is_ip_literal(host):
            return self.client.build_request("GET", url, headers=headers)
        address = self.pinned.get(host) or await self._pin(url, host)
        netloc = f"{_bracket(address)}:{parts.port}" if parts.port else _bracket(address)
        wire = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        return self.client.build_request(
            "GET", wire, headers=headers | {"Host": parts.netloc}, extensions=extensions
        )

    async def _pin(self, url: str, host: str) -> str:
        try:
            addresses = [ipaddress.ip_address(a) for a in await self.resolve(host)]
        except (OSError, ValueError):
            raise RetryableFetchError(url, "dns_failed") from None
        if not addresses:
            raise RetryableFetchError(url, "dns_failed")
        if not self.site.allow_private and any(not _public(a) for a in addresses):
            raise FetchError(url, "blocked_ssrf")
        self.pinned[host] = str(addresses[0])
        return self.pinned[host]

    def sitemaps(self) -> list[str]:
        """Sitemap URLs the robots.txt files of this site's hosts declare."""
        return [u for rules in self.robots.values() if not isinstance(rules, str) for u in rules.sitemaps]

    async def _load_robots(self, url: str) -> Protego | str:
        robots_url = urljoin(url, "/robots.txt")
        try:
            page = await self._attempt(robots_url, "robots", html_only=False)
        except FetchError as error:
            # RFC 9309: "unavailable" (4xx) allows everything; "unreachable" (5xx, network) disallows all.
            if error.status is not None and 400 <= error.status < 500:
                return Protego.parse("")
            if error.reason in HOST_UNREACHABLE:  # the host itself is out of reach, not just its robots.txt
                log.warning("%s: not crawling it this run", error)
                return error.reason
            log.warning(
                "robots.txt unreachable on %s (%s): not crawling it this run", host_of(url), error.reason
            )
            return "robots_unreachable"
        rules = Protego.parse(page.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace"))
        crawl_delay = float(rules.crawl_delay("scraper") or 0)
        if crawl_delay > MAX_CRAWL_DELAY:
            log.warning(
                "%s asks for Crawl-delay %ss, over the %ss cap: not crawling it this run",
                host_of(url),
                crawl_delay,
                MAX_CRAWL_DELAY,
            )
            return "robots_crawl_delay_too_long"
        self.politeness.gate(host_of(url), crawl_delay)
        return rules


def _timeouts(total: float) -> httpx.Timeout:
    # Recommended defaults (reliability.md §4), never longer than the total deadline of a request.
    return httpx.Timeout(
        connect=min(10, total), read=min(20, total), write=min(10, total), pool=min(10, total)
    )


def site_hosts(site: Site) -> list[str]:
    """The hosts a site may fetch from: its allowed_hosts, else the hosts of its start URLs."""
    return [h.lower() for h in site.allowed_hosts] or [host_of(u) for u in site.start_urls]


def _check_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status in RETRY_STATUSES:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is not None and retry_after > MAX_RETRY_AFTER:
            raise FetchError(url, "deferred_retry_after", status)
        raise RetryableFetchError(url, f"http_{status}", status, retry_after)
    if status >= 400:
        raise FetchError(url, f"http_{status}", status)


def _check_html(url: str, content_type: str, body: bytes, status: int) -> None:
    mime = content_type.split(";")[0].strip().lower()
    if mime and mime not in HTML_TYPES:
        raise FetchError(url, f"non_html:{mime}", status)
    if not body.strip():
        raise FetchError(url, "empty_body", status)
    if not mime and body.lstrip()[:5] == b"%PDF-":
        raise FetchError(url, "non_html:application/pdf", status)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), clamped at zero."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def system_addresses(host: str) -> list[str]:
    """The addresses the system resolver gives for a host name."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _bracket(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")


@functools.lru_cache(maxsize=32)
def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """One verifying context per CA bundle, shared by every client: 200 sites must not load 200 CA stores."""
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle is not None:
        # A portal with an incomplete chain gets its missing intermediate added, never verification off (P9).
        context.load_verify_locations(cafile=ca_bundle)
    return context
