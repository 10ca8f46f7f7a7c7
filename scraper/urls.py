"""URL canonicalisation and crawl scope: what counts as the same page, and what may be fetched."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import takewhile
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from .errors import InvalidURL

# Tracking and session parameters never change the page (reliability.md C6, Heritrix session-id rules).
DROPPED_PARAMS = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|zarsrc|_ga|phpsessid|jsessionid|sid|sessionid|aspsessionid\w*)$", re.I
)
PATH_SESSION = re.compile(r";jsessionid=[^/?#]*", re.I)
PAGE_PARAMS = re.compile(r"^(?:start|cur|page|p|pageindex|trang|_\w+_cur|_\w+_start)$", re.I)
PAGE_PATH = re.compile(r"/page-\d+/?$", re.I)
DEFAULT_PORTS = {"http": 80, "https": 443}
# A host as it stands in a canonical URL: IDNA-encoded labels (w3lib does that), or an IPv6 literal.
PORT = re.compile(r"(?::[0-9]*)?")  # what may follow the host in a netloc
CANONICAL_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|[0-9a-f:.]+")

# Crawl-trap limits (reliability.md X5; Heritrix PathologicalPath, TooManyPathSegments).
MAX_URL_LENGTH = 2000
MAX_PATH_SEGMENTS = 20
MAX_SEGMENT_REPEATS = 2
MAX_QUERY_PARAMS = 8
CALENDAR = re.compile(r"lich-cong-tac|lich-lam-viec|calendar|[?&](?:ngay|date|day)=\d", re.I)
# A folder's index file, which the server answers for the folder itself ("/tin-tuc/index.html" is "/tin-tuc/").
INDEX_FILE = re.compile(r"/(?:index|default)\.(?:s?html?|php|aspx?|jsp)$", re.I)


def canonicalize(url: str) -> str:
    """One spelling per page: no fragment, tracking or session parameters; query sorted; path kept as written.

    w3lib keeps the path's case and percent-encoding (only hex digits are upper-cased, an equivalent
    spelling), which matters: these servers treat "hỆ" and "hệ" as different pages (cms-families.md §1.2).
    Raises InvalidURL for anything that is not an http(s) URL with a well-formed host and port.
    """
    scheme, host, port, parts = _split(PATH_SESSION.sub("", url.strip()), url)
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not DROPPED_PARAMS.match(k)]
    )
    netloc = f"{host}:{port}" if port else host
    try:
        canonical = canonicalize_url(urlunsplit((scheme, netloc, parts.path or "/", query, "")))
    except ValueError as error:  # w3lib's IDNA encoding of a host it cannot encode
        raise InvalidURL(url, str(error)) from None
    if not CANONICAL_HOST.fullmatch(urlsplit(canonical).hostname or ""):
        raise InvalidURL(url, "malformed host name")
    return canonical


def document_key(url: str) -> str:
    """What names one document among a site's canonical URLs: the path without its trailing slash or index file.

    "/223450/" and "/223450", "/tin-tuc/index.html" and "/tin-tuc", "/Default.aspx?tabid=1" and
    "/default.aspx?tabid=1" are one page to every server these portals run on (tracking parameters are already
    gone from a canonical URL). A key to compare articles by, never a URL to fetch: a server may answer only
    one of the spellings.
    """
    parts = urlsplit(url)
    path = INDEX_FILE.sub("/", parts.path).rstrip("/") or "/"
    return urlunsplit(parts._replace(path=path))


def on_served_origin(named: str, served: str) -> str:
    """`named` on the scheme and host that served the page, when it differs from them only by those.

    An https canonical on a site served over http (or the other way round), or "www." added or left out, names
    the page that was served: the site's template writes one origin whatever the server answers on, and the
    origin that answered is the one a revisit can reach.
    """
    a, b = urlsplit(named), urlsplit(served)
    if a.netloc == b.netloc and a.scheme == b.scheme:
        return named
    if _bare_host(a) != _bare_host(b) or a.port != b.port:  # a port names another server
        return named
    return urlunsplit(a._replace(scheme=b.scheme, netloc=b.netloc))


def _bare_host(parts: SplitResult) -> str:
    return (parts.hostname or "").removeprefix("www.")


def absolute_url(base: str, href: str) -> str:
    """The canonical URL a link on the page at base points to; InvalidURL when it points nowhere we could go."""
    try:
        joined = urljoin(base, href)
    except ValueError as error:  # urljoin parses both: a broken IPv6 literal in either
        raise InvalidURL(href, str(error)) from None
    return canonicalize(joined)


def canonical_urls(urls: Iterable[str]) -> list[str]:
    """The canonical form of each URL that has one, in order; a sitemap's or robots.txt's malformed ones skipped."""
    found = []
    for url in urls:
        try:
            found.append(canonicalize(url))
        except InvalidURL:
            continue
    return found


def host_of(url: str) -> str:
    """The host[:port] a URL points at as its canonical URL spells it; "" when it has none it could use.

    Lower case, default port dropped, and a non-ASCII (IDNA) name in its ASCII form, so that a host typed
    in Unicode in the config matches the links the crawler canonicalised ("xã-hòa.vn" is "xn--x-ha-goa6g.vn").
    """
    try:
        _scheme, host, port, _parts = _split(url, url)
        if not host.isascii():
            host = urlsplit(canonicalize(url)).hostname or ""
    except InvalidURL:
        return ""
    return f"{host}:{port}" if port else host


def site_host(entry: str) -> str:
    """An allowed_hosts entry (`host` or `host:port`, any case, Unicode or ASCII) as host_of spells URLs' hosts."""
    return host_of(f"http://{entry}") or entry.lower()


def _split(url: str, original: str) -> tuple[str, str, int | None, SplitResult]:
    """(scheme, bracketed lower-case host, port unless the default, the parts) of an http(s) URL."""
    try:
        parts = urlsplit(url)
        hostname, port = parts.hostname, parts.port
    except ValueError as error:  # a broken IPv6 literal, a port out of range or not a number
        raise InvalidURL(original, str(error)) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL(original, "not an http(s) URL")
    if port == 0:
        raise InvalidURL(original, "port 0 is no port")
    host = _bracketed((hostname or "").lower())
    rest = parts.netloc.rsplit("@", 1)[-1].lower().removeprefix(host)
    if (
        not hostname
        or any(c.isspace() or not c.isprintable() or c in "\\%" for c in host)
        or not PORT.fullmatch(rest)
    ):
        raise InvalidURL(original, "malformed host name")
    return scheme, host, None if port == DEFAULT_PORTS[scheme] else port, parts


def _bracketed(host: str) -> str:
    """An IPv6 literal keeps its brackets in a netloc ("[::1]:8080")."""
    return f"[{host}]" if ":" in host else host


def in_scope(url: str, hosts: Iterable[str]) -> bool:
    """Whether a URL is http(s) on one of the allowed hosts."""
    host = host_of(url)
    return bool(host) and host in set(hosts)


def owner_of(url: str, starts: Mapping[str, Sequence[str]]) -> str | None:
    """Of sites sharing url's host, the one whose start URL shares the longest path with it; None on a tie.

    Portals of several wards under one host (/a/, /b/, …) list every ward's pages in the host's one sitemap.
    """
    path = _segments(url)
    host = host_of(url)
    depth: dict[str, int] = {}
    for name, urls in starts.items():
        for start in urls:
            if host_of(start) == host:
                depth[name] = max(depth.get(name, -1), _shared_segments(path, _segments(start)))
    if not depth:
        return None
    best = max(depth.values())
    owners = [name for name, d in depth.items() if d == best]
    return owners[0] if len(owners) == 1 else None


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def _shared_segments(a: list[str], b: list[str]) -> int:
    return len(list(takewhile(lambda pair: pair[0] == pair[1], zip(a, b, strict=False))))


def is_pagination_of(url: str, listing: str) -> bool:
    """Whether url is another page of the listing at `listing` (same path, a page parameter or /page-N)."""
    a, b = urlsplit(url), urlsplit(listing)
    if PAGE_PATH.search(a.path):
        return PAGE_PATH.sub("", a.path).rstrip("/") == PAGE_PATH.sub("", b.path).rstrip("/")
    params = {k for k, _ in parse_qsl(a.query)}
    return a.path == b.path and any(PAGE_PARAMS.match(k) for k in params)


def page_number(url: str) -> int | None:
    """Where a listing page's URL puts it (a page number or an offset; 0 for the first page), or None."""
    parts = urlsplit(url)
    if match := PAGE_PATH.search(parts.path):
        return int(re.sub(r"\D", "", match.group()))
    values = [v for k, v in parse_qsl(parts.query) if PAGE_PARAMS.match(k)]
    if not values:
        return 0
    return int(values[0]) if values[0].isascii() and values[0].isdigit() and len(values[0]) < 10 else None


def onward_pages(current: str, candidates: list[str]) -> list[str] | None:
    """The next page of current's listing, by the page numbers in the URLs; None when they do not tell.

    Listing pages are windows on a list that moves (each new article pushes the rest down a place), so a walk
    that jumped ahead (a pager's "last page" link) or went around a failed page would leave pages behind it
    whose articles later slide onto pages already walked. Walking one page after the other, an article can
    only slide onto a page still to walk.
    """
    here = page_number(current)
    pages = [(page_number(u), u) for u in candidates if is_pagination_of(u, current)]
    numbered = [(n, u) for n, u in pages if n is not None]
    if here is None or not numbered:
        return None
    later = [(n, u) for n, u in numbered if n > here]
    return [min(later)[1]] if later else []


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
