"""Parse stage: HTML text -> Article, one small function per field, each an ordered fallback chain.

Chains: the site's own selector (config.toml) -> the profile (text anchors for the Quảng Trị Liferay family,
selectors and meta tags for the rest) -> generic tags. A page with no title or body raises ExtractError:
never an empty or partial article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import STRIPPED_TAGS, Block, blocks_of, check_nesting
from .boilerplate import main_body
from .counters import find_site_visits, views_in
from .dates import parse_datetime
from .errors import ExtractError
from .models import Article, Attachment
from .profiles import (
    ATTACHMENT_URL,
    AUTHOR_LINE,
    DATE_LINE,
    NOISE_LINES,
    PROFILES,
    SOURCE_LINE,
    VIEW_COUNT,
    Profile,
)
from .text import clean_line, parse_count, text_flags

MAX_TITLE_CHARS = 400
MAX_BYLINE_CHARS = 60
_TRAILING_NOTE = re.compile(r"\s*\([^()]{1,40}\)$")


@dataclass(frozen=True)
class _Fields:
    title: str
    published_at: str | None
    author: str | None
    body: list[Block]
    views: int | None
    sources: dict[str, str]
    category: str | None = None


def extract_article(
    html: str,
    url: str | None = None,
    profile: str | None = None,
    selectors: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Article:
    """Extract an Article from decoded HTML; raises ExtractError when the page holds none."""
    check_nesting(html)
    tree = LexborHTMLParser(html)
    linked_data = _json_ld(tree)  # before scripts are stripped: JSON-LD lives in <script>
    tree.strip_tags(STRIPPED_TAGS)
    root = tree.body or tree.root
    if root is None:
        raise ExtractError("empty_document")
    blocks = blocks_of(root)
    chosen = choose_profile(tree, blocks, url, profile)
    selectors = selectors or {}
    try:
        if chosen.date_lines:
            fields = _by_anchors(blocks, chosen, now)
        else:
            fields = _by_selectors(tree, chosen, linked_data, now)
    except ExtractError:
        # A researcher who gave title and body selectors for a site has told us how to read it.
        if not {"title", "body"} <= set(selectors):
            raise
        fields = _Fields(title="", published_at=None, author=None, body=[], views=None, sources={})
    fields = _apply_site_selectors(tree, fields, selectors, now)
    article = _finish(fields, blocks, chosen, url)
    flags = text_flags(article.title + "\n" + article.body, html[:20000])
    return replace(article, flags=flags) if flags else article


def choose_profile(
    tree: LexborHTMLParser, blocks: list[Block], url: str | None, forced: str | None
) -> Profile:
    """The forced profile, else the first recognised by URL shape, generator, marker element or date line."""
    if forced is not None:
        if forced not in PROFILES:
            raise ExtractError(f"unknown_profile:{forced}")
        return PROFILES[forced]
    generator_node = tree.css_first('meta[name="generator"]')
    generator = (generator_node.attributes.get("content") or "") if generator_node else ""
    tests: tuple[Callable[[Profile], bool], ...] = (
        lambda p: bool(url) and any(rx.search(url or "") for rx in p.article_urls),
        lambda p: bool(generator) and any(rx.search(generator) for rx in p.generators),
        lambda p: any(tree.css_first(marker) is not None for marker in p.markers),
        lambda p: bool(p.date_lines) and _find_date_line(blocks, p) is not None,
    )
    for test in tests:
        for candidate in PROFILES.values():
            if test(candidate):
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
    views = views_in([blocks[date_at], *body])
    body = [b for b in body if not VIEW_COUNT.fullmatch(b.text)]
    author, body = _split_byline(body)
    return _Fields(
        title=blocks[title_at].text,
        category=_category_line(blocks, title_at),
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


def _category_line(blocks: list[Block], title_at: int) -> str | None:
    """The upper-case category line just above the headline ("VĂN HÓA - XÃ HỘI", cms-families.md §1.3)."""
    if title_at == 0:
        return None
    text = blocks[title_at - 1].text
    if (
        len(text) <= 60
        and text.isupper()
        and text.casefold() != "trang nhất"
        and not blocks[title_at - 1].links
    ):
        return text
    return None


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
    """A bare byline: a short line of capitalised words, no final stop ("Bình Nguyên", "HÀ PHƯƠNG", "BBT")."""
    text = block.text
    core = _TRAILING_NOTE.sub("", text)
    words = core.split()
    if block.links or len(text) > MAX_BYLINE_CHARS or not 1 <= len(words) <= 6:
        return False
    if text[-1] in ".:;!?…," or any(ch.isdigit() for ch in core):
        return False
    if all(w[0].isupper() for w in words if w[0].isalpha()):
        return True
    # Organisations sign as "Trung tâm DVNN huyện", "Phòng VHTT thị xã": capitalised, with an acronym.
    return words[0][0].isupper() and any(len(w) >= 2 and w.isupper() for w in words[1:])


def _is_noise(text: str) -> bool:
    return any(p.fullmatch(text) for p in NOISE_LINES)


# -- selectors, linked data and labelled lines (every other family, and unknown layouts) ------------------


def _by_selectors(
    tree: LexborHTMLParser, profile: Profile, linked: dict[str, Any], now: datetime | None
) -> _Fields:
    for selector in profile.drop:
        for node in tree.css(selector):
            node.decompose()
    generic = PROFILES["generic"].selectors
    own = {} if profile.name == "generic" else profile.selectors  # then JSON-LD, then generic tags
    sources: dict[str, str] = {}

    def first(name: str, linked_key: str) -> str | None:
        """The family's selectors, then JSON-LD, then the generic meta and tags, for one field."""
        return (
            _first_value(tree, own.get(name, ()), sources, name)
            or _linked(linked, linked_key, sources, name)
            or _first_value(tree, generic[name], sources, name)
        )

    title = first("title", "headline")
    date_raw = first("published_at", "datePublished")
    body_node, body = _body_blocks(tree, own.get("body", ()), sources)
    if date_raw is None:
        date_raw = _labelled_date(blocks_of(tree.body) if tree.body else [], sources)
    author = first("author", "author")
    author, body = _byline_from_body(author, body, sources)
    if title:
        body = [b for b in body if b.text != title]
    views = _views(tree, profile, body_node, sources)
    return _Fields(
        title=title or "",
        published_at=parse_datetime(date_raw, now) if date_raw else None,
        author=_strip_label(author) if author else None,
        body=[b for b in body if not _is_noise(b.text)],
        views=views,
        sources=sources,
        category=_first_value(tree, profile.selectors.get("category", ()), sources, "category"),
    )


def _json_ld(tree: LexborHTMLParser) -> dict[str, Any]:
    """The first Article-like object in the page's JSON-LD, or {}."""
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text() or "null")
        except (ValueError, RecursionError):  # the C decoder recurses: 100,000 nested "[" (issue 11)
            continue
        for item in _ld_items(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(k in ("NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle") for k in kinds):
                return item
    return {}


_LD_DEPTH = 8  # lists and @graph nest two or three deep on real pages


def _ld_items(data: Any) -> list[dict[str, Any]]:
    """The objects in JSON-LD, through lists and @graph, in document order, no deeper than _LD_DEPTH."""
    found: list[dict[str, Any]] = []
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > _LD_DEPTH:
            continue
        if isinstance(value, dict):
            found.append(value)
            value = value.get("@graph", [])
        if isinstance(value, list):
            stack.extend((entry, depth + 1) for entry in reversed(value))
    return found


def _linked(linked: dict[str, Any], key: str, sources: dict[str, str], name: str) -> str | None:
    value = linked.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and clean_line(value):
        sources[name] = f"json-ld:{key}"
        return clean_line(value)
    return None


def _first_value(
    tree: LexborHTMLParser, selectors: Iterable[str], sources: dict[str, str], name: str
) -> str | None:
    for selector in selectors:
        node = tree.css_first(selector)
        value = (_title_value(node) if name == "title" else _node_value(node)) if node is not None else ""
        if value:
            sources[name] = f"css:{selector}"
            return value
    return None


def _title_value(node: LexborNode) -> str:
    """A headline is one line: malformed HTML can leave the body inside an unclosed <h1> (reliability.md C2)."""
    if node.tag in ("meta", "title"):
        return _node_value(node)
    lines = blocks_of(node)
    return lines[0].text if lines else ""


def _node_value(node: LexborNode) -> str:
    attrs = node.attributes
    raw = attrs.get("content") or attrs.get("datetime") if node.tag in ("meta", "time") else None
    return clean_line(raw or node.text(separator=" "))


def _body_blocks(
    tree: LexborHTMLParser, selectors: Iterable[str], sources: dict[str, str]
) -> tuple[LexborNode | None, list[Block]]:
    for selector in selectors:
        nodes = _outermost(tree.css(selector))
        found = [block for node in nodes for block in blocks_of(node)]
        if found:
            sources["body"] = f"css:{selector}"
            return nodes[0], found
    core = main_body(tree, hints=PROFILES["generic"].selectors["body"])
    if core is None:
        return None, []
    sources["body"] = core.source
    return core.node, core.blocks


def _outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """Matches of a group selector in document order, without those inside an earlier match."""
    kept: list[LexborNode] = []
    inside: dict[int, bool] = {}  # per node passed on the way up: within the last kept match?
    for node in nodes:
        if not kept or not _within(node, kept[-1], inside):
            kept.append(node)
            inside = {node.mem_id: True}
    return kept


def _within(node: LexborNode, outer: LexborNode, inside: dict[int, bool]) -> bool:
    """Whether node lies under outer; matches come in document order, so only the last kept one can hold it.

    The memo keeps 30,000 nested <article>s linear (issue 11).
    """
    passed: list[int] = []
    parent = node.parent
    found = False
    while parent is not None:
        key = parent.mem_id
        if key in inside:
            found = inside[key]
            break
        passed.append(key)
        parent = parent.parent
    for key in passed:
        inside[key] = found
    return found


def _labelled_date(blocks: list[Block], sources: dict[str, str]) -> str | None:
    for block in blocks:
        if len(block.text) <= 100 and DATE_LINE.fullmatch(block.text):
            sources["published_at"] = "label:date-line"
            return block.text
    return None


def _byline_from_body(
    author: str | None, body: list[Block], sources: dict[str, str]
) -> tuple[str | None, list[Block]]:
    """Labelled author and source lines at the end of the body leave it; the author line gives the author."""
    while body and (AUTHOR_LINE.fullmatch(body[-1].text) or SOURCE_LINE.fullmatch(body[-1].text)):
        match = AUTHOR_LINE.fullmatch(body[-1].text)
        if match and author is None:
            author, sources["author"] = match.group(1), "label:author-line"
        body = body[:-1]
    if author is None:
        bare, body = _split_byline(body)
        if bare:
            author, sources["author"] = bare, "anchor:last-short-line"
    return author, body


def _strip_label(value: str) -> str:
    match = AUTHOR_LINE.fullmatch(value)
    return clean_line(match.group(1) if match else value)


def _views(
    tree: LexborHTMLParser, profile: Profile, body_node: LexborNode | None, sources: dict[str, str]
) -> int | None:
    for selector in profile.selectors.get("views", ()):
        node = tree.css_first(selector)
        if node is not None and (match := VIEW_COUNT.search(_node_value(node))):
            sources["views"] = f"css:{selector}"
            return parse_count(match.group(1))
    # Otherwise only near the article (its container's parents), never in a related-news list elsewhere.
    scope = body_node.parent.parent if body_node is not None and body_node.parent is not None else None
    # The whole text first (one C call): most pages show no count, and walking the scope costs ~1 ms.
    if scope is not None and scope.parent is not None and VIEW_COUNT.search(clean_line(scope.text())):
        return views_in(blocks_of(scope))
    return None


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
        category=clean_line(fields.category) if fields.category else None,
    )
