"""Counters a page shows: the site-wide visitor counter and the article's own view count.

A count too large to be one (text.MAX_COUNT) is absent, and `sources` says why: "rejected:implausible_count".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import STRIPPED_TAGS, Block, blocks_of
from .models import SiteVisits
from .profiles import COUNTER_LABELS, COUNTER_UNITS, VIEW_COUNT
from .text import implausible_count, parse_count

IMPLAUSIBLE = "rejected:implausible_count"
_UNIT = rf"(?:\s*(?:{'|'.join(map(re.escape, COUNTER_UNITS))}))?"
_COUNTER_VALUE = {
    key: re.compile(rf"(?:{'|'.join(map(re.escape, labels))})\s*:?\s*(\d[\d.,\s]*?){_UNIT}", re.I)
    for key, labels in COUNTER_LABELS.items()
}
_COUNTER_LABEL = {
    key: re.compile(rf"(?:{'|'.join(map(re.escape, labels))})\s*:?", re.I)
    for key, labels in COUNTER_LABELS.items()
}
_NUMBER_ONLY = re.compile(rf"(\d[\d.,\s]*?){_UNIT}", re.I)
_ANY_COUNTER_LABEL = re.compile(
    "|".join(re.escape(label) for labels in COUNTER_LABELS.values() for label in labels), re.I
)
# Icons and bullets before a label ("» Tổng truy cập", "- Hôm nay"); punctuation alone between label and number.
_LEADING_MARKS = re.compile(r"^[^\w]+")
_PUNCTUATION_ONLY = re.compile(r"[^\w]+")
_COUNTER_SEPARATOR = re.compile(r"\s+\|\s+")
_DIGIT = re.compile(r"\d")
_LOOKAHEAD = 3  # label, then at most two punctuation-only elements (":"), then the number


def views_in(blocks: Iterable[Block], sources: dict[str, str] | None = None) -> int | None:
    """The first view count ("Lượt xem: 26", "View count: 1108") among blocks."""
    for block in blocks:
        if match := VIEW_COUNT.search(block.text):
            return checked_count(match.group(1), "views", sources)
    return None


def checked_count(text: str, name: str, sources: dict[str, str] | None) -> int | None:
    """parse_count, noting in sources when a number was refused as implausible."""
    value = parse_count(text)
    if value is None and sources is not None and implausible_count(text):
        sources[name] = IMPLAUSIBLE
    return value


def find_site_visits(blocks: list[Block], sources: dict[str, str] | None = None) -> SiteVisits | None:
    """The site-wide visitor counter, label and number in one element or in neighbouring ones."""
    found: dict[str, int | None] = {}
    for i, block in enumerate(blocks):
        # One line may hold all three: "Đang truy cập: 7 | Hôm nay: 1.320 | Tổng: 2.450.112".
        for text in _COUNTER_SEPARATOR.split(block.text) if "|" in block.text else [block.text]:
            if text and not text[0].isalnum():
                text = _LEADING_MARKS.sub("", text)
            if len(text) > 60 or not _ANY_COUNTER_LABEL.match(text):
                continue
            for key in COUNTER_LABELS:
                if key not in found and (raw := _counter_text(blocks, i, text, key)) is not None:
                    found[key] = checked_count(raw, f"site_visits.{key}", sources)
    if not any(value is not None for value in found.values()):
        return None
    return SiteVisits(found.get("online"), found.get("today"), found.get("total"))


def _counter_text(blocks: list[Block], i: int, text: str, key: str) -> str | None:
    """The number's text for one label: in the label's own element, or in one of the next few."""
    if match := _COUNTER_VALUE[key].fullmatch(text):
        return match.group(1)
    if not _COUNTER_LABEL[key].fullmatch(text):
        return None
    for following in blocks[i + 1 : i + 1 + _LOOKAHEAD]:
        if match := _NUMBER_ONLY.fullmatch(following.text):
            return match.group(1)
        if not _PUNCTUATION_ONLY.fullmatch(following.text):
            return None
    return None


def site_visits_of(html: str) -> SiteVisits | None:
    """The visitor counter of any page (listing pages show it too)."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(STRIPPED_TAGS)
    root = tree.body or tree.root
    if root is None:
        return None
    blocks = blocks_of(root)
    return counter_columns(root, blocks) or find_site_visits(blocks)


def counter_columns(root: LexborNode, blocks: list[Block]) -> SiteVisits | None:
    """Labels in one row of elements and their numbers, in the same order, in the next row
    (`<span>Hôm nay</span>…<div><b>2.004</b>…</div>`): the blocks run them together, so the elements are read."""
    if not any(_ANY_COUNTER_LABEL.match(b.text) and _DIGIT.search(b.text) is None for b in blocks):
        return None  # most pages: no label stands alone, and the tree is not walked
    for row in root.css("div, tr, ul, p"):
        numbers = _element_texts(row)
        if len(numbers) < 2 or not all(_NUMBER_ONLY.fullmatch(text) for text in numbers):
            continue
        found = _paired(_labels_before(row), numbers)
        if found:
            return SiteVisits(found.get("online"), found.get("today"), found.get("total"))
    return None


def _element_texts(node: LexborNode) -> list[str]:
    return [child.text(separator=" ").strip() for child in node.iter(include_text=False)]


def _labels_before(row: LexborNode) -> list[str]:
    """The texts of the elements before row: its siblings, or the cells of the one row before it."""
    texts: list[str] = []
    sibling = row.prev
    while sibling is not None:
        if sibling.tag != "-text":
            texts.insert(0, sibling.text(separator=" ").strip())
        sibling = sibling.prev
    if len(texts) == 1 and row.prev is not None:
        previous = row.prev if row.prev.tag != "-text" else row.prev.prev
        texts = _element_texts(previous) if previous is not None else texts
    return texts


def _paired(labels: list[str], numbers: list[str]) -> dict[str, int | None]:
    labels = labels[-len(numbers) :]
    found: dict[str, int | None] = {}
    if len(labels) != len(numbers):
        return found
    for label, raw in zip(labels, numbers, strict=True):
        key = next(
            (k for k, rx in _COUNTER_LABEL.items() if rx.fullmatch(_LEADING_MARKS.sub("", label))), None
        )
        if key is None:
            return {}
        number = _NUMBER_ONLY.fullmatch(raw)
        found[key] = parse_count(number.group(1)) if number else None
    return found
