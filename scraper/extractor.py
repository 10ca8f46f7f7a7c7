"""Parse stage: HTML text -> Article, one small function per field, each an ordered fallback chain.

Chains: the site's own selector (config.toml) -> the profile (text anchors for the Quảng Trị Liferay family,
selectors and meta tags for the rest) -> generic tags. A page with no title or body raises ExtractError:
never an empty or partial article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import Block, blocks_of
from .dates import parse_datetime
from .errors import ExtractError
from .models import Article, Attachment, SiteVisits
from .profiles import (
    ATTACHMENT_URL,
    COUNTER_LABELS,
    NOISE_LINES,
    PROFILES,
    VIEW_COUNT,
    Profile,
)
from .text import clean_line, parse_count

STRIPPED_TAGS = ["script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "select"]
MAX_TITLE_CHARS = 400
MAX_BYLINE_CHARS = 60

_COUNTER_VALUE = {
    key: re.compile(rf"(?:{'|'.join(map(re.escape, labels))})\s*:?\s*(\d[\d.,\s]*)", re.I)
    for key, labels in COUNTER_LABELS.items()
}
_COUNTER_LABEL = {
    key: re.compile(rf"(?:{'|'.join(map(re.escape, labels))})\s*:?", re.I)
    for key, labels in COUNTER_LABELS.items()
}
_NUMBER_ONLY = re.compile(r"\d[\d.,\s]*")
_ANY_COUNTER_LABEL = re.compile(
    "|".join(re.escape(label) for labels in COUNTER_LABELS.values() for label in labels), re.I
)
_TRAILING_NOTE = re.compile(r"\s*\([^()]{1,40}\)$")


@dataclass(frozen=True)
class _Fields:
    title: str
    published_at: str | None
    author: str | None
    body: list[Block]
    views: int | None
    sources: dict[str, str]


def extract_article(
    html: str,
    url: str | None = None,
    profile: str | None = None,
    selectors: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Article:
    """Extract an Article from decoded HTML; raises ExtractError when the page holds none."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(STRIPPED_TAGS)
    root = tree.body or tree.root
    if root is None:
        raise ExtractError("empty_document")
    blocks = blocks_of(root)
    chosen = choose_profile(blocks, url, profile)
    selectors = selectors or {}
    try:
        fields = _by_anchors(blocks, chosen, now) if chosen.date_lines else _by_selectors(tree, chosen, now)
    except ExtractError:
        # A researcher who gave title and body selectors for a site has told us how to read it.
        if not {"title", "body"} <= set(selectors):
            raise
        fields = _Fields(title="", published_at=None, author=None, body=[], views=None, sources={})
    fields = _apply_site_selectors(tree, fields, selectors, now)
    return _finish(fields, blocks, chosen, url)


def choose_profile(blocks: list[Block], url: str | None, forced: str | None) -> Profile:
    """The forced profile, else the first whose article URL shape or date-line anchor matches."""
    if forced is not None:
        if forced not in PROFILES:
            raise ExtractError(f"unknown_profile:{forced}")
        return PROFILES[forced]
    for candidate in PROFILES.values():
        if url and any(p.search(url) for p in candidate.article_urls):
            return candidate
    for candidate in PROFILES.values():
        if candidate.date_lines and _find_date_line(blocks, candidate) is not None:
            return candidate
    return PROFILES["generic"]


# -- text anchors (Quảng Trị Liferay, cms-families.md §1.5) ---------------------------------------------


def _by_anchors(blocks: list[Block], profile: Profile, now: datetime | None) -> _Fields:
    date_at = _find_date_line(blocks, profile)
    if date_at is None:
        raise ExtractError("missing_field:date_line")
    title_at = _previous_content(blocks, date_at)
    if title_at is None:
        raise ExtractError("missing_field:title")
    end_at = _find_end(blocks, date_at, profile)
    body = [b for b in blocks[date_at + 1 : end_at] if not _is_noise(b.text)]
    views = _views_in([blocks[date_at], *body])
    body = [b for b in body if not VIEW_COUNT.fullmatch(b.text)]
    author, body = _split_byline(body)
    return _Fields(
        title=blocks[title_at].text,
        published_at=parse_datetime(blocks[date_at].text, now),
        author=author,
        body=body,
        views=views,
        sources={
            "title": "anchor:before-date-line",
            "published_at": "anchor:date-line",
            "body": "anchor:after-date-line",
        }
        | ({"author": "anchor:last-short-line"} if author else {}),
    )


def _find_date_line(blocks: list[Block], profile: Profile) -> int | None:
    for i, block in enumerate(blocks):
        if len(block.text) < 80 and any(p.fullmatch(block.text) for p in profile.date_lines):
            return i
    return None


def _previous_content(blocks: list[Block], before: int) -> int | None:
    for i in range(before - 1, -1, -1):
        if not _is_noise(blocks[i].text) and len(blocks[i].text) <= MAX_TITLE_CHARS:
            return i
    return None


def _find_end(blocks: list[Block], after: int, profile: Profile) -> int:
    anchors = {a.casefold() for a in profile.end_anchors}
    for i in range(after + 1, len(blocks)):
        if blocks[i].text.rstrip(" :").casefold() in anchors:
            return i
    # No "Các tin khác"/"More": without an end anchor the footer would leak into the body.
    raise ExtractError("missing_field:body_end_anchor")


def _split_byline(body: list[Block]) -> tuple[str | None, list[Block]]:
    if len(body) >= 2 and is_byline(body[-1]):
        return body[-1].text, body[:-1]
    return None, body


def is_byline(block: Block) -> bool:
    """A bare byline: a short run of capitalised words with no final stop ("Bình Nguyên", "HÀ PHƯƠNG", "BBT")."""
    text = block.text
    core = _TRAILING_NOTE.sub("", text)
    words = core.split()
    if block.links or len(text) > MAX_BYLINE_CHARS or not 1 <= len(words) <= 6:
        return False
    if text[-1] in ".:;!?…," or any(ch.isdigit() for ch in core):
        return False
    return all(w[0].isupper() for w in words if w[0].isalpha())


def _is_noise(text: str) -> bool:
    return any(p.fullmatch(text) for p in NOISE_LINES)


# -- selectors and meta tags (generic fallback) ----------------------------------------------------------


def _by_selectors(tree: LexborHTMLParser, profile: Profile, now: datetime | None) -> _Fields:
    sources: dict[str, str] = {}
    title = _first_value(tree, profile.selectors.get("title", ()), sources, "title")
    date_raw = _first_value(tree, profile.selectors.get("published_at", ()), sources, "published_at")
    author = _first_value(tree, profile.selectors.get("author", ()), sources, "author")
    body = _body_blocks(tree, profile.selectors.get("body", ()), sources)
    if title:
        body = [b for b in body if b.text != title]
    views = _views_in(body)
    return _Fields(
        title=title or "",
        published_at=parse_datetime(date_raw, now) if date_raw else None,
        author=author,
        body=[b for b in body if not _is_noise(b.text)],
        views=views,
        sources=sources,
    )


def _first_value(
    tree: LexborHTMLParser, selectors: Iterable[str], sources: dict[str, str], name: str
) -> str | None:
    for selector in selectors:
        node = tree.css_first(selector)
        value = _node_value(node) if node is not None else ""
        if value:
            sources[name] = f"css:{selector}"
            return value
    return None


def _node_value(node: LexborNode) -> str:
    attrs = node.attributes
    raw = attrs.get("content") or attrs.get("datetime") if node.tag in ("meta", "time") else None
    return clean_line(raw or node.text(separator=" "))


def _body_blocks(tree: LexborHTMLParser, selectors: Iterable[str], sources: dict[str, str]) -> list[Block]:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None and (found := blocks_of(node)):
            sources["body"] = f"css:{selector}"
            return found
    container = _densest_container(tree)
    if container is None:
        return []
    sources["body"] = "density:paragraphs"
    return [b for b in blocks_of(container) if b.tag == "p" or len(b.text) > 80]


def _densest_container(tree: LexborHTMLParser) -> LexborNode | None:
    scores: dict[int, tuple[int, LexborNode]] = {}
    for paragraph in tree.css("p"):
        parent = paragraph.parent
        if parent is not None:
            score, _ = scores.get(parent.mem_id, (0, parent))
            scores[parent.mem_id] = (score + len(paragraph.text(strip=True)), parent)
    if not scores:
        return None
    return max(scores.values(), key=lambda pair: pair[0])[1]


def _apply_site_selectors(
    tree: LexborHTMLParser, fields: _Fields, selectors: Mapping[str, str], now: datetime | None
) -> _Fields:
    if not selectors:
        return fields
    values = dict(vars(fields))
    sources = dict(fields.sources)
    for name, selector in selectors.items():
        node = tree.css_first(selector)
        if node is None:
            continue
        sources[name] = f"site-css:{selector}"
        if name == "body":
            values["body"] = blocks_of(node)
        elif name == "published_at":
            values["published_at"] = parse_datetime(_node_value(node), now)
        elif name == "views":
            values["views"] = parse_count(_node_value(node))
        else:
            values[name] = _node_value(node) or values[name]
    values["sources"] = sources
    return _Fields(**values)


# -- fields found the same way on every family ------------------------------------------------------------


def _views_in(blocks: Iterable[Block]) -> int | None:
    for block in blocks:
        if match := VIEW_COUNT.search(block.text):
            return parse_count(match.group(1))
    return None


def find_site_visits(blocks: list[Block]) -> SiteVisits | None:
    """The site-wide visitor counter, label and number in one block or in two neighbouring blocks."""
    found: dict[str, int | None] = {}
    for i, block in enumerate(blocks):
        if len(block.text) > 60 or not _ANY_COUNTER_LABEL.match(block.text):
            continue
        for key in COUNTER_LABELS:
            if key not in found and (value := _counter_value(blocks, i, key)) is not None:
                found[key] = value
    if not found:
        return None
    return SiteVisits(found.get("online"), found.get("today"), found.get("total"))


def _counter_value(blocks: list[Block], i: int, key: str) -> int | None:
    text = blocks[i].text
    if match := _COUNTER_VALUE[key].fullmatch(text):
        return parse_count(match.group(1))
    if (
        _COUNTER_LABEL[key].fullmatch(text)
        and i + 1 < len(blocks)
        and _NUMBER_ONLY.fullmatch(blocks[i + 1].text)
    ):
        return parse_count(blocks[i + 1].text)
    return None


def _attachments(body: list[Block], url: str | None) -> tuple[Attachment, ...]:
    found = []
    for block in body:
        for link in block.links:
            if ATTACHMENT_URL.search(link.href):
                found.append(Attachment(urljoin(url or "", link.href), link.text))
    return tuple(found)


def _finish(fields: _Fields, blocks: list[Block], profile: Profile, url: str | None) -> Article:
    title = clean_line(fields.title)
    if not title or len(title) > MAX_TITLE_CHARS:
        raise ExtractError("missing_field:title")
    body = "\n\n".join(b.text for b in fields.body)
    if not body:
        raise ExtractError("missing_field:body")
    return Article(
        url=url,
        title=title,
        published_at=fields.published_at,
        author=clean_line(fields.author) if fields.author else None,
        body=body,
        site_visits=find_site_visits(blocks),
        views=fields.views,
        profile=profile.name,
        attachments=_attachments(fields.body, url),
        sources=fields.sources,
    )


def site_visits_of(html: str) -> SiteVisits | None:
    """The visitor counter of any page (listing pages show it too)."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(STRIPPED_TAGS)
    root = tree.body or tree.root
    return find_site_visits(blocks_of(root)) if root is not None else None
