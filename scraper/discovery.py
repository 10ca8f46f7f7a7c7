"""Link discovery: article, pagination and feed links on listing pages; page links in sitemaps and feeds."""

from __future__ import annotations

import functools
import itertools
import logging
import re
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .errors import InvalidURL
from .models import Page, Site
from .pagekind import MIN_HEADLINE_WORDS
from .profiles import ATTACHMENT_URL, PROFILES
from .urls import (
    PAGE_PARAMS,
    PAGE_PATH,
    absolute_url,
    canonical_urls,
    canonicalize,
    in_scope,
    is_pagination_of,
    on_served_origin,
    page_number,
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
PAGE_SEGMENT = re.compile(r"/(?:trang|page|p)[-_]?\d+(?:\.\w+)?/?$", re.I)  # "/tin-tuc/trang-2.html"
ENDS_IN_NUMBER = re.compile(r"\d+(?:\.\w+)?$")
# What sits beside a headline link in a listing's item: a date ("14/01/2025", "2025-01-14") or a lead.
ITEM_DATE = re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{1,2}-\d{1,2})\b")
MIN_LEAD_CHARS = 60
ITEM_SIBLINGS = 3  # elements read after (and before) a headline link: date, lead, "Xem tiếp"
ITEM_LEVELS = 3  # ancestors climbed while they hold this one link target only (<td>, <h3>, <div class=item>)
MAX_ITEM_CANDIDATES = 500  # headline-length links looked at for an item around them, per page
MAX_ITEM_TRIES = 3  # headline links to one URL looked at (a sidebar's, a slider's, the list's)
NOT_A_PAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|mp[34]|avi|mov|txt|xml|rss|css|js)(?:$|[?#])", re.I)


# A URL's shape: its first path segment (when it has more), each segment's kind, whether it ends in a page file,
# the query keys with a numeric value. "/bai-viet/<slug>" -> ("bai-viet", ("slug", "slug"), False, ()).
Shape = tuple[str, tuple[str, ...], bool, tuple[str, ...]]


@dataclass(frozen=True)
class Links:
    """What a listing page points to: articles and further pages of the listing."""

    articles: tuple[str, ...]
    listings: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    shapes: frozenset[Shape] = frozenset()  # the URL shapes of the articles the page's structure showed
    # Each article link with the place of its anchor on the page (its ancestors' tags and classes): a walk goes
    # on while pages show links in places it has not seen them, so a "Tin mới" sidebar listing the articles of
    # the next pages does not make those pages look seen.
    placed: tuple[tuple[str, str], ...] = ()


# Link texts of "next page" in the pagers of these portals ("Xem tiếp »", "Trang sau ›", "»"); numbers are page
# links too. An item's own "Xem tiếp" points to its headline's URL: that link is the item's, not a pager's.
PAGER_TEXT = re.compile(
    r"(?:(?:(?:xem|trang)\s+)?(?:tiếp(?:\s+theo)?|sau|kế)|next(?:\s+page)?|\d{1,4})?\s*[»›>]*", re.I
)


def discover_links(
    page: Page, site: Site, hosts: Iterable[str], shapes: frozenset[Shape] = frozenset()
) -> Links:
    """Article links and pagination links on a listing page, canonical, in scope, in page order.

    Articles are the links the site's article_pattern matches; else those its profile URL shapes match, when any
    does; else the page's repeated headline links (`headline_links`), the headline links of items with a date or
    a lead beside them (`_item_links`), and links of a URL shape in `shapes` (learned on the site's other
    listing pages) with headline text. At most MAX_LINKS distinct links of each kind are kept, from MAX_ANCHORS
    anchors: a listing page of 400,000 links (a broken pager that lists everything) must not hold them all in
    memory, nor canonicalise them all.
    """
    allowed = set(hosts)
    texts: dict[str, str] = {}
    feeds: dict[str, None] = {}
    pagers: dict[str, str] = {}  # listing-page links -> their text
    anchors: list[tuple[str, LexborNode]] = []
    heads: list[tuple[str, LexborNode]] = []  # headline-length links, for the items around them
    hrefs = _Hrefs(page.final_url)
    for href, text, rel, node in itertools.islice(_anchors(LexborHTMLParser(page.text)), MAX_ANCHORS):
        url = hrefs.url(href)
        if url is None or not in_scope(url, allowed) or trap_reason(url):
            continue
        if rel.lower() == "alternate" and FEED_TYPES.search(text):
            feeds.setdefault(url)
            continue
        if len(text) > len(texts.get(url, "")) or url not in texts:  # a thumbnail link, then its headline
            texts[url] = text
        if is_listing_url(url, site) or (_is_pager_link(text, rel) and _same_listing(url, page.final_url)):
            pagers.setdefault(url, text.strip().casefold())
        if node.tag == "a":
            anchors.append((url, node))
            if len(heads) < MAX_ITEM_CANDIDATES and _is_headline(text):
                heads.append((url, node))
    articles = _ruled(texts, site)
    found = frozenset[Shape]()
    if articles is None:
        repeated = set(headline_links(texts, site))
        items = _item_links([(u, node) for u, node in heads if u not in repeated], hrefs)
        articles, found = _by_structure(texts, site, page.final_url, repeated | set(items), shapes)
    listings = [
        u for u in pagers if u not in articles and (is_listing_url(u, site) or _pages_on(u, pagers, texts))
    ]
    kept = [_bounded(urls, page.final_url) for urls in (articles, listings)]
    chosen = set(kept[0])
    places: dict[int, str] = {}
    placed = tuple(dict.fromkeys((url, _place(node, places)) for url, node in anchors if url in chosen))
    return Links(kept[0], kept[1], _bounded(list(feeds), page.final_url), found, placed)


def _pages_on(url: str, pagers: dict[str, str], texts: dict[str, str]) -> bool:
    """Whether a link with a pager's text leads to the listing's next page rather than to an item.

    An item's own "Xem tiếp" points to its headline's URL (a link with a headline's text), and the items' "Xem
    tiếp" links are several, each to its own URL; the pager's "Xem tiếp »" is one link. Page numbers are many.
    """
    label = pagers[url]
    if _is_headline(texts[url]):
        return False
    if label.isdigit() or sum(text == label for text in pagers.values()) == 1:
        return True
    # The items' "Xem tiếp" and the pager's share a label: the pager's URL names a page ("trang-2", ?page=2).
    return PAGE_SEGMENT.search(urlsplit(url).path) is not None or page_number(url) != 0


def _bounded(urls: list[str], page: str) -> tuple[str, ...]:
    if len(urls) > MAX_LINKS:
        log.warning("%s: over %d links of one kind, the rest ignored", page, MAX_LINKS)
    return tuple(urls[:MAX_LINKS])


def item_leads(page: Page) -> list[str]:
    """The text beside each item's headline link on a page (its date, its lead), for telling a listing's leads
    from an article's body."""
    hrefs = _Hrefs(page.final_url)
    heads: list[tuple[str, LexborNode]] = []
    for href, text, _rel, node in itertools.islice(_anchors(LexborHTMLParser(page.text)), MAX_ANCHORS):
        url = hrefs.url(href)
        if url is not None and node.tag == "a" and _is_headline(text) and len(heads) < MAX_ITEM_CANDIDATES:
            heads.append((url, node))
    return list(_item_links(heads, hrefs).values())


def _place(node: LexborNode, places: dict[int, str]) -> str:
    """Where an anchor sits: its ancestors' tags and classes, from the root (ids vary by item: left out)."""
    path: list[LexborNode] = []  # the ancestors not named yet, nearest first (a loop: pages nest 5,000 deep)
    parent, above = node.parent, ""
    while parent is not None and parent.tag not in ("html", "body"):
        if parent.mem_id in places:  # the anchors of one list share their ancestors: each is named once
            above = places[parent.mem_id]
            break
        path.append(parent)
        parent = parent.parent
    for ancestor in reversed(path):
        above = places[ancestor.mem_id] = f"{above}/{ancestor.tag}.{ancestor.attributes.get('class') or ''}"
    return above


def _ruled(texts: dict[str, str], site: Site) -> list[str] | None:
    """The article links by the site's article_pattern, else by its profile's URL shapes; None when neither."""
    if site.article_pattern:
        return [url for url in texts if re.search(site.article_pattern, url)]
    return [url for url in texts if _profile_shape(url, site)] or None


def _by_structure(
    texts: dict[str, str], site: Site, here: str, structural: set[str], shapes: frozenset[Shape]
) -> tuple[list[str], frozenset[Shape]]:
    """The article links the page's structure shows, and those of a learned shape; the shapes it showed."""
    found = frozenset(s for url in structural if (s := _loose_shape(url)) is not None and _specific(s))
    # The shapes this page's items show count on this page too: past MAX_ITEM_CANDIDATES headlines, and for a
    # headline with nothing beside it in the same list.
    learned = {url for url in texts if _is_headline(texts[url]) and _loose_shape(url) in shapes | found}
    chosen = {url for url in structural | learned if _may_be_article(url, site, here)}
    return [url for url in texts if url in chosen], found


class _Hrefs:
    """The canonical URL of each href of one page, worked out once: canonicalising is most of discovery's time."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.urls: dict[str, str | None] = {}

    def url(self, href: str) -> str | None:
        """The URL href points to; None for one we could not go to (bad port, broken IPv6 literal, javascript:)."""
        if href not in self.urls:
            try:
                self.urls[href] = absolute_url(self.page, href)
            except InvalidURL:
                self.urls[href] = None
        return self.urls[href]


def _may_be_article(url: str, site: Site, here: str) -> bool:
    parts = urlsplit(url)
    return (
        url != here
        and (parts.path not in ("", "/") or bool(parts.query))
        and not is_listing_url(url, site)
        and not ATTACHMENT_URL.search(url)
        and not NOT_A_PAGE.search(parts.path)
    )


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
        if shape is not None and _is_headline(text) and not is_listing_url(url, site):
            groups.setdefault(shape, []).append(url)
    chosen = {url for urls in groups.values() if _headlines([texts[u] for u in urls]) for url in urls}
    return [url for url in texts if url in chosen]


def _item_links(heads: list[tuple[str, LexborNode]], hrefs: _Hrefs) -> dict[str, str]:
    """Headline links that head an item (a date or a lead beside them, and no link to anything else): url -> text
    beside it.

    This is how a listing of any URL shape shows its articles, slugs with no id included ("/bai-viet/<slug>"),
    and how a last page with one item or a category with two shows theirs. A menu's links stand beside each
    other, not beside text; a date or a lead beside a headline link in a sidebar ("Tin mới") is an article's.
    """
    found: dict[str, str] = {}
    # A sidebar's link to a URL may come before its item's; a page repeating one link costs little.
    tried: dict[str, int] = {}
    for url, node in heads:
        if url in found or tried.get(url, 0) >= MAX_ITEM_TRIES:
            continue
        tried[url] = tried.get(url, 0) + 1
        if (beside := _item_text(url, node, hrefs)) is not None:
            found[url] = beside
    return found


def _item_text(url: str, node: LexborNode, hrefs: _Hrefs) -> str | None:
    """The text around a headline link, up to links elsewhere, when it holds a date or a lead; else None."""
    current = node
    for _level in range(ITEM_LEVELS):
        beside = _beside(current, url, hrefs)
        if ITEM_DATE.search(beside) or len(beside) >= MIN_LEAD_CHARS:
            return beside
        parent = current.parent
        if parent is None or parent.tag in ("body", "html") or not _holds_only(parent, url, hrefs):
            return None  # the parent holds other items' links too: the item ended
        current = parent
    return None


def _beside(node: LexborNode, url: str, hrefs: _Hrefs) -> str:
    """The text of the few siblings before and after node, up to the first one linking elsewhere."""
    parts: list[str] = []
    for step in ("prev", "next"):
        sibling, seen = getattr(node, step), 0
        while sibling is not None and seen < ITEM_SIBLINGS:
            if sibling.tag != "-text":
                seen += 1
                if not _holds_only(sibling, url, hrefs):
                    break
            parts.append(sibling.text(strip=True) if sibling.tag != "-text" else (sibling.text_content or ""))
            sibling = getattr(sibling, step)
    return " ".join(p.strip() for p in parts if p.strip())


def _holds_only(node: LexborNode, url: str, hrefs: _Hrefs) -> bool:
    """Whether every link inside node (or node itself, a link) points to url."""
    for link in (node,) if node.tag == "a" else node.traverse():
        if link.tag != "a":
            continue
        href = (link.attributes.get("href") or "").strip()
        if (
            href
            and not href.startswith(("#", "javascript:", "mailto:"))
            and hrefs.url(href) not in (url, None)
        ):
            return False
    return True


def _headlines(texts: list[str]) -> bool:
    """Whether a group of link texts reads as a list of headlines: enough of them, and not a menu's labels."""
    return len(texts) >= MIN_REPEATS and statistics.median(_words(t) for t in texts) >= MIN_MEDIAN_WORDS


def _is_headline(text: str) -> bool:
    return _words(text) >= MIN_HEADLINE_WORDS


def _words(text: str) -> int:
    return sum(any(c.isalnum() for c in word) for word in text.split())  # "Báo chí - xuất bản": 4 words


def _shape(url: str) -> Shape | None:
    """What the URLs of one list have in common: the first path segment, then each segment's kind; None for no item.

    An item URL names one item: a segment with a number ("slug-123.html", "123", "2024-4-25"), a page file
    (".html", ".aspx", ".php") or a numeric query value (?id=123). Numbers and slugs vary within a list, so
    they are reduced to their kind; the category in `/news/<category>/<alias>-<id>.html` varies too.
    """
    shape = _loose_shape(url)
    if shape is None or not (shape[3] or shape[2] or any(k != "slug" for k in shape[1])):
        return None
    return shape


def _loose_shape(url: str) -> Shape | None:
    """The shape of any URL but a pager's ("/page-3"), slugs with no id included."""
    parts = urlsplit(url)
    if PAGE_PATH.search(parts.path):
        return None
    segments = [s for s in parts.path.split("/") if s]
    pairs = parse_qsl(parts.query)
    ids = tuple(sorted({k.lower() for k, v in pairs if v.isdigit() and not PAGE_PARAMS.match(k)}))
    kinds = tuple(_segment_kind(s) for s in segments)
    first = segments[0].lower() if len(segments) > 1 and kinds[0] == "slug" else ""
    return first, kinds, ITEM_FILE.search(parts.path) is not None, ids


def _specific(shape: Shape) -> bool:
    """Whether a shape is an item's beyond doubt: an id, a page file, or a slug under a first segment.

    A lone slug ("/gioi-thieu") is the shape of every menu page too: it is never learned.
    """
    first, kinds, page_file, ids = shape
    return bool(ids) or page_file or any(k != "slug" for k in kinds) or (bool(first) and len(kinds) >= 2)


def _segment_kind(segment: str) -> str:
    if segment.isdigit():
        return "number"
    return "slug-number" if ENDS_IN_NUMBER.search(segment) else "slug"


def _anchors(tree: LexborHTMLParser) -> Iterator[tuple[str, str, str, LexborNode]]:
    """(href, text, rel, node) of each link, each once, walking the tree instead of listing every node."""
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
        yield href, text, node.attributes.get("rel") or "", node


def _is_pager_link(text: str, rel: str) -> bool:
    text = text.strip()
    return "next" in rel.lower().split() or (bool(text) and PAGER_TEXT.fullmatch(text) is not None)


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


def feed_articles(urls: Iterable[str], site: Site, shapes: frozenset[Shape] = frozenset()) -> list[str]:
    """The article URLs among a sitemap's or feed's: by pattern or profile shape, else by the URL alone.

    Without a pattern or profile shape, an entry is an article when it names an item (`_shape`), has a shape
    learned on the site's listings, or is a headline's slug ("/bai-viet/ubnd-xa-ra-quan-tong-ve-sinh": 4 words
    or more, among MIN_REPEATS entries of its shape whose slugs have MIN_MEDIAN_WORDS words in the middle); menu
    pages ("/gioi-thieu", "/lien-he") have short slugs. Listing pages and attachments are never articles.
    """
    urls = list(dict.fromkeys(urls))
    if site.article_pattern:
        return [url for url in urls if re.search(site.article_pattern, url)]
    shaped = [url for url in urls if _profile_shape(url, site)]
    if shaped:
        return shaped
    slugs = _headline_slugs(urls)
    return [
        url
        for url in urls
        if (_shape(url) is not None or _loose_shape(url) in shapes or url in slugs)
        and _may_be_article(url, site, "")
    ]


def _headline_slugs(urls: list[str]) -> set[str]:
    """The URLs whose last segment is a headline's slug, among enough of one shape that read as headlines."""
    groups: dict[Shape, list[str]] = {}
    for url in urls:
        shape = _loose_shape(url)
        if shape is not None and _slug_words(url) >= MIN_HEADLINE_WORDS:
            groups.setdefault(shape, []).append(url)
    return {
        url
        for group in groups.values()
        if len(group) >= MIN_REPEATS and statistics.median(map(_slug_words, group)) >= MIN_MEDIAN_WORDS
        for url in group
    }


def _slug_words(url: str) -> int:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return len([w for w in re.split(r"[-_+.]+", segments[-1]) if w.isalpha()]) if segments else 0


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
    return any(is_pagination_of(url, start) for start in _canonical_starts(site.start_urls))


@functools.lru_cache(maxsize=1024)
def _canonical_starts(starts: tuple[str, ...]) -> tuple[str, ...]:
    # Asked for every link of every listing page: canonicalising the start URLs each time was a third of
    # discovery's time (cProfile, a listing of 20 items).
    return tuple(canonicalize(start) for start in starts)


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
