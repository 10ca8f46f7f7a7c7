"""Selector queries that skip what cannot match: a part of a selector list naming a class or id that no element of
the page carries is dropped before lexbor walks the tree for it.

Every query walks the whole tree (or subtree), testing each element against each part of the list; most parts of
our lists (family markers, chrome words, metadata selectors) name classes a given page does not have. The page's
class and id values are read once, by the compiled walk (scraper/_blocks.c), lower-cased: lexbor compares them
case-blind in quirks mode, so a lower-cased test only ever keeps more parts, never fewer. Without the compiled
part every part is kept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .compiled import compiled_names

_BRACKETS = re.compile(r"\[[^\]]*\]")
_NAMED = re.compile(r"[.#](-?[A-Za-z_][\w-]*)")
# [class*="share"], [id^=news], [class~="x"]: the value must lie inside some class or id value.
_NAME_VALUE = re.compile(r"""\[\s*(?:class|id)\s*[*^$|~]?=\s*["']?([^"'\]\s]+)["']?\s*\]""")


@dataclass(frozen=True)
class _Part:
    """One selector of a list, and the names it needs on the page."""

    text: str
    names: frozenset[str]  # class or id names it requires, lower-cased
    inside: tuple[str, ...]  # texts that must lie inside a class or id value, lower-cased


@dataclass(frozen=True)
class _Names:
    """A page's class and id values, lower-cased: each value a line, and every name in them."""

    lines: str
    names: frozenset[str]


@functools.cache
def _parts(selector: str) -> tuple[_Part, ...]:
    """The parts of a selector list; a part with a function (":not(.x)") or an escape needs nothing."""
    parts = []
    for text in (part.strip() for part in selector.split(",")):
        if "(" in text or "\\" in text:
            parts.append(_Part(text, frozenset(), ()))
            continue
        names = frozenset(name.lower() for name in _NAMED.findall(_BRACKETS.sub("", text)))
        inside = tuple(value.lower() for value in _NAME_VALUE.findall(text))
        parts.append(_Part(text, names, inside))
    return tuple(parts)


@functools.lru_cache(maxsize=1)
def _page_names(tree: LexborHTMLParser) -> _Names | None:
    """The names of the last page asked about (every query of one page asks in turn), or None without the
    compiled part. Elements are only ever removed after parsing, so the names stay a superset."""
    read = compiled_names()
    if read is None or tree.root is None:
        return None
    lines = read(tree.root)
    return _Names("\n" + lines, frozenset(lines.split()))


def present(selector: str, scope: LexborHTMLParser | LexborNode) -> str:
    """The parts of a selector list that may match in scope's page, joined; "" when none can."""
    tree = scope if isinstance(scope, LexborHTMLParser) else scope.parser
    page = _page_names(tree)
    if page is None:
        return selector
    kept = [
        part.text
        for part in _parts(selector)
        if part.names <= page.names and all(value in page.lines for value in part.inside)
    ]
    return ", ".join(kept)


def css(scope: LexborHTMLParser | LexborNode, selector: str) -> list[LexborNode]:
    """scope.css(selector), without walking the tree for the parts that cannot match."""
    parts = present(selector, scope)
    return scope.css(parts) if parts else []


def css_first(scope: LexborHTMLParser | LexborNode, selector: str) -> LexborNode | None:
    """scope.css_first(selector), without walking the tree when no part can match."""
    parts = present(selector, scope)
    return scope.css_first(parts) if parts else None
