"""Selector queries that skip what cannot match: a part of a selector list naming a class or id that no element of
the page carries is dropped before lexbor walks the tree for it.

Every query walks the whole tree (or subtree), testing each element against each part of the list; most parts of
our lists (family markers, chrome words, metadata selectors) name classes a given page does not have. The page's
class and id values are read once, by the compiled walk (scraper/_blocks.c), lower-cased: lexbor compares them
case-blind in quirks mode, so a lower-cased test only ever keeps more parts, never fewer. Without the compiled
part every part is kept.

The parts kept are then matched by the compiled part when they are simple (tags, attribute presence, equality
and substrings, one descendant step: compiled.compiled_select), else by lexbor. Either way each element is listed
once: lexbor lists an element once for each part it matches.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .compiled import compiled_names, compiled_select, once

_BRACKETS = re.compile(r"\[[^\]]*\]")
# In an ASCII selector a name is these characters (an escape is never read: such a list is not split).
_NAMED = re.compile(r"[.#](-?[A-Za-z_][A-Za-z0-9_-]*)")
# [class*="share"], [id^=news], [class~="x"]: the value (never white space) must lie inside a class or id name.
_NAME_VALUE = re.compile(r"""\[\s*(?:class|id)\s*[*^$|~]?=\s*["']?([^"'\]\s]+)["']?\s*\]""")


@dataclass(frozen=True)
class _Part:
    """One selector of a list, and the names it needs on the page."""

    text: str
    names: frozenset[str]  # class or id names it requires, lower-cased
    inside: tuple[str, ...]  # texts that must lie inside a class or id value, lower-cased


@dataclass(frozen=True)
class _Names:
    """A page's class and id names, lower-cased, and what was already decided about them on this page."""

    names: frozenset[str]
    joined: str  # the distinct names, a line each: a text with no white space inside a class value lies inside one name
    inside: dict[str, bool] = field(default_factory=dict)  # text -> whether it lies inside a name
    kept: dict[str, str] = field(default_factory=dict)  # selector -> its parts that may match

    def holds(self, text: str) -> bool:
        """Whether text lies inside one of the names."""
        found = self.inside.get(text)
        if found is None:
            found = self.inside[text] = text in self.joined
        return found


def _comma_in_quotes(selector: str) -> bool:
    """Whether a comma of the selector lies inside a quoted attribute value."""
    quote = ""
    for sign in selector:
        if quote and sign == ",":
            return True
        if sign in "\"'":
            quote = "" if sign == quote else quote or sign
    return False


@functools.cache
def _parts(selector: str) -> tuple[_Part, ...]:
    """The parts of a selector list. A list that a split at its commas might cut wrong (a function such as
    ":is(.a, .b)", a comma in quotes, an escape) or that names a class in other than ASCII (lexbor folds only
    ASCII case, as the page's names are folded) is one part that needs nothing."""
    if not selector.isascii() or any(sign in selector for sign in "()\\") or _comma_in_quotes(selector):
        return (_Part(selector, frozenset(), ()),)
    parts = []
    for text in (part.strip() for part in selector.split(",")):
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
    joined = read(tree.root)
    return _Names(frozenset(joined.split("\n")), joined)


@functools.cache
def _names_nothing(selector: str) -> bool:
    """Whether no part of the list needs a class or id name: it is kept whole without reading the page's names."""
    return not any(part.names or part.inside for part in _parts(selector))


def present(selector: str, scope: LexborHTMLParser | LexborNode) -> str:
    """The parts of a selector list that may match in scope's page, joined; "" when none can."""
    if _names_nothing(selector):
        return selector
    tree = scope if isinstance(scope, LexborHTMLParser) else scope.parser
    page = _page_names(tree)
    if page is None:
        return selector
    kept = page.kept.get(selector)
    if kept is None:
        parts = _parts(selector)
        kept = page.kept[selector] = ", ".join(
            part.text for part in parts if part.names <= page.names and all(map(page.holds, part.inside))
        )
    return kept


def css(scope: LexborHTMLParser | LexborNode, selector: str) -> list[LexborNode]:
    """The elements under scope (itself included) that match selector, each once, in document order: scope.css
    without walking the tree for the parts that cannot match, matched by the compiled part when it takes the list."""
    parts = present(selector, scope)
    if not parts:
        return []
    select = compiled_select()
    found = select(scope, parts, False) if select is not None else None
    # lexbor lists an element once for each part it matches (drop_chrome decomposed such an element twice).
    return found if found is not None else once(scope.css(parts))


def css_first(scope: LexborHTMLParser | LexborNode, selector: str) -> LexborNode | None:
    """The first element css() finds, without walking the tree when no part can match."""
    parts = present(selector, scope)
    if not parts:
        return None
    select = compiled_select()
    found = select(scope, parts, True) if select is not None else None
    if found is None:
        return scope.css_first(parts)
    return found[0] if found else None
