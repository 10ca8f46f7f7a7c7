"""Is this page an article? A listing or category page is a run of repeated items (issue 10, class 7).

An item is a headline link followed by its lead (and often a date), before the next headline link. A listing
has several items with leads and no run of plain text longer than its leads; an article has its body, a run of
paragraphs, even when a box of related news with leads sits beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from itertools import pairwise

from .blocks import Block
from .counters import is_counter_line
from .profiles import FOOTER_LABELS, PAGER_WORDS, TIMESTAMP_WORDS

MIN_ITEMS = 4
# Teasers with leads, when no other text on the page reaches a lead's length (a category's last page).
MIN_ITEMS_ALONE = 2
MIN_ITEMS_WITH_PAGER = 2  # the last page of a listing holds a few items, under a pager
MIN_HEADLINE_WORDS = 4
MIN_BARE_ITEMS = 8  # headline links with no lead under them: a list of titles, when no body sits beside it
MIN_LEAD_CHARS = 60
MIN_RUN_LINE = 25  # a line of text shorter than this is a label, not a paragraph
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_NUMBERS = re.compile(r"\d+")
_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{1,2}-\d{1,2}")
MAX_DATE_LINE = 30  # "(Thứ Hai, 10/01/2025 08:30)"
MAX_META_LINE = 80  # "Ngày đăng: 14/01/2025 08:30 | Lượt xem: 120", under a headline
ITEM_REACH = 2  # lines on either side of an item's date where its link sits
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
MAX_ITEM_BLOCKS = 3  # after the headline link: date, lead, "Xem tiếp"
ARTICLE_RUN_CHARS = 200  # an article's body holds at least this much plain text in a row...
ARTICLE_RUN_LEADS = 2  # ...and more than twice the longest lead (a footer can be longer than one lead)
ITEMS_OVER_RUN = 3  # a page whose leads hold three times the text of its longest run is a listing...
# ...unless that run is an article's body: no listing of the evaluation sets has a run of plain text over 360
# characters, and a news site's story among sections of teasers with leads holds thousands.
ARTICLE_BODY_CHARS = 1000
MAX_DESCRIPTION_BLOCKS = 2  # a category's description: one or two paragraphs under its heading


class _Page:
    """A page's blocks, with what several tests read of every line worked out once, when first asked."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks

    @cached_property
    def heads(self) -> list[int]:
        """Where the headline links stand."""
        return [i for i, block in enumerate(self.blocks) if block.links and _is_headline_link(block)]

    @cached_property
    def pager(self) -> bool:
        """Whether the page shows a pager (it reads every line: most pages never ask)."""
        return has_pager(self.blocks)

    @cached_property
    def runs(self) -> tuple[list[int], list[int]]:
        """The lines that end a run of plain text, and how much plain text stands before each line (and after
        the last): the longest run between any breaks is then read without a pass over the lines."""
        ends, before, total = [], [0], 0
        for i, block in enumerate(self.blocks):
            if block.links and _breaks_a_run(block):
                ends.append(i)
            elif len(block.text) >= MIN_RUN_LINE and not _is_widget_line(block.text):
                total += len(block.text)  # box titles, counter and footer lines neither add nor break
            before.append(total)
        return ends, before


def is_listing(blocks: list[Block]) -> bool:
    """Whether the page's blocks are a list of article teasers rather than one article."""
    page = _Page(blocks)
    # Most article pages stop at the first test, at the cost of one pass (the second counts short lines only).
    return (len(page.heads) >= MIN_ITEMS_WITH_PAGER and _is_teaser_list(page)) or _is_dated_list(page)


def _is_teaser_list(page: _Page) -> bool:
    """Headline links with leads (or, under a pager or many of them, without) and no article's body beside."""
    blocks, heads = page.blocks, page.heads
    spans = _lead_spans(blocks, heads)
    leads = [lead for _, lead in spans if lead >= MIN_LEAD_CHARS]
    at_leads = {at for at, lead in spans if lead >= MIN_LEAD_CHARS}
    # A category of three teasers and nothing else: no line of text outside them reaches a lead's length. Its
    # description, between its heading and the first item, is no text outside them; with it one item is enough.
    described = _description(blocks, min(at_leads)) if at_leads else set()
    if (
        len(leads) >= (1 if described else MIN_ITEMS_ALONE)
        and _longest_plain_run(page, at_leads | described) < MIN_LEAD_CHARS
    ):
        return True
    # The pager is asked only when the counts leave it open (on 47 % of the ScrapingHub pages when asked first,
    # 16 % now).
    if len(leads) < MIN_ITEMS and not (len(leads) >= MIN_ITEMS_WITH_PAGER and page.pager):
        # A list of titles without leads (a category's plain list, a table of documents) holds no body at all.
        # Under a pager, a grid of cards (headline and date, no lead) is a listing from MIN_ITEMS on.
        return (
            len(heads) >= MIN_ITEMS
            and not _has_headed_text(blocks)  # the cheaper test first: most articles stop here
            and (len(heads) >= MIN_BARE_ITEMS or page.pager)
            and _longest_plain_run(page) < ARTICLE_RUN_CHARS
        )
    longest = _longest_plain_run(page, {max(at_leads)})
    # A footer can be longer than one lead; the items together are far longer than any article's body beside them.
    listed = longest < max(ARTICLE_RUN_CHARS, ARTICLE_RUN_LEADS * max(leads)) or (
        sum(leads) >= ITEMS_OVER_RUN * longest and longest < ARTICLE_BODY_CHARS
    )
    # A brief under its headline and date line is shorter than the related leads beside it, and no category
    # page puts a date between its heading and a paragraph.
    return listed and not _has_headed_text(blocks, dated=True)


def _description(blocks: list[Block], lead: int) -> set[int]:
    """The paragraphs of a category's description: one or two plain lines of text right under a plain heading,
    the first item's headline link right under them, and no date among them or just above the heading (a
    story's date line; a related box's title, a short line, sits between a story and its items)."""
    head = lead - 1
    while head >= 0 and not (blocks[head].links and _is_headline_link(blocks[head])):
        head -= 1
    at = head - 1
    while at >= 0 and blocks[at].tag not in _HEADINGS and not blocks[at].links:
        at -= 1
    lines = range(at + 1, head)
    if at < 0 or blocks[at].links or not 0 < len(lines) <= MAX_DESCRIPTION_BLOCKS:
        return set()
    if any(len(blocks[i].text) < MIN_RUN_LINE or _DATE.search(blocks[i].text) for i in lines):
        return set()
    above = blocks[at - 1] if at > 0 else None
    return set() if above is not None and _is_date_only(above.text) else set(lines)


def _is_dated_list(page: _Page) -> bool:
    """A list or table of dated items (a document register, a grid of notices): a date alone on its line next
    to a link, MIN_ITEMS times, with no run of text longer than ARTICLE_RUN_CHARS between two dates or after
    the last, and no heading with a paragraph under it (a short notice beside a sidebar of dated links)."""
    blocks = page.blocks
    dated = {
        i
        for i, block in enumerate(blocks)
        # A date holds "/", "." or "-": three scans in C turn away 95 % of the short lines before the pattern
        # (0.5 µs each) is asked (this pass took 0.7 M instructions a page on ScrapingHub, 0.2 M now).
        if len(text := block.text) <= MAX_DATE_LINE
        and ("/" in text or "." in text or "-" in text)
        and _is_date_only(text)
        and _has_link_near(blocks, i)
    }
    return (
        len(dated) >= MIN_ITEMS
        and _longest_plain_run(page, dated) < ARTICLE_RUN_CHARS
        and not _has_headed_text(blocks)
    )


def _is_date_only(text: str) -> bool:
    return len(text) <= MAX_DATE_LINE and _DATE.search(text) is not None and _is_timestamp(text)


def _has_link_near(blocks: list[Block], at: int) -> bool:
    """Whether the item around the date at `at` (the two lines on either side) holds a link."""
    return any(block.links for block in blocks[max(0, at - ITEM_REACH) : at + ITEM_REACH + 1])


def has_pager(blocks: list[Block]) -> bool:
    """Whether the page shows a pager: links made only of page numbers and pager words, two or more in a row."""
    run = 0
    for block in blocks:
        if not block.links:  # a pager's line holds links: the other lines only end a run
            run = 0
            continue
        # "1 2 Trang 1 của 48": page links with a count beside them in one line; "«2»": two page links or more
        if _is_page_links(block) and (len(_NUMBERS.findall(block.text)) >= 2 or len(block.links) >= 2):
            return True
        words = block.text.casefold().split()
        if all(w.isdigit() and len(w) <= 4 or w in PAGER_WORDS for w in words):
            run += len(words)  # "1 2": the current page is plain text, the others are links
            if run >= 2:
                return True
        else:
            run = 0
    return False


def is_lone_teaser(blocks: list[Block], start: int, paragraphs: int) -> bool:
    """A category page with one item: the short body found (of `paragraphs` of a lead's length) is the item's
    lead under its headline link (one paragraph, or one before a link such as "Xem tiếp": two are a short
    story), or the footer just below that lead."""
    heads = _Page(blocks).heads
    leads = [at for at, lead in _lead_spans(blocks, heads) if lead >= MIN_LEAD_CHARS] if heads else []
    if len(leads) != 1:  # no other item has a lead
        return False
    # A link ("Xem tiếp") ends the lead, and only links and labels stand between it and the body found: nothing
    # headed the body. Without that link the "lead" is the page's own headline under a menu item (its date and
    # short story follow it), as on a DNN page with a counter widget beside a five-paragraph story.
    if leads[0] < start:
        between = blocks[leads[0] + 1 : start]
        return any(b.links for b in between) and all(b.links or len(b.text) < MIN_RUN_LINE for b in between)
    return min(paragraphs, _paragraphs_from(blocks, start)) <= 1 and _follows_a_headline_link(blocks, start)


def _paragraphs_from(blocks: list[Block], start: int) -> int:
    """How many paragraphs of a lead's length follow each other from `start`, up to a linked line."""
    count = 0
    for block in blocks[start:]:
        if block.links and sum(len(link.text) for link in block.links) * 2 >= len(block.text):
            break
        count += len(block.text) >= MIN_LEAD_CHARS
    return count


def _follows_a_headline_link(blocks: list[Block], start: int) -> bool:
    """Whether the text at `start` is a teaser's lead: just under a headline link, with at most a date between."""
    for block in reversed(blocks[max(0, start - 2) : start]):
        if block.links:
            return _is_headline_link(block)
        if len(block.text) >= MIN_LEAD_CHARS:
            return False
    return False


def _is_headline_link(block: Block) -> bool:
    """One link of headline length that is most of its line (a menu's several short links are not), and no
    timestamp: a comment's permalink ("November 19, 2019 at 6:34 am") heads no teaser."""
    links = block.links
    longest = links[0].text if len(links) == 1 else max([link.text for link in links], key=len)
    return (
        len(longest) * 5 >= len(block.text) * 3
        and len(longest.split()) >= MIN_HEADLINE_WORDS
        and not _is_timestamp(longest)
    )


def _is_timestamp(text: str) -> bool:
    """A date or time and nothing else: numbers, month and weekday names, "at", "lúc", "am"."""
    # A C scan for a digit first: most headline links hold none. Most that hold one fail on their first word,
    # asked alone before the generator over every word (this test took a quarter of _Page.heads' instructions).
    if _DIGIT.search(text) is None:
        return False
    first = _LETTERS.search(text)
    if first is not None and first.group().casefold() not in TIMESTAMP_WORDS:
        return False
    return all(word.group().casefold() in TIMESTAMP_WORDS for word in _LETTERS.finditer(text))


def _lead_spans(blocks: list[Block], heads: list[int]) -> list[tuple[int, int]]:
    """Each item's lead as (index, length): its longest plain block after its headline link; (-1, 0) for none."""
    ends = [*heads[1:], len(blocks)]
    return [
        _lead(blocks, head + 1, min(end, head + 1 + MAX_ITEM_BLOCKS))
        for head, end in zip(heads, ends, strict=True)
    ]


def _lead(blocks: list[Block], start: int, end: int) -> tuple[int, int]:
    at, longest = -1, 0
    for i in range(start, end):
        block = blocks[i]
        if block.tag in _HEADINGS:  # a plain heading starts something else: this page's own headline
            break
        # A date line ("Ngày đăng: 05-01-2026 Lượt xem: 26") is shorter than a lead.
        if not block.links and len(block.text) >= max(MIN_LEAD_CHARS, longest + 1):
            at, longest = i, len(block.text)
    return at, longest


def _has_headed_text(blocks: list[Block], dated: bool = False) -> bool:
    """Whether a plain heading has a paragraph under it, before any link: a short notice under its headline
    (dated: with a date line between them, a brief under its headline and date beside a box of related leads)."""
    for i, block in enumerate(blocks):
        if block.tag in _HEADINGS and not block.links:
            seen_date = False
            for below in blocks[i + 1 : i + 1 + MAX_ITEM_BLOCKS]:
                if below.links:
                    break
                if len(below.text) >= MIN_LEAD_CHARS and (seen_date or not dated):
                    return True
                seen_date = seen_date or (
                    len(below.text) <= MAX_META_LINE and _DATE.search(below.text) is not None
                )
    return False


def _is_page_links(block: Block) -> bool:
    """A line whose links are page numbers and pager words (or icons: "Sau »", "« Trước"), one number at least."""
    # Most linked lines hold no page number: asked first, before every link's text is case-folded. 96 % of
    # linked lines hold one link, read without a generator (here and in _breaks_a_run: 30 % of _Page.runs).
    links = block.links
    if not (
        links[0].text.strip().isdigit()
        if len(links) == 1
        else any(link.text.strip().isdigit() for link in links)
    ):
        return False
    texts = [link.text.casefold().strip() for link in block.links]
    return all(
        t.isdigit() or t in PAGER_WORDS or all(word in PAGER_WORDS for word in t.split()) for t in texts
    )


def _longest_plain_run(page: _Page, breaks: Iterable[int] = ()) -> int:
    """The most plain text in a row, none of it at `breaks` (items' leads or dates) and not across them: an
    article's body, or a listing's footer."""
    # The last item's lead is its item's, so the footer below it is no article's body; every other lead ends at
    # the next headline link anyway, and resetting there would cut a story at its in-text links. The lines are
    # read once a page (29 of the 181 ScrapingHub pages ask twice, with other breaks).
    ends, before = page.runs
    cuts = sorted({*ends, *breaks})
    return max(before[end] - before[start + 1] for start, end in pairwise([-1, *cuts, len(page.blocks)]))


def _breaks_a_run(block: Block) -> bool:
    """A line mostly of links, or a pager ("1 2 › Trang 1 của 48", which ends the last item's lead before the
    footer). A paragraph with a link in it ("xem tại đây") is still body text; a short linked line
    ("[Engadget]" after a quote, "Xem tiếp") neither adds nor breaks, as a label."""
    links = block.links
    linked = len(links[0].text) if len(links) == 1 else sum(len(link.text) for link in links)
    return (linked * 2 >= len(block.text) and len(block.text) >= MIN_RUN_LINE) or _is_page_links(block)


def _is_widget_line(text: str) -> bool:
    """A counter's or a site footer's line ("Tổng lượt truy cập: 3.333", "Địa chỉ: …"): no article's text."""
    return is_counter_line(text) or FOOTER_LABELS.match(text) is not None
