"""Flatten an HTML tree into text blocks in document order: the unit the text-anchor extraction reads.

A block is the run of text whose nearest block-level ancestor is the same element, cut at <br> and <img>.
So `<li>Hôm nay<span>2305</span></li>` is one block "Hôm nay2305" and `<p>a<div>b</div>c</p>` is three.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .compiled import RawLink, RawRun, compiled_blocks, compiled_tag_stats, compiled_utf8
from .errors import ExtractError
from .text import clean_line

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Bounds on the work one page may cost (issue 11): real pages nest blocks < 100 deep and hold < 100,000 nodes.
MAX_NESTING = 5_000
MAX_WALK_NODES = 1_000_000
# Elements that lexbor checks the open-element stack for on every start tag: nesting them is quadratic to parse
# (30,000 nested <div> take 2.5 s in the parser, before any of our code runs).
_NESTING_TAG = re.compile(
    r"<(/?)(?:div|section|article|main|aside|nav|header|footer|blockquote|center|details|dialog|dir|dl"
    r"|fieldset|figcaption|figure|hgroup|menu|ol|ul|pre|listing|address|summary|search)[\s>/]",
    re.I,
)
BREAK_TAGS = frozenset({"br", "img", "hr"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4"})
# Never text: stripped before blocks are built (selectolax's .text() keeps script and style, reliability.md P10).
# MathML too: links nested through it make each link's text the rest of the page (a 240 KB page of nested
# <a> in <math> cost 37 s, a fresh-eyes attack on the block walk), and no news text lives in it.
STRIPPED_TAGS = [
    "script",
    "style",
    "noscript",
    "iframe",
    "object",
    "embed",
    "template",
    "svg",
    "select",
    "math",
]


@dataclass(frozen=True)
class Link:
    """An <a href> inside a block."""

    href: str
    text: str


@dataclass(frozen=True)
class Block:
    """One line of visible text with the tag of its block element and its links."""

    text: str
    tag: str
    links: tuple[Link, ...] = ()


def block_container(node: LexborNode) -> LexborNode | None:
    """The nearest block-level ancestor of a node."""
    parent = node.parent
    while parent is not None and parent.tag not in BLOCK_TAGS:
        parent = parent.parent
    return parent


# A text node's container as (mem_id, tag), keyed by the text node's parent; (0, "") above the root.
_Containers = dict[int, tuple[int, str]]
_NONE = (0, "")


def _container(parent: LexborNode | None, cache: _Containers) -> tuple[int, str]:
    """The nearest block-level element from parent up, remembered for every inline element passed on the way.

    Without the memo, 30,000 nested <span>s cost 30,000 walks of up to 30,000 steps each (issue 11).
    """
    passed: list[int] = []
    found = _NONE
    while parent is not None:
        key = parent.mem_id
        if key in cache:
            found = cache[key]
            break
        tag = parent.tag
        if tag in BLOCK_TAGS:
            found = cache[key] = (key, tag or "")
            break
        passed.append(key)
        parent = parent.parent
    for key in passed:
        cache[key] = found
    return found


MAX_ATTRIBUTES = 1_000
_LONG_TAG = 4096  # characters; a real tag is rarely longer (an inline data: image)


def check_nesting(html: str) -> None:
    """Raise ExtractError("too_complex") when block elements nest deeper than MAX_NESTING, or a tag has more
    than MAX_ATTRIBUTES attributes: lexbor's parse time grows with the square of either (120,000 attributes on
    one <h1>, a 1.2 MB page, held a crawl for minutes), and no real page comes near them."""
    count, crowded = (compiled_tag_stats() or _tag_stats)(html, _LONG_TAG, MAX_ATTRIBUTES)
    if crowded:
        raise ExtractError("too_complex")
    if count <= MAX_NESTING:  # the exact scan below only runs on big pages
        return
    depth = 0
    for match in _NESTING_TAG.finditer(html):
        depth += -1 if match.group(1) else 1
        if depth > MAX_NESTING:
            raise ExtractError("too_complex")


def _tag_stats(html: str, long_tag: int, most: int) -> tuple[int, bool]:
    """The count of "<" in html, and whether a tag is longer than long_tag characters with more than most "="."""
    # One split in C gives every tag's length and the count of "<": 30 % cheaper than a regex (0.28 against
    # 0.41 ms a page on the ScrapingHub benchmark). The compiled scan (scraper/_blocks.c) costs 0.05 ms.
    pieces = html.split("<")
    # The first piece is the text before any "<".
    crowded = max(map(len, pieces)) > long_tag and any(
        _too_many_attributes(p, long_tag, most) for p in pieces[1:]
    )
    return len(pieces) - 1, crowded


def _too_many_attributes(piece: str, long_tag: int, most: int) -> bool:
    """Whether the text after a "<" opens a tag longer than long_tag with more than most "="."""
    if len(piece) <= long_tag or not (piece[0].isascii() and piece[0].isalpha()):
        return False
    end = piece.find(">")
    return end > long_tag and piece.count("=", 0, end) > most


def parse(html: str) -> LexborHTMLParser:
    """The tree of a page (lexbor reads UTF-8: the compiled encoder hands it the bytes, selectolax's own does
    otherwise, both as str.encode("utf-8", "ignore"))."""
    encode = compiled_utf8()
    return LexborHTMLParser(encode(html) if encode is not None else html)


def is_inside(node: LexborNode, outer: LexborNode) -> bool:
    """Whether node lies under outer."""
    parent = node.parent
    while parent is not None:
        if parent.mem_id == outer.mem_id:
            return True
        parent = parent.parent
    return False


def blocks_of(root: LexborNode) -> list[Block]:
    """The text blocks under root, in document order; ExtractError("too_complex") past MAX_WALK_NODES nodes."""
    walk = compiled_blocks(BLOCK_TAGS, (Block, Link), _blocks_in_python) or _blocks_in_python
    found: list[Block] | None = walk(root, MAX_WALK_NODES)
    if found is None:
        raise ExtractError("too_complex")
    return found


def _blocks_in_python(root: LexborNode, max_nodes: int) -> list[Block] | None:
    """blocks_of without the compiled walk; None past max_nodes nodes."""
    runs = _runs_in_python(root, max_nodes)
    if runs is None:
        return None
    found: list[Block] = []
    for raw, tag, raw_links in runs:
        if text := clean_line(raw):
            links = (
                tuple(Link(href.strip(), clean_line(words)) for href, words in raw_links) if raw_links else ()
            )
            found.append(Block(text, tag, links))
    return found


def _runs_in_python(root: LexborNode, max_nodes: int) -> list[RawRun] | None:
    """The runs of text under root, before clean-up (scraper/_blocks.c does the same in C); None past
    max_nodes nodes."""
    found: list[RawRun] = []
    parts: list[str] = []  # the current run's text, from its first piece that is not white space
    links: list[RawLink] = []
    key, block_tag, broken = -1, "", False
    opened: LexborNode | None = None  # the last link opened before any text of its run
    cache: _Containers = {}
    # The container look-up and the end of a run are inlined, a run's lists are renewed only when used, and
    # white space opening a run is not kept (clean_line drops it).
    for steps, node in enumerate(root.traverse(include_text=True)):
        if steps > max_nodes:  # every node counts: 600,000 "x<br>" are 1,200,000 nodes
            return None
        tag = node.tag
        if tag == "-text":
            piece = node.text_content or ""
            if not parts and piece.isspace():
                continue
        elif tag == "a" and (href := node.attributes.get("href")):
            piece = ""
        elif tag in BREAK_TAGS:
            if tag == "br" and block_tag in _HEADING_TAGS:
                # A headline cut by <br> for the layout ("Khánh thành cầu<br>tại thôn Ba Nang") is one line.
                parts.append(" ")
            else:
                broken = True
            continue
        else:
            continue
        parent = node.parent
        known = cache.get(parent_id := parent.mem_id) if parent is not None else _NONE
        if known is not None:
            container = known
        elif parent is not None and (parent_tag := parent.tag) in BLOCK_TAGS:
            # Most text sits right in its block element: no walk up, no call.
            container = cache[parent_id] = (parent_id, parent_tag)
        else:
            container = _container(parent, cache)
        if broken or container[0] != key:
            if parts:
                found.append(("".join(parts), block_tag, links or None))
                parts = []
                links = []
            elif container[0] != key and links and not (opened and is_inside(node, opened)):
                # In the same container, a link opened before a break with no text yet (a card's
                # <a><img><span>headline</span></a>) belongs to the run after the break; in another, only
                # when that container lies inside the link (a card's <a><h5>headline</h5></a>).
                links = []
            key, block_tag = container
            broken = False
        if tag == "a":
            links.append((href or "", node.text()))
            opened = None if parts else node
        elif parts or not piece.isspace():
            parts.append(piece)
    if parts:
        found.append(("".join(parts), block_tag, links or None))
    return found


def lowered_text(blocks: list[Block]) -> str:
    """The blocks' texts lower-cased, a line each, as long as the texts joined: an offset names one block.

    One lower-cased text lets label look-ups scan a page in C (str.find) before any block is read in Python.
    """
    joined = "\n".join(block.text for block in blocks)
    lowered = joined.lower()
    if len(lowered) != len(joined):  # "İ" lower-cases to two characters: offsets would drift
        lowered = "\n".join(_lower_in_place(block.text) for block in blocks)
    return lowered


def _lower_in_place(text: str) -> str:
    """text lower-cased, or as it is when lower-casing would change its length."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text
