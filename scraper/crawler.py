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
import math
import re
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field, replace
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

from .encoding import decode_html, encoding_flags
from .errors import FetchError, InvalidURL, Reason, RetryableFetchError
from .models import Attempt, CrawlSettings, FetchKind, Page, Site, utc_now
from .urls import absolute_url, canonical_urls, canonicalize, host_of, in_scope, site_host

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})  # those httpx follows (not 300, 304, 305)
HIDDEN_LOCATION = "X-Scraper-Location"
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 120.0  # longer waits defer the URL to the next run instead of sleeping
MAX_CRAWL_DELAY = 120.0  # a robots.txt asking for more: the host is skipped this run
MAX_HOST_DELAY = 60.0
THROTTLE_MIN_DELAY = 0.5  # a 429/503 spaces requests at least this much, even with delay = 0
SLOW_ANSWER = 0.5  # seconds: answers slower than this on average space requests by that average
LATENCY_WEIGHT = 0.3  # of the newest answer time in the host's moving average
RECOVERY_SNAP = 0.25  # seconds: a delay this close to the floor goes back to it
MAX_RETRY_AFTER_PARSED = 86_400.0  # a Retry-After is clamped to a day (the URL is deferred anyway)
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least 500 KiB
INFLATE_STEP = 64 * 1024


@dataclass
class _HostGate:
    """One request at a time per host, spaced by a delay that adapts both ways.

    The delay doubles on a 429, a 503 or a request that hit the deadline, and while the host's answers take
    over SLOW_ANSWER on average it is at least that average (the server struggles: give it as long between
    requests as it takes to answer, as Scrapy's AutoThrottle does). Each success then halves what is above
    the floor (the configured delay or Crawl-delay), so a few transient errors cost a few slow requests, not
    the rest of the run, and one slow page barely moves the average. Never below the floor, never above
    MAX_HOST_DELAY.
    """

    host: str
    floor: float
    delay: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0
    typical: float = 0.0  # moving average of the answer time, in seconds
    delays: list[float] = field(default_factory=list)  # every delay this gate had, in order

    def __post_init__(self) -> None:
        self.delay = self.floor
        self.delays.append(self.delay)

    def raise_floor(self, floor: float) -> None:
        """Never go below this delay again (a site's delay, a robots.txt Crawl-delay)."""
        self.floor = max(self.floor, min(floor, MAX_HOST_DELAY))
        if self.delay < self.floor:
            self._set(self.floor, "configured")

    def throttled(self, why: str) -> None:
        """The server asked us to slow down (429, 503), or did not answer in time."""
        self._set(max(self.delay * 2, THROTTLE_MIN_DELAY), why)

    def answered(self, seconds: float) -> None:
        """A page came back in this many seconds."""
        self.typical += LATENCY_WEIGHT * (seconds - self.typical)
        slow = self.typical if self.typical > SLOW_ANSWER else 0.0
        if slow > self.delay:
            self._set(slow, f"answers take {slow:.1f} s on average")
        elif self.delay > max(self.floor, slow):
            lowered = self.delay / 2
            self._set(
                max(self.floor if lowered < self.floor + RECOVERY_SNAP else lowered, slow), "recovering"
            )

    def _set(self, delay: float, why: str) -> None:
        delay = min(max(delay, self.floor), MAX_HOST_DELAY)
        if delay != self.delay:
            log.info("%s: delay %.2f s -> %.2f s (%s)", self.host, self.delay, delay, why)
            self.delay = delay
            self.delays.append(delay)


class Politeness:
    """Per-host spacing shared by every fetcher of a run."""

    def __init__(self) -> None:
        self.gates: dict[str, _HostGate] = {}

    def gate(self, host: str, delay: float) -> _HostGate:
        """The gate of a host, its floor raised to the given delay."""
        gate = self.gates.get(host)
        if gate is None:
            gate = self.gates[host] = _HostGate(host, min(delay, MAX_HOST_DELAY))
        gate.raise_floor(delay)
        return gate


class _Inflater:
    """Content-Encoding decoding that stops at a byte limit instead of inflating a bomb (P2)."""

    def __init__(self, encoding: str, limit: int, url: str) -> None:
        if encoding in ("", "identity"):
            self.zlib = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self.zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)  # 32: accept a gzip or zlib header
        else:
            raise FetchError(url, Reason.UNSUPPORTED_ENCODING, detail=encoding)
        # "deflate" means zlib-wrapped, but some servers send a raw deflate stream; browsers read both.
        self.raw_deflate_possible = encoding == "deflate"
        self.limit, self.url, self.size = limit, url, 0

    def feed(self, data: bytes) -> bytes:
        if self.zlib is None:
            return self._count(data)
        try:
            return self._inflate(data)
        except zlib.error:
            if not (self.raw_deflate_possible and self.size == 0):
                raise FetchError(self.url, Reason.DECODING_ERROR) from None
        self.raw_deflate_possible, self.zlib = False, zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            return self._inflate(data)
        except zlib.error:
            raise FetchError(self.url, Reason.DECODING_ERROR) from None

    def _inflate(self, data: bytes) -> bytes:
        assert self.zlib is not None
        out = bytearray()
        while data:
            out += self._count(self.zlib.decompress(data, INFLATE_STEP))
            data = self.zlib.unconsumed_tail
        return bytes(out)

    @property
    def complete(self) -> bool:
        """Whether a compressed stream reached its end (a cut one inflates without complaint)."""
        return self.zlib is None or self.zlib.eof

    def _count(self, chunk: bytes) -> bytes:
        self.size += len(chunk)
        if self.size > self.limit:
            raise FetchError(self.url, Reason.TOO_LARGE_DECODED)
        return chunk


# Reasons a host is not reached at all: said as they are, not as "robots.txt unreachable".
HOST_UNREACHABLE = frozenset({Reason.BLOCKED_SSRF, Reason.DNS_FAILED})


class Fetcher:
    """Fetches the pages of one site: robots.txt obeyed, hosts in scope, retries with backoff."""

    def __init__(self, site: Site, settings: CrawlSettings, politeness: Politeness | None = None) -> None:
        self.site, self.settings = site, settings
        self.hosts = frozenset(site_hosts(site))
        self.politeness = politeness or Politeness()
        self.attempts: list[Attempt] = []  # the requests of the latest fetch, robots.txt included
        self.robots: dict[str, Protego | Reason] = {}  # rules, or why the host is not crawled this run
        self.pinned: dict[str, str] = {}  # host name -> the checked address every request to it goes to
        self.resolve = system_addresses
        self.sleep = asyncio.sleep
        self.client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=_timeouts(settings.timeout),
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=2, keepalive_expiry=5),
            follow_redirects=False,
            event_hooks={"response": [_hide_location]},
            trust_env=False,  # cron's environment must not change where requests go
            verify=_tls_context(site.ca_bundle),
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.client.aclose()

    async def fetch(
        self,
        url: str,
        kind: FetchKind = FetchKind.PAGE,
        etag: str | None = None,
        modified: str | None = None,
        html: bool = True,
    ) -> Page:
        """GET an HTML page (any document when html is False), retrying transient failures.

        Raises FetchError when it cannot. With etag or modified (from an earlier visit) the GET is
        conditional, and an unchanged page comes back as a Page with status 304 and no body. The page, or
        the error, carries every request made for it in `attempts` (robots.txt and retries included).
        """
        self.attempts = []  # one fetch at a time per fetcher: the run loop awaits each in turn
        try:
            page = await self._fetch(url, kind, etag, modified, html)
        except FetchError as error:
            if not any(attempt.url == url for attempt in self.attempts):
                # Refused before any request (robots.txt unreachable or disallowing, a malformed URL): the page
                # still gets its `fetches` row, so `stats` lists it among the run's failed pages.
                self._record(url, utc_now(), time.monotonic(), None, error.reason, 0, kind, error.detail)
            error.attempts = tuple(self.attempts)
            raise
        return replace(page, attempts=tuple(self.attempts))

    async def _fetch(
        self, url: str, kind: FetchKind, etag: str | None, modified: str | None, html: bool
    ) -> Page:
        try:
            canonicalize(url)
        except InvalidURL as error:
            raise FetchError(url, Reason.INVALID_URL, detail=error.problem) from None
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
        self,
        url: str,
        kind: FetchKind,
        html_only: bool,
        headers: dict[str, str] | None = None,
        truncate_at: int | None = None,
    ) -> Page:
        gate = self.politeness.gate(host_of(url), self._delay())
        async with gate.lock:
            await self.sleep(max(0.0, gate.next_at - time.monotonic()))
            started, fetched_at = time.monotonic(), utc_now()
            try:
                async with asyncio.timeout(self.settings.timeout):
                    page = await self._get(url, fetched_at, started, html_only, headers or {}, truncate_at)
                gate.answered(time.monotonic() - started)
            except FetchError as error:
                self._record(url, fetched_at, started, error.status, error.reason, 0, kind, error.detail)
                if error.status in (429, 503):
                    gate.throttled(error.reason)  # the server says: slower
                raise
            except TimeoutError:
                self._record(url, fetched_at, started, None, Reason.TIMEOUT_TOTAL, 0, kind)
                gate.throttled(Reason.TIMEOUT_TOTAL)  # no answer within the deadline: the server struggles
                raise RetryableFetchError(url, Reason.TIMEOUT_TOTAL) from None
            except httpx.InvalidURL as exc:  # a URL httpx will not send (not a TransportError)
                self._record(url, fetched_at, started, None, Reason.INVALID_URL, 0, kind, str(exc))
                raise FetchError(url, Reason.INVALID_URL, detail=str(exc)) from None
            except httpx.TransportError as exc:
                reason, detail = network_reason(exc), _describe(exc)
                self._record(url, fetched_at, started, None, reason, 0, kind, detail)
                if reason in FINAL_NETWORK_REASONS:
                    raise FetchError(url, reason, detail=detail) from None  # retrying cannot fix these
                raise RetryableFetchError(url, reason, detail=detail) from None
            finally:
                gate.next_at = time.monotonic() + gate.delay
        self._record(url, fetched_at, started, page.status, None, len(page.body), kind)
        return page

    def _record(
        self,
        url: str,
        at: str,
        started: float,
        status: int | None,
        error: str | None,
        size: int,
        kind: FetchKind,
        detail: str | None = None,
    ) -> None:
        elapsed = int((time.monotonic() - started) * 1000)
        self.attempts.append(Attempt(url, at, status, error, elapsed, size, kind, detail))

    async def _get(
        self,
        url: str,
        fetched_at: str,
        started: float,
        html_only: bool,
        headers: dict[str, str],
        truncate_at: int | None,
    ) -> Page:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            request = await self._pinned_request(current, headers)
            response = await self.client.send(request, stream=True)
            try:
                if HIDDEN_LOCATION in response.headers:  # not is_redirect: that is any 3xx, 304 included
                    current = self._next_hop(current, response)
                    continue
                _check_status(current, response)
                body = await self._read_body(current, response, truncate_at)
            finally:
                await response.aclose()
            return self._page(url, current, response, body, fetched_at, started, html_only)
        raise FetchError(url, Reason.REDIRECT_LIMIT)

    def _next_hop(self, current: str, response: httpx.Response) -> str:
        location = response.headers.get(HIDDEN_LOCATION, "").strip()
        try:
            if "\\" in location or not location.isprintable():
                # browsers read "http:\\host\\x" as http://host/x, urljoin as a path: no telling which was meant
                raise InvalidURL(location, "backslash or control character")
            target = absolute_url(current, location)
        except InvalidURL as error:
            kind = Reason.REDIRECT_OUT_OF_SCOPE if OTHER_SCHEME.match(location) else Reason.REDIRECT_INVALID
            raise FetchError(current, kind, response.status_code, detail=error.problem) from None
        if not location or not in_scope(target, self.hosts):
            kind = Reason.REDIRECT_OUT_OF_SCOPE if location else Reason.REDIRECT_INVALID
            raise FetchError(current, kind, response.status_code, detail=location[:200] or "empty Location")
        return target

    async def _read_body(self, url: str, response: httpx.Response, truncate_at: int | None) -> bytes:
        """The decoded body, within the size caps; with truncate_at, its first truncate_at bytes (robots.txt)."""
        limit = max(self.settings.max_bytes, truncate_at or 0)
        declared = _declared_length(response)
        if truncate_at is None and declared is not None and declared > limit:
            raise FetchError(url, Reason.TOO_LARGE_DECLARED, response.status_code)
        inflater = _Inflater(response.headers.get("Content-Encoding", "").strip().lower(), limit, url)
        body, raw = bytearray(), 0
        async for chunk in response.aiter_raw():
            raw += len(chunk)
            if truncate_at is not None and (raw > limit or len(body) >= truncate_at):
                return bytes(body[:truncate_at])  # enough read: the rest is never looked at
            if raw > limit:
                raise FetchError(url, Reason.TOO_LARGE_RAW, response.status_code)
            body += inflater.feed(chunk)
        if truncate_at is not None:
            return bytes(body[:truncate_at])
        _check_complete(url, response, declared, inflater, body)
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
            flags=encoding_flags(body, content_type or None, encoding) if html_only else (),
        )

    async def _check_robots(self, url: str) -> None:
        host = host_of(url)
        if host not in self.robots:
            self.robots[host] = await self._load_robots(url)
        rules = self.robots[host]
        if isinstance(rules, Reason):
            raise FetchError(url, rules)
        if not rules.can_fetch(url, "scraper"):
            raise FetchError(url, Reason.ROBOTS_DISALLOWED)

    async def _pinned_request(self, url: str, headers: dict[str, str]) -> httpx.Request:
        """A request sent to the address we checked, not to whatever DNS says a moment later (X1, X2).

        The name is resolved once per run and every address must be public (unless the site allows private
        addresses: an intranet portal); the connection then goes to that pinned address, with the name kept in
        the Host header and in TLS SNI, so certificates are still checked against the name.
        """
        parts = urlsplit(url)
        host = parts.hostname or ""
        if _is_ip_literal(host):
            self._check_address(url, [ipaddress.ip_address(host)])
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
            raise RetryableFetchError(url, Reason.DNS_FAILED) from None
        if not addresses:
            raise RetryableFetchError(url, Reason.DNS_FAILED)
        self._check_address(url, addresses)
        self.pinned[host] = str(addresses[0])
        return self.pinned[host]

    def _check_address(
        self, url: str, addresses: list[ipaddress.IPv4Address | ipaddress.IPv6Address]
    ) -> None:
        """Refuse private, loopback, link-local ... addresses, spelled as a literal or resolved from a name."""
        if not self.site.allow_private and any(not _public(a) for a in addresses):
            raise FetchError(url, Reason.BLOCKED_SSRF, detail="set allow_private = true for an intranet site")

    def sitemaps(self) -> list[str]:
        """Sitemap URLs the robots.txt files of this site's hosts declare, canonical; malformed ones skipped."""
        declared = [
            u for rules in self.robots.values() if not isinstance(rules, Reason) for u in rules.sitemaps
        ]
        return canonical_urls(declared)

    async def _load_robots(self, url: str) -> Protego | Reason:
        robots_url = urljoin(url, "/robots.txt")
        try:
            page = await self._attempt(
                robots_url, FetchKind.ROBOTS, html_only=False, truncate_at=ROBOTS_MAX_BYTES
            )
        except FetchError as error:
            # RFC 9309: "unavailable" (4xx) allows everything; "unreachable" (5xx, network) disallows all.
            if error.status is not None and 400 <= error.status < 500:
                return Protego.parse("")
            if error.kind in HOST_UNREACHABLE:  # the host itself is out of reach, not just its robots.txt
                log.warning("%s: not crawling it this run", error)
                return error.kind
            log.warning(
                "robots.txt unreachable on %s (%s): not crawling it this run", host_of(url), error.reason
            )
            return Reason.ROBOTS_UNREACHABLE
        rules = Protego.parse(page.body.decode("utf-8", "replace"))  # its first ROBOTS_MAX_BYTES (RFC 9309)
        crawl_delay = float(rules.crawl_delay("scraper") or 0)
        crawl_delay = crawl_delay if math.isfinite(crawl_delay) and crawl_delay > 0 else 0.0
        if crawl_delay > MAX_CRAWL_DELAY:
            log.warning(
                "%s asks for Crawl-delay %ss, over the %ss cap: not crawling it this run",
                host_of(url),
                crawl_delay,
                MAX_CRAWL_DELAY,
            )
            return Reason.ROBOTS_CRAWL_DELAY_TOO_LONG
        self.politeness.gate(host_of(url), crawl_delay)
        return rules


async def _hide_location(response: httpx.Response) -> None:
    """Move a redirect's Location out of httpx's sight: it parses it itself and raises on a hostile one."""
    if response.status_code in REDIRECT_STATUSES and "Location" in response.headers:
        response.headers[HIDDEN_LOCATION] = response.headers.pop("Location")


def _timeouts(total: float) -> httpx.Timeout:
    # Recommended defaults (reliability.md §4), never longer than the total deadline of a request.
    return httpx.Timeout(
        connect=min(10, total), read=min(20, total), write=min(10, total), pool=min(10, total)
    )


def site_hosts(site: Site) -> list[str]:
    """The hosts a site may fetch from: its allowed_hosts, else the hosts of its start URLs."""
    return [site_host(h) for h in site.allowed_hosts] or [host_of(u) for u in site.start_urls]


def _check_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status == 206:  # a part of the page, though we never ask for one: not the article
        raise FetchError(url, Reason.PARTIAL_CONTENT, status)
    if status in RETRY_STATUSES:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is not None and retry_after > MAX_RETRY_AFTER:
            raise FetchError(url, Reason.DEFERRED_RETRY_AFTER, status)
        raise RetryableFetchError(url, Reason.HTTP_STATUS, status, retry_after)
    if status >= 400:
        raise FetchError(url, Reason.HTTP_STATUS, status)


def _check_html(url: str, content_type: str, body: bytes, status: int) -> None:
    mime = content_type.split(";")[0].strip().lower()
    if mime and mime not in HTML_TYPES:
        raise FetchError(url, Reason.NON_HTML, status, detail=mime)
    if not body.strip():
        raise FetchError(url, Reason.EMPTY_BODY, status)
    if not mime and body.lstrip()[:5] == b"%PDF-":
        raise FetchError(url, Reason.NON_HTML, status, detail="application/pdf")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), clamped to [0, a day]; else None."""
    value = (value or "").strip()
    if DELTA_SECONDS.fullmatch(value):  # ASCII digits only: str.isdigit() takes "²" and "٣" too
        return min(float(value), MAX_RETRY_AFTER_PARSED)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" (RFC 5322: UTC, source unknown) gives a naive datetime
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), MAX_RETRY_AFTER_PARSED)


def _check_complete(
    url: str, response: httpx.Response, declared: int | None, inflater: _Inflater, body: bytearray
) -> None:
    """Refuse a body cut short by a too short Content-Length: the page would be archived without its end."""
    if not inflater.complete:
        raise RetryableFetchError(url, Reason.TRUNCATED, response.status_code, detail="compressed stream cut")
    if declared is not None and _bytes_past_end(response) and b"</html" not in body[-4096:].lower():
        raise RetryableFetchError(
            url, Reason.TRUNCATED, response.status_code, detail="bytes past Content-Length"
        )


def _bytes_past_end(response: httpx.Response) -> int:
    """How many bytes the server sent past the declared Content-Length, as far as they have arrived.

    httpx offers no way to see them: h11 keeps them in its buffer as the start of the next response. They are
    reached through httpcore's private objects (httpx 0.28, httpcore 1.0); on any other layout this finds 0
    and the check above is simply not made.
    """
    state: object = response.stream
    for name in ("_stream", "_httpcore_stream", "_stream", "_connection", "_h11_state"):
        state = getattr(state, name, None)
    trailing = getattr(state, "trailing_data", None)
    return (
        len(trailing[0]) if isinstance(trailing, tuple) and isinstance(trailing[0], bytes | bytearray) else 0
    )


def _declared_length(response: httpx.Response) -> int | None:
    declared = response.headers.get("Content-Length", "").strip()
    if not DELTA_SECONDS.fullmatch(declared):
        return None
    return (
        int(declared) if len(declared) < 19 else 10**18
    )  # int() refuses 4,300 digits; any such is too large


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


# Which httpx transport error means what; the first match wins, so subclasses come before their bases.
NETWORK_REASONS: tuple[tuple[type[Exception], Reason], ...] = (
    (httpx.ConnectTimeout, Reason.TIMEOUT_CONNECT),
    (httpx.TimeoutException, Reason.TIMEOUT_READ),
    (httpx.ConnectError, Reason.CONNECT_FAILED),
    (httpx.ReadError, Reason.READ_ERROR),
    (httpx.WriteError, Reason.WRITE_ERROR),
    (httpx.RemoteProtocolError, Reason.PROTOCOL_ERROR),
    (httpx.LocalProtocolError, Reason.INVALID_URL),
    (httpx.UnsupportedProtocol, Reason.INVALID_URL),
)
DELTA_SECONDS = re.compile(r"[0-9]+")
OTHER_SCHEME = re.compile(
    r"(?!https?:)[a-z][a-z0-9+.-]*:", re.I
)  # a Location to mailto:, file:, javascript: ...
# h11's words for a body that ended before its Content-Length or its last chunk
TRUNCATION_SIGNS = ("complete message body", "incomplete chunked read")
FINAL_NETWORK_REASONS = frozenset({Reason.TLS_VERIFY_FAILED, Reason.TLS_ERROR, Reason.INVALID_URL})


def network_reason(exc: httpx.TransportError) -> Reason:
    """The reason code of an httpx transport error (TLS failures told apart: retrying cannot fix them)."""
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return Reason.TLS_VERIFY_FAILED
    if isinstance(exc, httpx.ConnectError) and ("SSL" in text or "TLS" in text):
        return Reason.TLS_ERROR
    if isinstance(exc, httpx.RemoteProtocolError) and any(sign in text for sign in TRUNCATION_SIGNS):
        return Reason.TRUNCATED
    return next((reason for kind, reason in NETWORK_REASONS if isinstance(exc, kind)), Reason.NETWORK_ERROR)


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
