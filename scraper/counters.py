"""Counters a page shows: the site-wide visitor counter and the article's own view count.

A count too large to be one (text.MAX_COUNT) is absent, and `sources` says why: "rejected:implausible_count".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import STRIPPED_TAGS, Block, blocks_of, lowered_text
from .models import SiteVisits
from .prefilter import css, css_first
from .profiles import (
    COUNTER_LABELS,
    COUNTER_LABELS_AFTER,
    COUNTER_OTHER_SUBJECTS,
    COUNTER_UNITS,
    DATE_LINE_COUNT,
    DATE_LINE_COUNT_PIECES,
    VIEW_COUNT,
    VIEW_LABEL_PIECES,
    may_hold_view_count,
    search_view_count,
)
from .text import clean_line, implausible_count, parse_count

IMPLAUSIBLE = "rejected:implausible_count"
UNPAIRED = "rejected:unpaired-labels"
KEYS = ("online", "today", "total")
# A visitor counter's line: a short label, then its number ("Tổng lượt truy cập: 3.333", "Hôm nay45"), whose
# thousands may be parted by spaces ("1 204 330": a no-break space, collapsed). The label is possessive: a
# paragraph ending in "." was tried at each of 40 shorter labels, half the cost of scoring a paragraph.
COUNTER_LINE = re.compile(r"[^\W\d_][^\d:]{0,40}+:?\s*\d[\d.,]*(?:\s\d{3}(?!\d))*")


def is_counter_line(text: str) -> bool:
    """Whether text is one counter line, "label: number" (COUNTER_LINE)."""
    # Such a line ends in its number: most paragraphs are turned away on their last two characters, before the
    # pattern reads 40 characters of them (a sentence: 0.68 µs asked so, 0.22 µs now; 21 of the 37 lines a page
    # asked on ScrapingHub are sentences ending in ".", let through when only the last character was read).
    return _ends_a_number(text) and COUNTER_LINE.fullmatch(text) is not None


def _ends_a_number(text: str) -> bool:
    """Whether text ends as COUNTER_LINE's number does: a digit, or "." or "," after a digit, "." or ","."""
    # \d and str.isdecimal are the same Unicode digits.
    if text[-1:].isdecimal():
        return True
    return text[-1:] in {".", ","} and (text[-2:-1].isdecimal() or text[-2:-1] in {".", ","})


_UNIT = rf"(?:\s*(?:{'|'.join(map(re.escape, COUNTER_UNITS))}))?"
_COUNTER_VALUE = {
    key: re.compile(rf"(?:{'|'.join(map(re.escape, labels))})\s*:?\s*(\d[\d.,\s]*?){_UNIT}", re.I)
    for key, labels in COUNTER_LABELS.items()
}
_COUNTER_LABEL = {
    key: re.compile(rf"(?:{'|'.join(map(re.escape, labels))})\s*:?", re.I)
    for key, labels in COUNTER_LABELS.items()
}
_VALUE_BEFORE_LABEL = {
    key: re.compile(
        rf"(?:(?:Hiện\s+)?có\s+|We\s+have\s+)?(\d[\d.,]*)\s+(?:{'|'.join(map(re.escape, labels))})", re.I
    )
    for key, labels in COUNTER_LABELS_AFTER.items()
}
_NUMBER_ONLY = re.compile(rf"(\d[\d.,\s]*?){_UNIT}", re.I)
_LABEL_WORDS = tuple(
    {
        label.lower()
        for table in (COUNTER_LABELS, COUNTER_LABELS_AFTER)
        for labels in table.values()
        for label in labels
    }
)
# The words above that hold none of the others: a text holding none of these holds no label.
_LABEL_PIECES = tuple(
    word for word in _LABEL_WORDS if not any(other != word and other in word for other in _LABEL_WORDS)
)
# Five of the pieces hold "truy c": they are looked for only in a text that holds it (one scan for five on
# most pages of other sites; each scan of a page's text cost 4 us).
_SHARED_PIECE = "truy c"
_PIECES_SHARING = tuple(word for word in _LABEL_PIECES if _SHARED_PIECE in word)
_PIECES_APART = tuple(word for word in _LABEL_PIECES if _SHARED_PIECE not in word)
_ANY_COUNTER_LABEL = re.compile(
    "|".join(re.escape(label) for labels in COUNTER_LABELS.values() for label in labels), re.I
)
# Icons and bullets before a label ("» Tổng truy cập", "- Hôm nay"); punctuation alone between label and number.
_LEADING_MARKS = re.compile(r"^[^\w]+")
_PUNCTUATION_ONLY = re.compile(r"[^\w]+")
_COUNTER_SEPARATOR = re.compile(r"\s+\|\s+")
# Where a label starts right after a number, on a counter shown as one line of inline spans ("Đang truy cập: 27
# Tổng: 4.798.809", Tân Dân; "Hôm nay: 1 024 - Tổng: 2.450.112"): a space or a dash between, or nothing.
_NEXT_LABEL = re.compile(rf"(?<=\d)(?:\s*[-–—·•;]\s*|\s*)(?=(?:{_ANY_COUNTER_LABEL.pattern}))", re.I)
_DIGIT = re.compile(r"\d")
_ONE_DIGIT = re.compile(r"\d")  # an odometer's digit image says its digit in alt="7"
_LOOKAHEAD = 3  # label, then at most two punctuation-only elements (":"), then the number
_CAPTION_TAGS = frozenset({"th", "caption", "h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_REACH = 12  # rows of a counter box between a label and the box's heading
_MAX_ROW_CHARS = 200  # a counter's row is shorter, even "Đang truy cập: 7 | Hôm nay: 1.320 | Tổng: 2.450"


VIEWS_LABEL = "label:view-count"
VIEWS_ICON = "label:view-icon"
VIEWS_DATE_LINE = "anchor:date-line-count"


def views_in(blocks: Iterable[Block], sources: dict[str, str] | None = None) -> int | None:
    """The first view count ("Lượt xem: 26", "View count: 1108") among blocks, a most-read list's items aside."""
    blocks = list(blocks)
    # One look at the joined text first: most runs of blocks hold no view count (search_view_count's why).
    if not may_hold_view_count("\n".join(block.text for block in blocks)):
        return None
    for block in blocks:
        if not _listed(block) and (match := VIEW_COUNT.search(block.text)):
            return _views_found(match.group(1), VIEWS_LABEL, sources)
    return None


def views_near(scope: LexborNode, sources: dict[str, str]) -> int | None:
    """The view count in the text around the article."""
    # The subtree's text in C, searched once: a third walk of its blocks in Python cost 8 % of extraction.
    text = scope.text(separator=" ")
    if search_view_count(text) is None:
        return None
    # A most-read box ("Tin xem nhiều") lists other articles, each link with its count: none is this one's.
    for item in css(scope, "li"):
        if css_first(item, "a[href]") is not None and search_view_count(listed := item.text(separator=" ")):
            text = text.replace(listed, " ")
    match = search_view_count(text)
    return _views_found(match.group(1), VIEWS_LABEL, sources) if match else None


def views_by_icon(scope: LexborNode, sources: dict[str, str]) -> int | None:
    """The count after an eye icon whose alt text is the label (`<img alt="Lượt xem"> 215`), when only one is shown."""
    found: set[str] = set()
    for image in css(scope, "img[alt]"):
        label, shown = image.attributes.get("alt") or "", image.next
        if shown is None or not any(piece in label.lower() for piece in VIEW_LABEL_PIECES):
            continue
        if (match := VIEW_COUNT.match(f"{label}: {shown.text().strip()}")) is not None:
            found.add(match.group(1))
    # Several: a most-read list with an icon on each entry, whose counts are other articles'.
    return _views_found(found.pop(), VIEWS_ICON, sources) if len(found) == 1 else None


def views_on_date_line(line: str | None, sources: dict[str, str]) -> int | None:
    """The count on the article's date line ("17/09/2024 07:45 | Lượt truy cập: 345", "… 1,024 lượt xem")."""
    if not line or not any(piece in line.lower() for piece in DATE_LINE_COUNT_PIECES):
        return None
    match = DATE_LINE_COUNT.search(line)
    return _views_found(match.group(1) or match.group(2), VIEWS_DATE_LINE, sources) if match else None


def _views_found(text: str, how: str, sources: dict[str, str] | None) -> int | None:
    value = checked_count(text, "views", sources)
    if value is not None and sources is not None:
        sources["views"] = how
    return value


def _listed(block: Block) -> bool:
    """A list item linking elsewhere: a most-read box's entry, whose count is another article's."""
    return block.tag == "li" and bool(block.links)


def checked_count(text: str, name: str, sources: dict[str, str] | None) -> int | None:
    """parse_count, noting in sources when a number was refused as implausible."""
    value = parse_count(text)
    if value is None and sources is not None and implausible_count(text):
        sources[name] = IMPLAUSIBLE
    return value


def find_site_visits(
    blocks: list[Block], sources: dict[str, str] | None = None, labelled: list[int] | None = None
) -> SiteVisits | None:
    """The site-wide visitor counter, label and number in one element or in neighbouring ones (labelled: the
    blocks' `labelled_blocks`, when the caller has them)."""
    if labelled is None:
        labelled = labelled_blocks(blocks, lowered_text(blocks))
    if not labelled:
        return None
    if others := _other_boxes(blocks, labelled):
        labelled = [i for i in labelled if i not in others]
    columns, unclear = _label_runs(blocks, labelled)
    found = {key: checked_count(raw, f"site_visits.{key}", sources) for key, raw in columns.items()}
    for i in labelled:
        if i in unclear:
            continue
        block = blocks[i]
        # One line may hold all three: "Đang truy cập: 7 | Hôm nay: 1.320 | Tổng: 2.450.112"; a line holding
        # something else too ("14/01/2025 08:30 | Lượt truy cập: 345") is the article's, its count its views.
        texts = _COUNTER_SEPARATOR.split(block.text) if "|" in block.text else _counter_pieces(block.text)
        if len(texts) > 1 and not all(COUNTER_LINE.fullmatch(_LEADING_MARKS.sub("", t)) for t in texts):
            continue
        for text in texts:
            if text and not text[0].isalnum():
                text = _LEADING_MARKS.sub("", text)
            if len(text) > 60:
                continue
            if not _ANY_COUNTER_LABEL.match(text):
                found.update(_value_before_label(text, found, sources))
                continue
            for key in COUNTER_LABELS:
                if key not in found and (raw := _counter_text(blocks, i, text, key)) is not None:
                    found[key] = checked_count(raw, f"site_visits.{key}", sources)
    if sources is not None:
        _note_unpaired(blocks, unclear, found, sources)
    if not any(value is not None for value in found.values()):
        return None
    return SiteVisits(found.get("online"), found.get("today"), found.get("total"))


def _counter_pieces(text: str) -> list[str]:
    """A line of several counter lines without bars, cut before each label that follows a number; the line
    whole when a piece is no counter line ("Hôm nay 5 người Tổng cộng" is a sentence)."""
    # The last piece ends the line, in a number: a paragraph ending in a letter's "." is not cut (the split tries
    # the labels after every digit: 8 us a paragraph, 4 % of extraction on our fixtures).
    if not _ends_a_number(text):
        return [text]
    pieces = [piece for piece in _NEXT_LABEL.split(text) if piece]
    if len(pieces) > 1 and all(COUNTER_LINE.fullmatch(_LEADING_MARKS.sub("", piece)) for piece in pieces):
        return pieces
    return [text]


def _note_unpaired(
    blocks: list[Block], unclear: set[int], found: dict[str, int | None], sources: dict[str, str]
) -> None:
    """Say in sources which counts are null because their labels' numbers could not be paired with them."""
    for i in sorted(unclear):
        key = _bare_label(blocks[i].text)
        if key is not None and found.get(key) is None:
            sources.setdefault(f"site_visits.{key}", UNPAIRED)


def _other_boxes(blocks: list[Block], labelled: list[int]) -> set[int]:
    """The labelled blocks in a box headed by another subject than visits ("Thống kê văn bản")."""
    judged: dict[int, bool] = {}
    for i in labelled:
        # A long block is text, which gives no count; a box's later rows share its first row's heading.
        judged[i] = len(blocks[i].text) <= _MAX_ROW_CHARS and _headed_by_other(blocks, i, judged)
    return {i for i, other in judged.items() if other}


def _headed_by_other(blocks: list[Block], i: int, judged: dict[int, bool]) -> bool:
    # The heading is the nearest line above the box's rows (labels, numbers, "Hôm qua: 610"): a short line
    # without digits. A longer line is text, and a link ("Quyết định số 12/QĐ-UBND") another box's entry: the
    # box has no heading.
    for j in range(i - 1, max(i - _HEADING_REACH, -1), -1):
        if j in judged:
            return judged[j]
        if blocks[j].links:
            return False
        if not _box_row(text := blocks[j].text):
            heading = len(text) <= 60 and _DIGIT.search(text) is None
            return heading and COUNTER_OTHER_SUBJECTS.search(text) is not None
    return False


def _box_row(text: str) -> bool:
    """A row of a counter's box: a number, "label: number", or punctuation."""
    if _NUMBER_ONLY.fullmatch(text) or _PUNCTUATION_ONLY.fullmatch(text):
        return True
    return COUNTER_LINE.fullmatch(_LEADING_MARKS.sub("", text)) is not None


def labelled_blocks(blocks: list[Block], lowered: str) -> list[int]:
    """The indexes of the blocks holding a counter label, in order (lowered: the blocks' `lowered_text`).

    Found in the page's lower-cased text by C scans (str.find), then mapped to blocks: most blocks of most
    pages hold no counter, and reading every block with the label patterns cost a tenth of extraction on our
    fixtures.
    """
    starts = list(accumulate((len(block.text) + 1 for block in blocks), initial=0))
    found: set[int] = set()
    for word in _PIECES_APART + (_PIECES_SHARING if _SHARED_PIECE in lowered else ()):
        at = lowered.find(word)
        while at != -1:
            found.add(bisect_right(starts, at) - 1)
            at = lowered.find(word, at + 1)
    return sorted(found)


def _label_runs(blocks: list[Block], labelled: list[int]) -> tuple[dict[str, str], set[int]]:
    """Labels in a run of blocks and their numbers in as many blocks after, in the same order (a table's row
    of labels over its row of numbers, a column of labels beside a column of numbers); and the blocks of the
    runs whose numbers cannot be paired (several, but not one per label), which no number may be guessed for."""
    found: dict[str, str] = {}
    unclear: set[int] = set()
    end = 0
    for i in labelled:
        if i < end:
            continue
        keys: list[str] = []
        while i + len(keys) < len(blocks) and (key := _bare_label(blocks[i + len(keys)].text)) is not None:
            keys.append(key)
        if len(keys) > 2 and _caption(blocks, i, keys):
            i, keys = i + 1, keys[1:]
        if len(keys) < 2:
            continue
        end = i + len(keys)
        numbers: list[str] = []
        for block in blocks[end : end + len(keys) + 1]:
            if (match := _NUMBER_ONLY.fullmatch(block.text)) is None:
                break
            numbers.append(match.group(1))
        if len(numbers) == len(keys):
            for key, raw in zip(keys, numbers, strict=True):
                found.setdefault(key, raw)
        elif len(numbers) > 1 or (numbers and not _counter_line(blocks, end + 1)):
            # One number is the last label's only when the label-and-number pairs go on after it (a heading
            # that is itself a label, "Lượt truy cập", above "Đang online" / "8" / "Hôm nay" / "345").
            unclear.update(range(i, end))
    return found, unclear


def _caption(blocks: list[Block], i: int, keys: list[str]) -> bool:
    """Whether the first of a run of labels is a caption over the others ("Lượt truy cập" above "Đang truy cập
    | Hôm nay | Tổng cộng"), with no number of its own: its key comes again among them, or it sits in a
    heading cell or element above a row of another kind."""
    tag = blocks[i].tag
    return keys[0] in keys[1:] or (tag in _CAPTION_TAGS and tag != blocks[i + 1].tag)


def _value_before_label(
    text: str, found: dict[str, int | None], sources: dict[str, str] | None
) -> dict[str, int | None]:
    """A count whose label follows it: "Hiện có 9 khách Trực tuyến"."""
    return {
        key: checked_count(match.group(1), f"site_visits.{key}", sources)
        for key, pattern in _VALUE_BEFORE_LABEL.items()
        if key not in found and (match := pattern.fullmatch(text))
    }


def _counter_line(blocks: list[Block], i: int) -> bool:
    if i >= len(blocks):
        return False
    text = blocks[i].text
    return bool(
        _ANY_COUNTER_LABEL.match(_LEADING_MARKS.sub("", text) if text and not text[0].isalnum() else text)
    )


def _bare_label(text: str) -> str | None:
    """The counter key of a block that is only a label ("Hôm nay", "» Tổng truy cập:")."""
    if len(text) > 40 or _DIGIT.search(text):
        return None
    if text and not text[0].isalnum():
        text = _LEADING_MARKS.sub("", text)
    if not _ANY_COUNTER_LABEL.match(text):
        return None
    return next((key for key, label in _COUNTER_LABEL.items() if label.fullmatch(text)), None)


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
    labelled = labelled_blocks(blocks, lowered_text(blocks))
    return counter_columns(root, blocks, labelled=labelled) or find_site_visits(blocks, labelled=labelled)


def counter_columns(
    root: LexborNode,
    blocks: list[Block],
    sources: dict[str, str] | None = None,
    labelled: list[int] | None = None,
) -> SiteVisits | None:
    """Labels in one row of elements and their numbers, in the same order, in the next row
    (`<span>Hôm nay</span>…<div><b>2.004</b>…</div>`): the blocks run them together, so the elements are read.
    Counts found so take back find_site_visits' notes that its labels' numbers could not be paired."""
    if labelled is None:
        labelled = labelled_blocks(blocks, lowered_text(blocks))
    visits = _counter_columns(root, [blocks[i] for i in labelled])
    if visits is not None and sources is not None:
        for key in KEYS:
            if sources.get(f"site_visits.{key}") == UNPAIRED:
                del sources[f"site_visits.{key}"]
    return visits


def _counter_columns(root: LexborNode, labelled: list[Block]) -> SiteVisits | None:
    if not any(_ANY_COUNTER_LABEL.match(b.text) and _DIGIT.search(b.text) is None for b in labelled):
        return None  # most pages: no label stands alone, and the tree is not walked
    for row in css(root, "div, tr, ul, p"):
        numbers = _number_cells(row)
        if len(numbers) < 2:
            continue
        found = _paired(_siblings_before(row), numbers) or _paired(_cells_before(row, len(numbers)), numbers)
        if found:
            return SiteVisits(found.get("online"), found.get("today"), found.get("total"))
    found = _odometers(root)
    return SiteVisits(found.get("online"), found.get("today"), found.get("total")) if found else None


def _odometers(root: LexborNode) -> dict[str, int | None]:
    """Counts shown as one image per digit after their label (`Hôm nay: <img alt="3"><img alt="4">`), read
    from the images' alt texts; an odometer with no label of its own in its element is left unread."""
    found: dict[str, int | None] = {}
    seen: set[int] = set()
    for image in css(root, "img[alt]"):
        parent = image.parent
        if (
            parent is None
            or parent.mem_id in seen
            or not _ONE_DIGIT.fullmatch(image.attributes.get("alt") or "")
        ):
            continue
        seen.add(parent.mem_id)
        label = clean_line(parent.text())
        key = next(
            (k for k, rx in _COUNTER_LABEL.items() if rx.fullmatch(_LEADING_MARKS.sub("", label))), None
        )
        if key is not None and key not in found:
            alts = (child.attributes.get("alt") or "" for child in parent.iter() if child.tag == "img")
            found[key] = parse_count("".join(alt for alt in alts if _ONE_DIGIT.fullmatch(alt)))
    return found


def _number_cells(row: LexborNode) -> list[str]:
    """The texts of row's child elements when each is a number, else []: read up to the first that is not."""
    numbers = []
    for child in row.iter(include_text=False):
        text = child.text(separator=" ").strip()
        if _NUMBER_ONLY.fullmatch(text) is None:
            return []
        numbers.append(text)
    return numbers


def _element_texts(node: LexborNode) -> list[str]:
    return [child.text(separator=" ").strip() for child in node.iter(include_text=False)]


def _siblings_before(row: LexborNode) -> list[str]:
    """The texts of the elements before row, its siblings."""
    texts: list[str] = []
    sibling = row.prev
    while sibling is not None:
        if sibling.tag != "-text":
            texts.insert(0, sibling.text(separator=" ").strip())
        sibling = sibling.prev
    return texts


def _cells_before(row: LexborNode, count: int) -> list[str]:
    """The texts of the cells of the row before row: as many as the numbers, or any number when that row is
    row's only sibling (a caption row may sit above the row of labels)."""
    previous = row.prev if row.prev is None or row.prev.tag != "-text" else row.prev.prev
    if previous is None:
        return []
    cells = _element_texts(previous)
    alone = previous.prev is None or (previous.prev.tag == "-text" and previous.prev.prev is None)
    return cells if len(cells) == count or alone else []


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
