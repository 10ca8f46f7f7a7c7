"""Link discovery: article, pagination and feed links on listing pages; page links in sitemaps and feeds."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

from selectolax.lexbor import LexborHTMLParser

from .errors import InvalidURL
from .models import Page, Site
from .profiles import PROFILES
from .urls import absolute_url, canonical_urls, canonicalize, in_scope, is_pagination_of, trap_reason

log = logging.getLogger(__name__)

MAX_ANCHORS = 20_000  # anchors read on one listing page (a real one has a few hundred)
MAX_LINKS = 2_000  # distinct links kept from one listing page
FEED_TYPES = re.compile(r"application/(?:rss|atom)\+xml|application/xml|text/xml", re.I)


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

    At most MAX_LINKS distinct links of each kind are kept, from MAX_ANCHORS anchors: a listing page of 400,000 links
    (a broken pager that lists everything) must not hold them all in memory, nor canonicalise them all.
    """
    found: dict[str, dict[str, None]] = {"feed": {}, "article": {}, "listing": {}}
    allowed = set(hosts)
    for href, text, rel in itertools.islice(_anchors(LexborHTMLParser(page.text)), MAX_ANCHORS):
        try:
            url = absolute_url(page.final_url, href)
        except (
            InvalidURL
        ):  # a malformed href (bad port, broken IPv6 literal, javascript:): not a link to follow
            continue
        kind = _kind(url, text, rel, page.final_url, site) if in_scope(url, allowed) else None
        if kind is not None and len(found[kind]) < MAX_LINKS and not trap_reason(url):
            found[kind].setdefault(url)
    if any(len(links) == MAX_LINKS for links in found.values()):
        log.warning("%s: over %d links of one kind, the rest ignored", page.final_url, MAX_LINKS)
    return Links(tuple(found["article"]), tuple(found["listing"]), tuple(found["feed"]))


def _kind(url: str, text: str, rel: str, listing: str, site: Site) -> str | None:
    if rel.lower() == "alternate" and FEED_TYPES.search(text):
        return "feed"
    if is_article_url(url, site):
        return "article"
    if is_listing_url(url, site) or (_is_pager_link(text, rel) and _same_listing(url, listing)):
        return "listing"
    return None


def _anchors(tree: LexborHTMLParser) -> Iterator[tuple[str, str, str]]:
    """(href, text, rel) of each link, each href once, walking the tree instead of listing every node."""
    seen: set[str] = set()
    for node in tree.root.traverse() if tree.root is not None else ():
        if node.tag not in ("a", "link"):
            continue
        href = (node.attributes.get("href") or "").strip()
        if not href or href in seen or (node.tag == "link" and "rel" not in node.attributes):
            continue
        seen.add(href)
        # For <link>, the "text" is its type: <link rel="alternate" type="application/rss+xml" href=...>.
        text = node.text(strip=True) if node.tag == "a" else node.attributes.get("type") or ""
        yield href, text, node.attributes.get("rel") or ""


def _is_pager_link(text: str, rel: str) -> bool:
    return "next" in rel.lower().split() or PAGER_TEXT.fullmatch(text.strip()) is not None


def _same_listing(url: str, listing: str) -> bool:
    # A pager link text alone is not enough: it must stay under the listing's own path.
    path, base = urlsplit(url).path.rstrip("/"), urlsplit(listing).path.rstrip("/")
    return path == base or path.startswith(base + "/") or path.rsplit("/", 1)[0] == base.rsplit("/", 1)[0]


def is_article_url(url: str, site: Site) -> bool:
    """Whether a URL is an article of the site: its article_pattern, else its profile's URL shapes."""
    if site.article_pattern:
        return re.search(site.article_pattern, url) is not None
    profiles = [PROFILES[site.profile]] if site.profile else PROFILES.values()
    return any(p.search(url) for profile in profiles for p in profile.article_urls)


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
