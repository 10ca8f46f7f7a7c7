"""Counters a page shows: the site-wide visitor counter and the article's own view count."""

from __future__ import annotations

import re
from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser

from .blocks import STRIPPED_TAGS, Block, blocks_of
from .models import SiteVisits
from .profiles import COUNTER_LABELS, VIEW_COUNT
from .text import parse_count

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


def views_in(blocks: Iterable[Block]) -> int | None:
    """The first view count ("Lượt xem: 26", "View count: 1108") among blocks."""
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


def site_visits_of(html: str) -> SiteVisits | None:
    """The visitor counter of any page (listing pages show it too)."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(STRIPPED_TAGS)
    root = tree.body or tree.root
    return find_site_visits(blocks_of(root)) if root is not None else None
