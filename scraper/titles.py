"""The headline: the visible one beats <title>, og:title and JSON-LD when they differ (issue 10, class 3).

Meta titles are decoded (double-escaped entities too: `&amp;#7871;`) and lose the site's name; a generic page
label ("Chi tiết tin tức", "Tin tức - Sự kiện | Cổng thông tin điện tử …") is never a title.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import Block, Link
from .bylines import names_the_site
from .dates import split_date_line
from .prefilter import css
from .profiles import DATE_FIELD_LABEL, DATE_LINE, DETAIL_TITLE, GENERIC_TITLES, PROMINENT_SELECTOR, either
from .text import clean_line, dedup_key

MAX_TITLE_CHARS = 400
MIN_HEADLINE_WORDS = 3
_TITLE_SEPARATOR = re.compile(r"\s+[-|–—:»]\s+|\s*::\s*|\s+\|\s*|\s*\|\s+")
_HEADINGS = ("h1", "h2", "h3", "h4")
_MAX_STYLED_WORDS = 40  # a bold line longer than this is a lead, not a headline
_NEAR_BODY = 8  # a headline sits a few blocks above the body's first paragraph
META_TITLES = (
    ('meta[property="og:title"]', 'css:meta[property="og:title"]'),
    ('meta[name="twitter:title"]', 'css:meta[name="twitter:title"]'),
    ("title", "css:title"),
)
# Compiled once: the cached either() hashes its six patterns on every call (3.4 us, ten calls a page).
_GENERIC_TITLE = either(GENERIC_TITLES)


@dataclass(frozen=True)
class Headline:
    """The chosen headline, where it came from, and its block's index in the page (None if not shown)."""

    text: str | None
    source: str
    index: int | None = None


def _head(tree: LexborHTMLParser) -> LexborHTMLParser | LexborNode:
    """Where <title> and <meta> live: searching <head> alone spares a walk of the whole page per query."""
    return tree.head or tree


def decode(value: str) -> str:
    """Entities decoded, twice when the markup escaped them twice (`&amp;#7871;` -> `ế`)."""
    for _ in range(2):
        if "&" not in value:
            break
        value = html.unescape(value)
    return clean_line(value)


def site_names(tree: LexborHTMLParser, url: str | None) -> list[str]:
    """Names the page gives its site: og:site_name, application-name and the host."""
    names = []
    head = _head(tree)
    for selector in ('meta[property="og:site_name"]', 'meta[name="application-name"]'):
        node = head.css_first(selector)
        if node is not None and (content := node.attributes.get("content")):
            names.append(decode(content))
    title = head.css_first("title")
    # MSN gives each page's headline as its application-name, beside og:site_name "MSN": that name is no site's.
    if len(names) == 2 and title is not None and dedup_key(names[1]) == dedup_key(decode(title.text())):
        names.pop()
    if url and "//" in url:
        names.append(url.split("//", 1)[1].split("/", 1)[0])
    return names


def title_suffix(tree: LexborHTMLParser) -> str | None:
    """The last part of a <title> with several ("Headline - UBND huyện Hải Lăng"): often the site's name.

    Only evidence against a metadata author; a title is not cut by it, since headlines hold " - " too.
    """
    title = _head(tree).css_first("title")
    parts = _TITLE_SEPARATOR.split(decode(title.text())) if title is not None else []
    return parts[-1].strip() if len(parts) >= 2 else None


def is_generic(text: str, names: list[str]) -> bool:
    """A page label, a site name, or both joined ("Tin tức - Sự kiện | Cổng thông tin điện tử …")."""
    parts = [p for p in _TITLE_SEPARATOR.split(text) if p.strip()]
    return all(_is_label(p, names) for p in parts)


def _is_label(part: str, names: list[str]) -> bool:
    # A page's meta titles and headings share parts (the site's name ending each): judged once, a page asks 7.5
    # times about 2.7 parts on the ScrapingHub benchmark, each 5 us.
    return _is_label_of(part.strip(), tuple(names))


@functools.lru_cache(maxsize=1024)
def _is_label_of(part: str, names: tuple[str, ...]) -> bool:
    return _GENERIC_TITLE.fullmatch(part) is not None or names_the_site(part, list(names))


def cut_site_name(text: str, names: list[str]) -> str:
    """A meta title without the site's name and page labels at either end ("Headline - Cổng TTĐT X")."""
    while True:
        parts = _TITLE_SEPARATOR.split(text, maxsplit=1)
        if len(parts) == 2 and DETAIL_TITLE.fullmatch(parts[0].strip()):
            return ""  # "Chi tiết tin - <site>": a label and the site's name, no headline
        if len(parts) == 2 and _is_label(parts[0], names) and not _is_label(parts[1], names):
            text = parts[1]
            continue
        tail = _last_split(text)
        if tail is None or not _is_label(tail[1], names) or _is_label(tail[0], names):
            return text.strip()
        text = tail[0]


def _last_split(text: str) -> tuple[str, str] | None:
    matches = list(_TITLE_SEPARATOR.finditer(text))
    if not matches:
        return None
    last = matches[-1]
    return text[: last.start()], text[last.end() :]


def meta_titles(tree: LexborHTMLParser, linked: dict[str, Any], names: list[str]) -> list[tuple[str, str]]:
    """(title, source) from og:title, JSON-LD, twitter:title and <title>: decoded, cut, generic ones left out."""
    found = []
    raw: list[tuple[str, str]] = []
    head = _head(tree)
    og = head.css_first(META_TITLES[0][0])
    if og is not None:
        raw.append((og.attributes.get("content") or "", META_TITLES[0][1]))
    if isinstance(linked.get("headline"), str):
        raw.append((linked["headline"], "json-ld:headline"))
    for selector, source in META_TITLES[1:]:
        node = head.css_first(selector)
        if node is not None:
            value = node.text() if node.tag == "title" else node.attributes.get("content") or ""
            raw.append((value, source))
    for value, source in raw:
        title = cut_site_name(decode(value), names)
        if title and not is_generic(title, names) and len(title) <= MAX_TITLE_CHARS:
            found.append((title, source))
    return found


def prominent_lines(tree: LexborHTMLParser) -> frozenset[str]:
    """Keys of the short texts shown in a title-like or bold element: headlines outside <h1>-<h6>."""
    lines = set()
    for node in css(tree.body or tree, PROMINENT_SELECTOR):
        text = clean_line(node.text(separator=" "))
        if text and len(text) <= MAX_TITLE_CHARS:
            lines.add(dedup_key(text))
    return frozenset(lines)


def choose_headline(
    blocks: list[Block],
    body_start: int | None,
    metas: list[tuple[str, str]],
    names: list[str],
    prominent: Callable[[], frozenset[str]] = frozenset,
    page_url: str | None = None,
) -> Headline:
    """The headline by its relation to the body: a heading just above it, agreeing with a meta title or not.

    prominent gives the page's styled lines (`prominent_lines`): asked for only when no heading is near the body,
    as it costs a query of the whole tree (6 % of extraction time on the ScrapingHub benchmark). A headline
    linked to page_url, the page itself, is read as one linked nowhere.
    """
    window = range(max(0, (body_start or 0) - _NEAR_BODY), body_start or 0)
    # Only headings and the lines just above the body are read as headlines: only their links are cut. The lines
    # above the body are read first, the page's other headings only when none of those shows a meta title (3 pages
    # in 10 of the ScrapingHub benchmark): judging every heading first cost about 0.05 ms a page.
    blocks = _self_links_cut_at(blocks, window, page_url)
    keys = _meta_keys(metas)
    near = [i for i in window if i < len(blocks) and _is_headline_block(blocks[i], names)]
    if (agreeing := _agreeing(blocks, [*near, *reversed(window)], keys)) is not None:
        return agreeing
    headings = [i for i, block in enumerate(blocks) if block.tag in _HEADINGS]
    blocks = _self_links_cut_at(blocks, [i for i in headings if i not in window], page_url)
    candidates = [i for i in headings if _is_headline_block(blocks[i], names)]
    if (agreeing := _agreeing(blocks, candidates, keys)) is not None:
        return agreeing
    if near:
        best = min(reversed(near), key=lambda i: blocks[i].tag != "h1")  # h1 first, then the nearest
        return Headline(blocks[best].text, f"visible:{blocks[best].tag}", best)
    # No heading tag near the body: a short line in a title-like or bold element is shown as one.
    lines = prominent() if window else frozenset()
    styled = [i for i in reversed(window) if i < len(blocks) and _is_styled_headline(blocks[i], lines, names)]
    if styled:
        return Headline(blocks[styled[0]].text, "visible:styled", styled[0])
    # Unstyled, in a plain <div>: the short line just above the date line, nearest the body.
    dated = [i for i in reversed(window) if i + 1 < len(blocks) and _heads_a_date_line(blocks, i, names)]
    if dated:
        return Headline(blocks[dated[0]].text, "visible:above-date", dated[0])
    first_h1 = next((i for i in candidates if blocks[i].tag == "h1"), None)
    if first_h1 is not None:
        return Headline(blocks[first_h1].text, "visible:h1", first_h1)
    if metas:
        return Headline(metas[0][0], metas[0][1])
    return Headline(None, "none:no-headline")


def _agreeing(blocks: list[Block], order: list[int], keys: list[_MetaKeys]) -> Headline | None:
    """The first block of those at the indexes in order, linked nowhere, that shows a meta title."""
    for i in order:
        if (
            i < len(blocks)
            and not _has_real_links(blocks[i])
            and (source := _meta_source(blocks[i].text, keys))
        ):
            return Headline(blocks[i].text, source, i)
    return None


_MetaKeys = tuple[str, frozenset[str], str]  # a meta title's key, its parts' keys (_meta_keys), its source


def _meta_keys(metas: list[tuple[str, str]]) -> list[_MetaKeys]:
    """The key of each meta title, those of its parts before each separator ("Headline" of "Headline - Site"), and
    its source: made once, not for each line compared with them (text.dedup_key costs 2 us)."""
    return [
        (
            dedup_key(title),
            frozenset(dedup_key(title[: m.start()]) for m in _TITLE_SEPARATOR.finditer(title)),
            source,
        )
        for title, source in metas
    ]


def _meta_source(text: str, keys: list[_MetaKeys]) -> str | None:
    """The meta title this visible line is, whole or before a separator ("Headline - Unknown site name")."""
    key = dedup_key(text)
    for whole, parts, source in keys:
        if whole == key:
            return source
        if key in parts:
            return f"{source}:visible-part"
    return None


def _is_styled_headline(block: Block, prominent: frozenset[str], names: list[str]) -> bool:
    if (
        _has_real_links(block)
        or dedup_key(block.text) not in prominent
        or split_date_line(block.text) is not None
    ):
        return False
    words = len(block.text.split())
    return MIN_HEADLINE_WORDS <= words <= _MAX_STYLED_WORDS and not is_generic(block.text, names)


def _heads_a_date_line(blocks: list[Block], i: int, names: list[str]) -> bool:
    """A plain line of headline length, not a sentence, and the next line a date line."""
    block, below = blocks[i], blocks[i + 1].text
    words = len(block.text.split())
    return (
        not _has_real_links(block)
        and MIN_HEADLINE_WORDS <= words <= _MAX_STYLED_WORDS
        and not block.text.endswith(".")
        and split_date_line(block.text) is None
        and DATE_FIELD_LABEL.fullmatch(block.text) is None
        and (
            split_date_line(below) is not None
            or (len(below) <= 100 and DATE_LINE.fullmatch(below) is not None)
        )
        and not is_generic(block.text, names)
    )


def _self_links_cut_at(blocks: list[Block], at: Iterable[int], page_url: str | None) -> list[Block]:
    """The blocks, those at the indexes in at with their links to page_url made links to "#"."""
    if not page_url or not (last := _last_segment(page_url)):
        return blocks
    cut = list(blocks)
    for i in at:
        if i < len(cut) and cut[i].links:
            cut[i] = _self_links_cut(cut[i], page_url, last)
    return cut


def _self_links_cut(block: Block, page_url: str, last: str) -> Block:
    """The block with its links to page_url made links to "#" (last: the URL's last path segment, which such a
    link holds: a quick test before resolving it, as a page has a hundred links or more)."""
    if not any(last in link.href and _names_page(link.href, page_url) for link in block.links):
        return block
    links = tuple(Link("#", link.text) if _names_page(link.href, page_url) else link for link in block.links)
    return Block(block.text, block.tag, links)


def _last_segment(url: str) -> str:
    return urldefrag(url).url.rstrip("/").rsplit("/", 1)[-1]


def _names_page(href: str, page_url: str) -> bool:
    return urldefrag(urljoin(page_url, href.strip())).url.rstrip("/") == urldefrag(page_url).url.rstrip("/")


def _has_real_links(block: Block) -> bool:
    return any(not _points_nowhere(link.href) for link in block.links)


def _points_nowhere(href: str) -> bool:
    """A link to "#" or a script: a headline made clickable, not a teaser's link to another page."""
    return href.strip() in ("", "#") or href.strip().lower().startswith("javascript:")


def _is_headline_block(block: Block, names: list[str]) -> bool:
    if block.tag not in _HEADINGS or len(block.text) > MAX_TITLE_CHARS:
        return False
    links = [link for link in block.links if not _points_nowhere(link.href)]
    if links and sum(len(link.text) for link in links) >= len(block.text) // 2:
        return False  # a linked heading is a list item or the site's logo, not this page's headline
    return len(block.text.split()) >= MIN_HEADLINE_WORDS and not is_generic(block.text, names)
