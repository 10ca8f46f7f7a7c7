"""Link discovery: article, pagination and feed links on listing pages; page links in sitemaps and feeds."""

from __future__ import annotations

import itertools
import logging
import re
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree

from selectolax.lexbor import LexborHTMLParser

from .errors import InvalidURL
from .models import Page, Site
from .pagekind import MIN_HEADLINE_WORDS
from .profiles import PROFILES
from .urls import (
    PAGE_PARAMS,
    PAGE_PATH,
    absolute_url,
    canonical_urls,
    canonicalize,
    in_scope,
    is_pagination_of,
    on_served_origin,
    trap_reason,
)

log = logging.getLogger(__name__)

MAX_ANCHORS = 20_000  # anchors read on one listing page (a real one has a few hundred)
MAX_LINKS = 2_000  # distinct links kept from one listing page
FEED_TYPES = re.compile(r"application/(?:rss|atom)\+xml|application/xml|text/xml", re.I)
MIN_REPEATS = 3  # headline links of one shape that make a listing's items
# The median words of a listing's headlines is at least this; a menu's labels have 4 to a label on the real
# Liferay 6.2 listing captures (cms-families.md §0: 13 of them, .html URLs), headlines 10 and more.
MIN_MEDIAN_WORDS = 6
ITEM_FILE = re.compile(r"\.(?:s?html?|aspx?|php|jsp)$", re.I)
CANONICAL_TAG = re.compile(r"<link\b[^>]*\bcanonical\b[^>]*>", re.I)
HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.I)
ENDS_IN_NUMBER = re.compile(r"\d+(?:\.\w+)?$")


@dataclass(frozen=True)
class Links:
    """What a listing page points to: articles and further pages of the listing."""

    articles: tuple[str, ...]
    listings: tuple[str, ...]
    feeds: tuple[str, ...] = ()


# Link texts of "next page" in the pagers of these portals; numbers are page links too.
PAGER_TEXT = re.compile(r"(?:trang sau|trang kế|tiếp|tiếp theo|sau|next|next page|[»›>]+|\d{1,4})", re.I)


def discover_links(page: Page, site: Site, hosts: Iterable[str]) -> Links:
    """Article links and pagination links on a listing page, canonical, in scope, in page order.

    Articles are the links the site's article_pattern matches; else those its profile URL shapes match, when any
    does; else the page's repeated headline links (`headline_links`). At most MAX_LINKS distinct links of each
    kind are kept, from MAX_ANCHORS anchors: a listing page of 400,000 links (a broken pager that lists
    everything) must not hold them all in memory, nor canonicalise them all.
    """
    allowed = set(hosts)
    texts: dict[str, str] = {}
    feeds: dict[str, None] = {}
    listings: dict[str, None] = {}
    for href, text, rel in itertools.islice(_anchors(LexborHTMLParser(page.text)), MAX_ANCHORS):
        try:
            url = absolute_url(page.final_url, href)
        except (
            InvalidURL
        ):  # a malformed href (bad port, broken IPv6 literal, javascript:): not a link to follow
            continue
        if not in_scope(url, allowed) or trap_reason(url):
            continue
        if rel.lower() == "alternate" and FEED_TYPES.search(text):
            feeds.setdefault(url)
            continue
        if len(text) > len(texts.get(url, "")) or url not in texts:  # a thumbnail link, then its headline
            texts[url] = text
        if is_listing_url(url, site) or (_is_pager_link(text, rel) and _same_listing(url, page.final_url)):
            listings.setdefault(url)
    articles = _articles(texts, site)
    kept = [_bounded(urls, page.final_url) for urls in (articles, [u for u in listings if u not in articles])]
    return Links(kept[0], kept[1], _bounded(list(feeds), page.final_url))


def _bounded(urls: list[str], page: str) -> tuple[str, ...]:
    if len(urls) > MAX_LINKS:
        log.warning("%s: over %d links of one kind, the rest ignored", page, MAX_LINKS)
    return tuple(urls[:MAX_LINKS])


def _articles(texts: dict[str, str], site: Site) -> list[str]:
    """The article links among a page's links (url -> link text): by pattern, by profile shape, or by structure."""
    if site.article_pattern:
        return [url for url in texts if re.search(site.article_pattern, url)]
    shaped = [url for url in texts if _profile_shape(url, site)]
    return shaped or headline_links(texts, site)


def headline_links(texts: dict[str, str], site: Site) -> list[str]:
    """The links of a listing's repeated headlines: MIN_REPEATS or more of one URL shape, with headline text.

    A listing repeats its items, each a link to an item URL (an id or a page file) with a headline as its text;
    the links of one listing share a shape (`_shape`). Menus, category and footer links have no id or short
    labels: a menu of "Cơ cấu tổ chức", "Tin tức sự kiện" … has 4 words to a label, headlines have more
    (`_headlines`). Pagers are listings. A false positive is fetched once and recorded as extract:not_an_article.
    """
    groups: dict[tuple[object, ...], list[str]] = {}
    for url, text in texts.items():
        shape = _shape(url)
        if shape is not None and _words(text) >= MIN_HEADLINE_WORDS and not is_listing_url(url, site):
            groups.setdefault(shape, []).append(url)
    chosen = {url for urls in groups.values() if _headlines([texts[u] for u in urls]) for url in urls}
    return [url for url in texts if url in chosen]


def _headlines(texts: list[str]) -> bool:
    """Whether a group of link texts reads as a list of headlines: enough of them, and not a menu's labels."""
    return len(texts) >= MIN_REPEATS and statistics.median(_words(t) for t in texts) >= MIN_MEDIAN_WORDS


def _words(text: str) -> int:
    return sum(any(c.isalnum() for c in word) for word in text.split())  # "Báo chí - xuất bản": 4 words


def _shape(url: str) -> tuple[object, ...] | None:
    """What the URLs of one list have in common: the first path segment, then each segment's kind; None for no item.

    An item URL names one item: a segment with a number ("slug-123.html", "123", "2024-4-25"), a page file
    (".html", ".aspx", ".php") or a numeric query value (?id=123). Numbers and slugs vary within a list, so
    they are reduced to their kind; the category in `/news/<category>/<alias>-<id>.html` varies too.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    ids = tuple(sorted(k for k, v in parse_qsl(parts.query) if v.isdigit() and not PAGE_PARAMS.match(k)))
    kinds = tuple(_segment_kind(s) for s in segments)
    page_file = ITEM_FILE.search(parts.path) is not None
    if PAGE_PATH.search(parts.path) or not (ids or page_file or any(k != "slug" for k in kinds)):
        return None
    first = segments[0] if len(segments) > 1 and kinds[0] == "slug" else ""
    return first, kinds, page_file, ids


def _segment_kind(segment: str) -> str:
    if segment.isdigit():
        return "number"
    return "slug-number" if ENDS_IN_NUMBER.search(segment) else "slug"


def _anchors(tree: LexborHTMLParser) -> Iterator[tuple[str, str, str]]:
    """(href, text, rel) of each link, each once, walking the tree instead of listing every node."""
    seen: set[tuple[str, str]] = set()
    for node in tree.root.traverse() if tree.root is not None else ():
        if node.tag not in ("a", "link"):
            continue
        href = (node.attributes.get("href") or "").strip()
        if not href or (node.tag == "link" and "rel" not in node.attributes):
            continue
        # For <link>, the "text" is its type: <link rel="alternate" type="application/rss+xml" href=...>.
        text = node.text(strip=True) if node.tag == "a" else node.attributes.get("type") or ""
        if (href, text) in seen:  # a thumbnail's link, then the headline's: both, for the headline's text
            continue
        seen.add((href, text))
        yield href, text, node.attributes.get("rel") or ""


def _is_pager_link(text: str, rel: str) -> bool:
    return "next" in rel.lower().split() or PAGER_TEXT.fullmatch(text.strip()) is not None


def _same_listing(url: str, listing: str) -> bool:
    # A pager link text alone is not enough: it must stay under the listing's own path.
    path, base = urlsplit(url).path.rstrip("/"), urlsplit(listing).path.rstrip("/")
    return path == base or path.startswith(base + "/") or path.rsplit("/", 1)[0] == base.rsplit("/", 1)[0]


def is_article_url(url: str, site: Site) -> bool:
    """Whether a URL is an article of the site by its article_pattern, else by its profile's URL shapes."""
    if site.article_pattern:
        return re.search(site.article_pattern, url) is not None
    return _profile_shape(url, site)


def _profile_shape(url: str, site: Site) -> bool:
    profiles = [PROFILES[site.profile]] if site.profile else PROFILES.values()
    return any(p.search(url) for profile in profiles for p in profile.article_urls)


def feed_articles(urls: Iterable[str], site: Site) -> list[str]:
    """The article URLs among a sitemap's or feed's: by pattern or profile shape, else every item URL (`_shape`)."""
    urls = list(dict.fromkeys(urls))
    if site.article_pattern:
        return [url for url in urls if re.search(site.article_pattern, url)]
    shaped = [url for url in urls if _profile_shape(url, site)]
    return shaped or [url for url in urls if _shape(url) is not None and not is_listing_url(url, site)]


def canonical_link(page: Page, site: Site, hosts: Iterable[str]) -> str | None:
    """The URL the page's <link rel=canonical> names, when it may name an article; else None.

    Only a URL in scope that is not the home page, a start listing or a listing page: some portals name their home
    page as every page's canonical URL, which would store every article under one URL. A canonical that differs
    from the URL that served the page only by its scheme or "www." is taken on the served one (`on_served_origin`).
    Whether the page at that URL is this article is the run loop's to check (pipeline.SiteCrawl._identity).
    """
    # Only the <link> tag is parsed: parsing <head> again cost 16 % of extraction (the extractor parses the page).
    tag = CANONICAL_TAG.search(page.text, 0, _head_end(page.text))
    link = LexborHTMLParser(tag.group()).css_first('link[rel="canonical"]') if tag else None
    if link is None:
        return None
    try:
        url = on_served_origin(
            absolute_url(page.final_url, (link.attributes.get("href") or "").strip()),
            canonicalize(page.final_url),
        )
    except InvalidURL:
        return None
    return url if _may_name_an_article(url, site, hosts) else None


def served_url(page: Page, site: Site, hosts: Iterable[str], reached: str) -> str:
    """The URL that served an article page: where redirects landed (unless that is no article's), else reached."""
    if page.final_url == reached:  # most pages: nothing to parse
        return reached
    try:
        url = canonicalize(page.final_url)
    except InvalidURL:
        return reached
    return url if _may_name_an_article(url, site, hosts) else reached


def _head_end(text: str) -> int:
    end = HEAD_END.search(text)
    return end.start() if end else len(text)


def _may_name_an_article(url: str, site: Site, hosts: Iterable[str]) -> bool:
    path = urlsplit(url).path
    starts = canonical_urls(site.start_urls)
    return in_scope(url, hosts) and path != "/" and url not in starts and not is_listing_url(url, site)


def is_listing_url(url: str, site: Site) -> bool:
    """Whether a URL is a further page of one of the site's listings."""
    if site.listing_pattern:
        return re.search(site.listing_pattern, url) is not None
    return any(is_pagination_of(url, canonicalize(start)) for start in site.start_urls)


def feed_links(document: bytes, limit: int = 50_000) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) in a sitemap, sitemap index, RSS or Atom document; canonical, valid."""
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError:
        return [], []
    pages: list[str] = []
    nested: list[str] = []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name == "loc" and element.text:
            (nested if root.tag.endswith("sitemapindex") else pages).append(element.text.strip())
        elif name == "link":
            href = element.attrib.get("href") or (element.text or "")
            if href.strip():
                pages.append(href.strip())
        if len(pages) >= limit:
            break
    return canonical_urls(pages), canonical_urls(nested)
