"""Link discovery: article, pagination and feed links on listing pages; page links in sitemaps and feeds."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from selectolax.lexbor import LexborHTMLParser

from .models import Page, Site
from .profiles import PROFILES
from .urls import canonicalize, in_scope, is_pagination_of, trap_reason

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
    """Article links and pagination links on a listing page, canonical, in scope, in page order."""
    tree = LexborHTMLParser(page.text)
    articles: dict[str, None] = {}
    listings: dict[str, None] = {}
    feeds: dict[str, None] = {}
    allowed = set(hosts)
    for href, text, rel in _anchors(tree):
        try:
            url = canonicalize(urljoin(page.final_url, href))
        except ValueError:  # a malformed href (bad port, broken IPv6 literal): not a link we can follow
            continue
        if not in_scope(url, allowed) or trap_reason(url):
            continue
        if rel.lower() == "alternate" and FEED_TYPES.search(text):
            feeds.setdefault(url)
        elif is_article_url(url, site):
            articles.setdefault(url)
        elif is_listing_url(url, site) or (_is_pager_link(text, rel) and _same_listing(url, page.final_url)):
            listings.setdefault(url)
    return Links(tuple(articles), tuple(listings), tuple(feeds))


def _anchors(tree: LexborHTMLParser) -> list[tuple[str, str, str]]:
    found = []
    for node in tree.css("a[href], link[rel][href]"):
        href = (node.attributes.get("href") or "").strip()
        if href and urlsplit(href).scheme in ("", "http", "https"):
            # For <link>, the "text" is its type: <link rel="alternate" type="application/rss+xml" href=...>.
            text = node.text(strip=True) if node.tag == "a" else node.attributes.get("type") or ""
            found.append((href, text, node.attributes.get("rel") or ""))
    return found


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
    """(page URLs, nested sitemap URLs) in a sitemap, sitemap index, RSS or Atom document."""
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
    return pages, nested
