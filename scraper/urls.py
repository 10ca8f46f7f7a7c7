"""URL canonicalisation and crawl scope: what counts as the same page, and what may be fetched."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Tracking and session parameters never change the page (reliability.md C6, Heritrix session-id rules).
DROPPED_PARAMS = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|zarsrc|_ga|phpsessid|jsessionid|sid|sessionid|aspsessionid\w*)$", re.I
)
PATH_SESSION = re.compile(r";jsessionid=[^/?#]*", re.I)
PAGE_PARAMS = re.compile(r"^(?:start|cur|page|p|pageindex|trang|_\w+_cur|_\w+_start)$", re.I)
PAGE_PATH = re.compile(r"/page-\d+/?$", re.I)
DEFAULT_PORTS = {"http": 80, "https": 443}

# Crawl-trap limits (reliability.md X5; Heritrix PathologicalPath, TooManyPathSegments).
MAX_URL_LENGTH = 2000
MAX_PATH_SEGMENTS = 20
MAX_SEGMENT_REPEATS = 2
MAX_QUERY_PARAMS = 8
CALENDAR = re.compile(r"lich-cong-tac|lich-lam-viec|calendar|[?&](?:ngay|date|day)=\d", re.I)


def canonicalize(url: str) -> str:
    """One spelling per page: no fragment, tracking or session parameters; query sorted; path kept as written.

    w3lib keeps the path's case and percent-encoding (only hex digits are upper-cased, an equivalent
    spelling), which matters: these servers treat "hỆ" and "hệ" as different pages (cms-families.md §1.2).
    """
    parts = urlsplit(PATH_SESSION.sub("", url.strip()))
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not DROPPED_PARAMS.match(k)]
    )
    netloc = _bracketed(parts.hostname or "")
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme.lower()):
        netloc = f"{netloc}:{parts.port}"
    return canonicalize_url(urlunsplit((parts.scheme.lower(), netloc.lower(), parts.path or "/", query, "")))


def host_of(url: str) -> str:
    """The host[:port] a URL points at, lower-cased, default port dropped."""
    parts = urlsplit(url)
    host = _bracketed((parts.hostname or "").lower())
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{parts.port}"
    return host


def _bracketed(host: str) -> str:
    """An IPv6 literal keeps its brackets in a netloc ("[::1]:8080")."""
    return f"[{host}]" if ":" in host else host


def in_scope(url: str, hosts: Iterable[str]) -> bool:
    """Whether a URL is http(s) on one of the allowed hosts."""
    return urlsplit(url).scheme in ("http", "https") and host_of(url) in set(hosts)


def is_pagination_of(url: str, listing: str) -> bool:
    """Whether url is another page of the listing at `listing` (same path, a page parameter or /page-N)."""
    a, b = urlsplit(url), urlsplit(listing)
    if PAGE_PATH.search(a.path):
        return PAGE_PATH.sub("", a.path).rstrip("/") == PAGE_PATH.sub("", b.path).rstrip("/")
    params = {k for k, _ in parse_qsl(a.query)}
    return a.path == b.path and any(PAGE_PARAMS.match(k) for k in params)


def trap_reason(url: str) -> str | None:
    """Why a URL looks like a crawl trap (endless calendars, repeated paths, parameter explosions), or None."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(url) > MAX_URL_LENGTH:
        return "trap:url_length"
    if len(segments) > MAX_PATH_SEGMENTS:
        return "trap:path_depth"
    if segments and max(segments.count(s) for s in segments) > MAX_SEGMENT_REPEATS:
        return "trap:repeated_segment"
    if len(parse_qsl(parts.query, keep_blank_values=True)) > MAX_QUERY_PARAMS:
        return "trap:query_params"
    if CALENDAR.search(url):
        return "trap:calendar"
    return None
