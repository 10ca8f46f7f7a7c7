"""Flatten an HTML tree into text blocks in document order: the unit the text-anchor extraction reads.

A block is the run of text whose nearest block-level ancestor is the same element, cut at <br> and <img>.
So `<li>Hôm nay<span>2305</span></li>` is one block "Hôm nay2305" and `<p>a<div>b</div>c</p>` is three.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

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
BREAK_TAGS = frozenset({"br", "img", "hr"})
# Never text: stripped before blocks are built (selectolax's .text() keeps script and style, reliability.md P10).
STRIPPED_TAGS = ["script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "select"]


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


class _Builder:
    """Accumulates text nodes into blocks while the tree is walked in document order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.key: int | None = None
        self.tag = ""
        self.parts: list[str] = []
        self.links: list[Link] = []

    def enter(self, container: LexborNode | None, force: bool = False) -> None:
        key = container.mem_id if container is not None else None
        if force or key != self.key:
            self.flush()
            self.key, self.tag = key, (container.tag or "") if container is not None else ""

    def flush(self) -> None:
        raw = "".join(self.parts)
        # Most runs are the white space between tags: skipped before cleaning.
        if raw and not raw.isspace() and (text := clean_line(raw)):
            self.blocks.append(Block(text, self.tag, tuple(self.links)))
        self.parts, self.links = [], []


def block_container(node: LexborNode) -> LexborNode | None:
    """The nearest block-level ancestor of a node."""
    parent = node.parent
    while parent is not None and parent.tag not in BLOCK_TAGS:
        parent = parent.parent
    return parent


def _container(node: LexborNode, cache: dict[int, LexborNode | None]) -> LexborNode | None:
    parent = node.parent
    if parent is None:
        return None
    key = parent.mem_id
    if key not in cache:  # siblings share their container: walk up once per parent, not per text node
        cache[key] = parent if parent.tag in BLOCK_TAGS else block_container(parent)
    return cache[key]


def blocks_of(root: LexborNode) -> list[Block]:
    """The text blocks under root, in document order."""
    builder = _Builder()
    broken = False
    cache: dict[int, LexborNode | None] = {}
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            builder.enter(_container(node, cache), force=broken)
            builder.parts.append(node.text_content or "")
            broken = False
        elif tag in BREAK_TAGS:
            broken = True
        elif tag == "a" and (href := node.attributes.get("href")):
            builder.enter(_container(node, cache), force=broken)
            builder.links.append(Link(href.strip(), clean_line(node.text())))
            broken = False
    builder.flush()
    return builder.blocks
