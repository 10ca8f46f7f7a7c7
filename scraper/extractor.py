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
from itertools import takewhile
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import STRIPPED_TAGS, Block, blocks_of, check_nesting, lowered_text, parse
from .boilerplate import lead_before, main_body, without_related
from .bylines import (
    Credits,
    byline_author,
    byline_under_lead,
    credit_segments,
    credits_after,
    is_account_name,
    is_byline,
    is_chrome,
    is_credit_line,
    is_noise,
    labelled_credit,
    names_the_site,
    strip_author_label,
    take_credits,
)
from .counters import (
    checked_count,
    counter_columns,
    find_site_visits,
    labelled_blocks,
    views_by_icon,
    views_in,
    views_near,
    views_on_date_line,
)
from .dates import TIME, parse_datetime, placeholder_day, split_date_line, split_date_run
from .errors import ExtractError
from .models import Article, Attachment
from .pagekind import MIN_LEAD_CHARS, is_listing, is_lone_teaser
from .prefilter import css, css_first
from .profiles import (
    ATTACHMENT_HEADING,
    ATTACHMENT_URL,
    CATEGORY_LINE,
    DATE_LABEL,
    DATE_LABEL_PIECES,
    DATE_LINE,
    DATE_TAIL_PART,
    DATE_TAIL_SEPARATOR,
    DOCUMENT_TITLE_LINE,
    ISSUED_LINE,
    PHOTO_CREDIT_TAIL,
    POSTING_WORDS,
    PROFILES,
    SOURCE_LINE,
    VIEW_COUNT,
    Profile,
    date_label_rank,
    dates_in_text,
    either,
    holds_view_label,
)
from .text import clean_line, text_flags
from .titles import (
    MAX_TITLE_CHARS,
    MIN_HEADLINE_WORDS,
    Headline,
    choose_headline,
    decode,
    is_generic,
    meta_titles,
    prominent_lines,
    site_names,
    title_suffix,
)

__all__ = ["choose_profile", "extract_article", "is_byline"]
_HEADLINE_ZONE = 4  # blocks under the headline where its date and byline sit, tool-link lines not counted
_AFTER_BODY = 4  # blocks after the body's container where NukeViet-like pages put credits and view counts
# Bylines in the article's text that beat a CMS account's link: a labelled line, the last short line or a glued
# "(Theo X)", not a photo credit.
_TEXT_BYLINES = frozenset({"label:author-line", "anchor:last-short-line", "label:glued-credit"})
_LONE_TEASER_MAX_BODY = 600  # characters: a category page's one item gives a body of one lead
# The three spellings of JSON-LD's type in one scan of the page: half the time of three `in` (0.05 ms a page).
_JSON_TYPE = re.compile(r"\+(?:json|JSON|Json)")


@dataclass(frozen=True)
class _Fields:
    title: str
    published_at: str | None
    author: str | None
    body: list[Block]
    views: int | None
    sources: dict[str, str]
    category: str | None = None
    source: str | None = None


def extract_article(
    html: str,
    url: str | None = None,
    profile: str | None = None,
    selectors: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Article:
    """Extract an Article from decoded HTML; raises ExtractError when the page holds none."""
    check_nesting(html)
    tree = parse(html)
    # Before scripts are stripped: JSON-LD lives in <script>. Its type is looked for in the text first (a C scan
    # against a query of the whole tree, 2 % of extraction; the query matches the type in any case).
    has_json = _JSON_TYPE.search(html) is not None
    linked_data = _json_ld(tree) if has_json else {}
    tree.strip_tags(STRIPPED_TAGS)
    root = tree.body or tree.root
    if root is None:
        raise ExtractError("empty_document")
    blocks = blocks_of(root)
    if is_listing(blocks):
        raise ExtractError("not_an_article")
    chosen = choose_profile(tree, blocks, url, profile)
    selectors = selectors or {}
    lowered = lowered_text(blocks)
    try:
        fields, chosen = _read(
            _Page(tree, blocks, lowered, linked_data, url, now), chosen, weak=profile is None
        )
    except ExtractError:
        # A researcher who gave title and body selectors for a site has told us how to read it.
        if not {"title", "body"} <= set(selectors):
            raise
        fields = _Fields(title="", published_at=None, author=None, body=[], views=None, sources={})
    fields = _apply_site_selectors(tree, fields, selectors, now)
    labelled = labelled_blocks(blocks, lowered)
    has_lists = bool(fields.body) and any(word in lowered for word in _ATTACHMENT_WORDS)
    listed = _attachment_lists(blocks, fields.body) if has_lists else []
    article = _finish(fields, blocks, labelled, chosen, url, listed)
    # Labels in one row and numbers in the next are paired by the elements, which the blocks run together.
    if (visits := counter_columns(root, blocks, article.sources, labelled)) is not None:
        article = replace(article, site_visits=visits)
    flags = text_flags(article.title + "\n" + article.body, html[:20000])
    return replace(article, flags=flags) if flags else article


@dataclass(frozen=True)
class _Page:
    """What every field's chain reads: the parsed tree, its blocks, its JSON-LD, the URL and the clock."""

    tree: LexborHTMLParser
    blocks: list[Block]
    lowered: str  # blocks.lowered_text of the blocks
    linked: dict[str, Any]
    url: str | None
    now: datetime | None


def _read(page: _Page, profile: Profile, weak: bool) -> tuple[_Fields, Profile]:
    """The fields, and the profile that read them (the one stored with the article, which reextract uses)."""
    if not profile.date_lines:
        return _by_selectors(page, profile), profile
    try:
        return _by_anchors(page.blocks, profile, page.now), profile
    except ExtractError:
        # A detected profile is a hint: a page its anchors cannot read (another CMS's date line, or the family's
        # own page with a date line of a new shape) is read by the generic core, refused only when that fails
        # too. A profile the user forced is not second-guessed.
        if not weak:
            raise
        return _by_selectors(page, PROFILES["generic"]), PROFILES["generic"]


_ALL_MARKERS = ", ".join(marker for profile in PROFILES.values() for marker in profile.markers)
_MARKERS = {name: ", ".join(profile.markers) for name, profile in PROFILES.items()}  # one query a profile


def choose_profile(
    tree: LexborHTMLParser, blocks: list[Block], url: str | None, forced: str | None
) -> Profile:
    """The forced profile, else the first recognised by URL shape, generator, marker element or date line."""
    if forced is not None:
        if forced not in PROFILES:
            raise ExtractError(f"unknown_profile:{forced}")
        return PROFILES[forced]
    generator_node = (tree.head or tree.root or tree).css_first('meta[name="generator"]')
    generator = (generator_node.attributes.get("content") or "") if generator_node else ""
    # One walk of the tree for every family's markers: most pages have none, and each query walks it all.
    any_marker = css_first(tree, _ALL_MARKERS) is not None
    tests: tuple[Callable[[Profile], bool], ...] = (
        lambda p: bool(url) and any(rx.search(url or "") for rx in p.article_urls),
        lambda p: bool(generator) and any(rx.search(generator) for rx in p.generators),
        lambda p: any_marker and bool(p.markers) and css_first(tree, _MARKERS[p.name]) is not None,
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
    above = _byline_above_date(blocks, title_at)
    if above is not None:
        title_at -= 1
    if _not_a_headline(blocks[title_at]):
        # "Chi tiết", "Viết bởi X" above "Ngày đăng: …": another CMS's article info, not this family's headline.
        raise ExtractError("missing_field:title")
    end_at = _find_end(blocks, date_at, profile)
    body = [b for b in blocks[date_at + 1 : end_at] if not is_noise(b)]
    sources = {
        "title": "anchor:before-date-line",
        "published_at": "anchor:date-line",
        "body": "anchor:after-date-line",
    }
    views = views_in([blocks[date_at], *body], sources)
    credits = take_credits([b for b in body if not VIEW_COUNT.fullmatch(b.text)])
    if not credits.body:
        # A date line with no text under it ("Ngày đăng: …" below another portal's body): not this family's.
        raise ExtractError("missing_field:body")
    if credits.how:
        sources["author"] = credits.how
    elif above is not None:
        credits, sources["author"] = replace(credits, author=above), "anchor:under-headline"
    return _Fields(
        title=blocks[title_at].text,
        category=_category_line(blocks, title_at),
        published_at=_published(blocks[date_at].text, now, sources),
        author=credits.author,
        body=credits.body,
        views=views,
        sources=sources,
        source=credits.source,
    )


def _byline_above_date(blocks: list[Block], title_at: int) -> str | None:
    """A byline between the headline and the date line: the block before it is then the headline."""
    named = byline_author(blocks[title_at])
    if named is None or len(named.split()) < 2 or title_at == 0:
        return None
    headline = blocks[title_at - 1]
    plausible = not headline.links and len(headline.text.split()) >= 5 and not headline.text.isupper()
    return named if plausible else None


def _not_a_headline(block: Block) -> bool:
    """A label, a byline, a linked category ("Chi tiết", "Viết bởi X", "Danh mục: Tin tức"), or a story's
    sentence: a "Ngày đăng: …" line inside another portal's text follows a paragraph, never its headline."""
    text = block.text
    sentence = (
        text.endswith(".") and not text.endswith("..") and len(text.split()) > _MAX_HEADLINE_SENTENCE_WORDS
    )
    return sentence or is_generic(text, []) or is_credit_line(block) or CATEGORY_LINE.match(text) is not None


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
    date_line = either(profile.date_lines)
    for i, block in enumerate(blocks):
        if len(block.text) < 80 and date_line.fullmatch(block.text):
            return i
    return None


def _previous_content(blocks: list[Block], before: int) -> int | None:
    for i in range(before - 1, -1, -1):
        if (
            not is_noise(blocks[i])
            and len(blocks[i].text) <= MAX_TITLE_CHARS
            and not _is_date_only(blocks[i])
        ):
            return i
    return None


def _is_date_only(block: Block) -> bool:
    """A line that only dates the page, bracketed or not: "(Cập nhật lúc 14:20 ngày 23/10/2024)" is no headline."""
    text = block.text.strip("()[] ")
    # split_date_line costs 30 us on a headline holding a year ("… năm 2025"); every date holds one of these.
    if not any(mark in text for mark in _DATE_MARKS) or _DIGIT.search(text) is None:
        return False
    label = DATE_LABEL.match(text)
    parts = split_date_line(text[label.end() :] if label else text)
    return parts is not None and (not parts[0] or POSTING_WORDS.fullmatch(parts[0]) is not None)


def _find_end(blocks: list[Block], after: int, profile: Profile) -> int:
    anchors = {a.casefold() for a in profile.end_anchors}
    for i in range(after + 1, len(blocks)):
        if blocks[i].text.rstrip(" :").casefold() in anchors:
            return i
    # Without "Các tin khác"/"More", a line of tool links after the text ends it (issue 10, class 1).
    for i in range(after + 2, len(blocks)):
        if is_chrome(blocks[i]) and not is_chrome(blocks[i - 1]):
            return i
    # No end at all: the footer would leak into the body.
    raise ExtractError("missing_field:body_end_anchor")


# -- selectors, linked data and labelled lines (every other family, and unknown layouts) ------------------


def _by_selectors(page: _Page, profile: Profile) -> _Fields:
    tree, blocks, linked, now = page.tree, page.blocks, page.linked, page.now
    for selector in profile.drop:
        # Last first: lexbor destroys an element's descendants with it, so one held by an element of the list
        # is removed before its holder, never after it in freed memory.
        for node in reversed(css(tree, selector)):
            node.decompose()
    generic = PROFILES["generic"].selectors
    own = {} if profile.name == "generic" else profile.selectors  # then JSON-LD, then generic tags
    sources: dict[str, str] = {}
    names = site_names(tree, page.url)
    body_node, body = _body_blocks(tree, own.get("body", ()), sources)
    start = _body_start(blocks, body)
    title, title_at = _title(tree, blocks, start, own, linked, names, sources, page.url)
    if sources.get("title") == "label:document-title" and (rows := _document_rows(tree)):
        # The table that names the document is its body; the rows under its name are no headline's zone.
        body, sources["body"], title_at = rows, "label:document-table", None
    found_by_family = sources.get("body") in {f"css:{selector}" for selector in own.get("body", ())}
    # A category page's lone item gives a body of one lead; a headline linked to itself (news sites) is
    # followed by a whole story (8 of the ScrapingHub benchmark's articles were refused without this).
    # A teaser has one lead; two paragraphs of a lead's length are a short story (a VCMS page, issue 10 review).
    short = sum(len(b.text) for b in body) < _LONE_TEASER_MAX_BODY
    paragraphs = sum(len(b.text) >= MIN_LEAD_CHARS for b in body)
    if not found_by_family and start is not None and short and is_lone_teaser(blocks, start, paragraphs):
        raise ExtractError(
            "not_an_article"
        )  # a category page with one item: a linked headline, then its lead
    zone = _zone_credits(_headline_zone(blocks, title_at, start) if title_at is not None else [])
    date_raw = (
        _first_value(tree, own.get("published_at", ()), sources, "published_at")
        or _linked(linked, "datePublished", sources, "published_at")
        or _first_value(tree, generic["published_at"], sources, "published_at")
        or _labelled_date(blocks, sources, page.lowered, body_at=start)
    )
    credits = take_credits([b for b in body if b.text != title and b.text not in zone.lines])
    if date_raw is None and zone.date is None and credits.date is not None:
        date_raw, sources["published_at"] = credits.date, "anchor:closing-line"
    if date_raw is None and zone.date is None:
        date_raw = _labelled_date(blocks, sources, page.lowered, ISSUED_LINE, "label:issued-line")
    if zone.date is not None and (date_raw is None or _shown_wins(date_raw, zone.date, now)):
        date_raw, sources["published_at"] = zone.date, "anchor:near-headline"
        date_raw = _better_labelled(page, title_at, start, date_raw, sources)
    following = _after_body(blocks, body, start)
    after = credits_after(following)
    if credits.author is None and after.author is not None:
        credits = replace(credits, author=after.author, how=after.how)
    if zone.author is None and start is not None:
        credits = byline_under_lead(credits, blocks, start)
    author = _author(tree, own, linked, names, credits, zone.author, sources)
    views = _views(tree, profile, body_node, sources, labelled=holds_view_label(page.lowered))
    if views is None:
        views = views_on_date_line(zone.date_line, sources)
    # A view count inside the container changes on every visit: kept, it would make a version each time.
    counted = [b for b in body if VIEW_COUNT.fullmatch(b.text)]
    return _Fields(
        title=title or "",
        published_at=_published(date_raw, now, sources),
        author=author,
        body=[b for b in credits.body if not is_noise(b) and not VIEW_COUNT.fullmatch(b.text)],
        views=views if views is not None else views_in([*counted, *following], sources),
        sources=sources,
        category=_first_value(tree, profile.selectors.get("category", ()), sources, "category"),
        source=credits.source or after.source or zone.source,
    )


def _better_labelled(
    page: _Page, title_at: int | None, start: int | None, shown: str, sources: dict[str, str]
) -> str:
    """A date with a better label (date_label_rank) a few lines below the one under the headline: a Q&A page's
    answer date below its question's, a posting date below an update date."""
    if title_at is None or date_label_rank(shown) == 0:
        return shown
    probe: dict[str, str] = {}
    body_at = start - title_at - 1 if start is not None else None
    found = _labelled_date(page.blocks[title_at + 1 :], probe, page.lowered, body_at=body_at)
    if found is None or date_label_rank(found) >= date_label_rank(shown):
        return shown
    sources.update(probe)
    return found


def _published(shown: str | None, now: datetime | None, sources: dict[str, str]) -> str | None:
    """The ISO value of the date found; a found line that holds no valid date, or a future one, leaves the field
    null with the reason in sources (dates.parse_datetime)."""
    value = parse_datetime(shown, now) if shown else None
    if shown and value is None:
        sources["published_at"] = "rejected:no-valid-date"
    return value


def _after_body(blocks: list[Block], body: list[Block], start: int | None) -> list[Block]:
    """The few blocks following the body's last one in the page."""
    if not body or start is None:
        return []
    last = body[-1].text
    end = next((i for i in range(start, len(blocks)) if blocks[i].text == last), None)
    return blocks[end + 1 : end + 1 + _AFTER_BODY] if end is not None else []


def _shown_wins(meta: str, shown: str, now: datetime | None) -> bool:
    """The page's shown date over a machine stamp it does not confirm: a stamp whose time stands for a day
    without one (dates.placeholder_day) on the shown day, or a moment or day other than the one shown."""
    stamp, day = parse_datetime(meta, now), parse_datetime(shown, now)
    if not stamp or not day:
        return False
    if placeholder_day(meta) == day[:10]:
        return True
    return stamp[:16] != day[:16] if len(day) > 10 else stamp[:10] != day


def _body_start(blocks: list[Block], body: list[Block]) -> int | None:
    """Where the body's first paragraph sits among the page's blocks."""
    # A photo album's body is its captions: its first line then marks the start.
    first = next((b.text for b in body if b.tag == "p" or len(b.text) > 80), body[0].text if body else None)
    return next((i for i, b in enumerate(blocks) if b.text == first), None)


def _title(
    tree: LexborHTMLParser,
    blocks: list[Block],
    start: int | None,
    own: Mapping[str, tuple[str, ...]],
    linked: dict[str, Any],
    names: list[str],
    sources: dict[str, str],
    url: str | None,
) -> tuple[str | None, int | None]:
    """The family's title selector, else the visible headline by its place above the body (titles.py)."""
    title = _first_value(tree, own.get("title", ()), sources, "title")
    if title:
        return title, next((i for i, b in enumerate(blocks) if b.text == title), None)
    metas = meta_titles(tree, linked, names)
    headline = choose_headline(blocks, start, metas, names, lambda: prominent_lines(tree), url)
    if headline.text is None and start is not None and _opens_with_headline(blocks[start], names):
        # No headline above the body, whose container opens with one (a document page's <h2> over its table).
        headline = Headline(blocks[start].text, f"visible:{blocks[start].tag}", start)
    if headline.text is None and start is not None:
        headline = _document_title(blocks, start, names) or headline
    sources["title"] = headline.source
    if headline.index is None and headline.text:
        # A meta title shown above the body, linked (to the page itself): its date and byline lines are read too.
        return headline.text, _shown_above(blocks, headline.text, start)
    return headline.text, headline.index


def _document_title(blocks: list[Block], start: int, names: list[str]) -> Headline | None:
    """A document's name in its detail table's labelled row ("Trích yếu" | "Quyết định ban hành …")."""
    for i in range(max(0, start - _DOCUMENT_ROWS // 2), min(len(blocks), start + _DOCUMENT_ROWS)):
        match = DOCUMENT_TITLE_LINE.fullmatch(blocks[i].text)
        at = i if match and match.group(1) else i + 1
        if match and at < len(blocks):
            text = match.group(1) or blocks[at].text
            words = len(text.split())
            if words >= MIN_HEADLINE_WORDS and len(text) <= MAX_TITLE_CHARS and not is_generic(text, names):
                return Headline(text, "label:document-title", at)
    return None


def _document_rows(tree: LexborHTMLParser) -> list[Block]:
    """The rows of the table that names a document, each row one line ("Số ký hiệu 15/2025/QĐ-UBND"), or []."""
    found: list[Block] = []
    for table in tree.css("table"):  # nested tables come after their outer one: the last match is innermost
        rows = [_row_line(row) for row in table.css("tr")]
        if any(
            DOCUMENT_TITLE_LINE.fullmatch(row.text) for row in rows if len(row.text) <= 2 * MAX_TITLE_CHARS
        ):
            found = [row for row in rows if row.text]
    return found


def _row_line(row: LexborNode) -> Block:
    cells = blocks_of(row)
    return Block(
        " ".join(cell.text for cell in cells), "tr", tuple(link for cell in cells for link in cell.links)
    )


def _opens_with_headline(block: Block, names: list[str]) -> bool:
    return block.tag in _TOP_HEADINGS and len(block.text.split()) >= 3 and not is_generic(block.text, names)


def _shown_above(blocks: list[Block], text: str, start: int | None) -> int | None:
    """The nearest block above the body's start that says exactly text."""
    end = start if start is not None else len(blocks)
    return next((i for i in range(end - 1, -1, -1) if blocks[i].text == text), None)


def _headline_zone(blocks: list[Block], title_at: int, start: int | None) -> list[Block]:
    """The lines under the headline, above the body: a row of tool links ("In", "Email") takes no line's place."""
    limit = title_at + 1 + 2 * _HEADLINE_ZONE
    end = min(limit, start) if start is not None and start > title_at else limit
    return [block for block in blocks[title_at + 1 : end] if not is_noise(block)][:_HEADLINE_ZONE]


@dataclass(frozen=True)
class _Zone:
    """What the lines just under the headline say: a date without a label, a byline, or both on one line."""

    date: str | None = None
    author: str | None = None
    lines: frozenset[str] = frozenset()
    source: str | None = None
    date_line: str | None = None  # the whole line the date was read from


def _zone_credits(zone: list[Block]) -> _Zone:
    found: dict[str, str] = {}
    used = set()
    for block in zone:
        # One line may carry the date, the author and the source: each credit label starts a part.
        for text in credit_segments(block.text):
            if _zone_part(Block(text, block.tag), found):
                used.add(block.text)
        if "date" in found:
            found.setdefault("date_line", block.text)
    get = found.get
    return _Zone(get("date"), get("author"), frozenset(used), get("source"), get("date_line"))


def _zone_part(block: Block, found: dict[str, str]) -> bool:
    """Read one part of a line under the headline into found (date, author, source); whether it said one."""
    if (labelled := labelled_credit(block)) is not None:
        found.setdefault(*labelled)
        return True
    # A count, a labelled date and a date all hold figures: a line without one is not searched for them (the
    # searches cost 25 us a line under the headline).
    figures = _DIGIT.search(block.text) is not None
    # "14/01/2025 09:30 Lượt xem: 215": the view count shares the date's line.
    text = (VIEW_COUNT.sub("", block.text) if figures else block.text).strip(" |-–")
    if figures and DATE_LINE.fullmatch(text):  # "Ngày đăng tin: 20/02/2025 10:00"
        if "date" not in found or _better_zone_date(text, found["date"]):
            found["date"] = text  # "Ngày cập nhật: … | Ngày đăng: …": the posting date
        return True
    parts = (split_date_line(text) or _date_before_tools(block.text)) if figures else None
    if parts is not None and "date" not in found:
        prefix, found["date"] = parts
        named = (
            byline_author(Block(prefix, block.tag))
            if prefix and not POSTING_WORDS.fullmatch(prefix)
            else None
        )
        if named:
            found.setdefault("author", named)
        return True
    if (
        parts is None
        and "author" not in found
        and (named := byline_author(block))
        and len(named.split()) >= 2
    ):
        found["author"] = named
        return True
    return False


def _better_zone_date(labelled: str, found: str) -> bool:
    """Whether a labelled date under the headline beats the one found above it: a better label, or a posting label
    over a date line without one (a subtitle naming an event's day, "Ngày 22 tháng 3 năm 2025", review 10i)."""
    rank = date_label_rank(labelled)
    return rank < date_label_rank(found) or (rank == 0 and DATE_LABEL.match(found) is None)


def _date_before_tools(text: str) -> tuple[str, str] | None:
    """(byline, date) of a date line whose tail is tools, counts, a section or a unit, or None."""
    run = split_date_run(text)
    if run is None:
        return None
    parts = [part for part in DATE_TAIL_SEPARATOR.split(run[2].strip()) if part]
    return (run[0], run[1]) if parts and all(map(_tail_part, parts)) else None


def _tail_part(part: str) -> bool:
    # A section or a unit ("Tin tức - Sự kiện", "Phòng Văn hóa") is a few capitalised words; a sentence is
    # longer or carries figures and stops.
    short = part[:1].isupper() and len(part.split()) <= _TAIL_WORDS and not _TAIL_NOT_NAME.search(part)
    return short or DATE_TAIL_PART.fullmatch(part) is not None


def _author(
    tree: LexborHTMLParser,
    own: Mapping[str, tuple[str, ...]],
    linked: dict[str, Any],
    names: list[str],
    credits: Credits,
    near_headline: str | None,
    sources: dict[str, str],
) -> str | None:
    """The visible byline beats metadata; metadata that names the site or an organisation is no author."""
    visible = _first_value(tree, own.get("author", ()), sources, "author")
    # The family's credit line may say where the text came from, not who wrote it; or name the CMS account
    # that posted it ("admin"): neither is the author, and a byline in the text may still be.
    if visible and (SOURCE_LINE.fullmatch(visible) or is_account_name(strip_author_label(visible))):
        visible = None
        del sources["author"]
    elif visible and names_the_site(strip_author_label(visible), [*names, title_suffix(tree) or ""]):
        visible = None  # the site's own account ("Bởi Công an tỉnh Quảng Trị"): passed over the same way
        sources["author"] = "rejected:names-the-site"
    elif visible and credits.how in _TEXT_BYLINES and _account_link(tree, sources["author"]):
        visible = None  # a CMS account's archive link: the byline ending the text names who wrote it
    if visible:
        return strip_author_label(visible)
    if credits.author:
        sources["author"] = credits.how or "anchor:body-line"
        return credits.author
    if near_headline:
        sources["author"] = "anchor:near-headline"
        return near_headline
    meta = _linked(linked, "author", sources, "author") or _first_value(
        tree, PROFILES["generic"].selectors["author"], sources, "author"
    )
    if meta and names_the_site(strip_author_label(meta), [*names, title_suffix(tree) or ""]):
        sources["author"] = "rejected:names-the-site"
        return None
    if meta and is_account_name(strip_author_label(meta)):
        sources["author"] = "rejected:account-name"
        return None
    return strip_author_label(meta) if meta else None


def _account_link(tree: LexborHTMLParser, source: str) -> bool:
    """Whether the author element a selector found links to the posting account's archive (WordPress's
    "/author/NAME/", rel="author")."""
    node = tree.css_first(source.removeprefix("css:"))
    if node is None or node.tag != "a":
        return False
    return node.attributes.get("rel") == "author" or "/author/" in (node.attributes.get("href") or "")


def _json_ld(tree: LexborHTMLParser) -> dict[str, Any]:
    """The first Article-like object in the page's JSON-LD, or {}."""
    for script in css(tree, 'script[type="application/ld+json"]'):
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
    if isinstance(value, str) and decode(value):
        sources[name] = f"json-ld:{key}"
        return decode(value)
    return None


def _first_value(
    tree: LexborHTMLParser, selectors: Iterable[str], sources: dict[str, str], name: str
) -> str | None:
    for selector in selectors:
        node = css_first(tree, selector)
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
    shown = clean_line(node.text(separator=" "))
    if raw and node.tag == "time" and _shown_wins(raw, shown, None):
        return shown  # what the page shows, over a machine time it does not confirm
    return clean_line(raw or shown)


def _body_blocks(
    tree: LexborHTMLParser, selectors: Iterable[str], sources: dict[str, str]
) -> tuple[LexborNode | None, list[Block]]:
    for selector in selectors:
        nodes = _outermost(css(tree, selector))
        # A family's container holds the related-news box some editors paste mid-text (issue 10 review).
        found = without_related([block for node in nodes for block in blocks_of(node)])
        if found:
            sources["body"] = f"css:{selector}"
            return nodes[0], _with_lead(tree, nodes[0], found)
    core = main_body(tree, hints=PROFILES["generic"].selectors["body"])
    if core is None:
        return None, []
    sources["body"] = core.source
    return core.node, core.blocks


def _with_lead(tree: LexborHTMLParser, container: LexborNode, found: list[Block]) -> list[Block]:
    """The family's body with the lead the generic core sees before its container, when the selectors missed it."""
    lead = lead_before(tree, container)
    shown = {block.text for block in found}
    return [*lead, *found] if lead and not any(block.text in shown for block in lead) else found


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


_TAIL_WORDS = 5
_TAIL_NOT_NAME = re.compile(r"[\d.!?;:]")
_TOP_HEADINGS = frozenset({"h1", "h2", "h3"})
_BAR = re.compile(r"\s+\|\s+")
_DOCUMENT_ROWS = 40  # blocks from the body's start where a document's detail table gives its name
_DATE_MARKS = ("/", "-", ".", "háng")  # "14/01/2025", "2025-01-14", "14.01.2025", "14 tháng 01 năm 2025"
_MAX_HEADLINE_SENTENCE_WORDS = 10  # a longer line ending in a full stop is a paragraph, not a headline
_DATE_LABEL_WINDOW = 4  # lines after a page's first labelled date where a better label may still stand
_MAX_LABELLED_LINE = 160  # characters: a longer line is a paragraph, whose dates are its story's
_DIGIT = re.compile(r"\d")
# A word of every date label (profiles.DATE_LABEL_RANKS, ISSUED_LINE), lower-cased, with no letter that matches
# another case-blind (i, k, s). "Post" or "Publish" may end a cell and "date" open the next: two lines of the
# lowered text, one line to _date_candidates.
_DATE_LABEL_WORDS = ("ngày", "ngay", "đăng", "cập", "t date", "h date", "t\ndate", "h\ndate")


def _labelled_date(
    blocks: list[Block],
    sources: dict[str, str],
    lowered: str,
    label: re.Pattern[str] = DATE_LINE,
    source: str = "label:date-line",
    body_at: int | None = None,
) -> str | None:
    """The first labelled date of the page, unless a better label (date_label_rank) follows within a few lines:
    "Ngày cập nhật: 02/05/2025 | Ngày đăng: 29/04/2025" is posted on 29/04. Below the body's first line (body_at)
    a better label's day without a time dates something in the story (a book's "Ngày xuất bản: 20/12/2024"), not
    a page dated above it: a page's stamp is to the minute, and a Q&A's answer date (DATE_LABELS_IN_TEXT) a day.
    lowered is the page's lowered_text: a page holding no label's word (_DATE_LABEL_WORDS) is not read line by
    line (most English pages: reading them cost 0.15 ms a call on the ScrapingHub benchmark)."""
    if not any(word in lowered for word in _DATE_LABEL_WORDS):
        return None
    best: tuple[int, str] | None = None
    first_at = 0
    for i, block in enumerate(blocks):
        if best is not None and (best[0] == 0 or i > first_at + _DATE_LABEL_WINDOW):
            break
        in_text = best is not None and body_at is not None and first_at < body_at < i
        for part in _date_candidates(block.text, blocks[i + 1].text if i + 1 < len(blocks) else ""):
            if (
                len(part) <= 100
                and label.fullmatch(part)
                and (best is None or date_label_rank(part) < best[0])
                and not (in_text and not dates_in_text(part) and TIME.search(part) is None)
            ):
                first_at = i if best is None else first_at
                best = (date_label_rank(part), part)
    if best is None:
        return None
    sources["published_at"] = source
    return best[1]


def _date_candidates(text: str, following: str) -> tuple[str, ...]:
    """Where a labelled date may be: the line, each part of it between bars ("Người viết: Lê Thu Hà | Cập nhật
    lúc 09:45 ngày 03/04/2025") or from each date label on ("Người đăng: Quản trị viên - Ngày đăng: 14/11/2024"),
    or a label alone in its cell with the date in the next ("Ngày ban hành" | "10/01/2025")."""
    if " | " in text:
        return (text, *_BAR.split(text), *_from_date_labels(text))
    if _DIGIT.search(text) is None and len(text) <= 40:
        return (text, f"{text} {following}")
    return (text, *_from_date_labels(text))


def _from_date_labels(text: str) -> tuple[str, ...]:
    """The line's parts that open with a date label after its start; the label search (20 us a line) runs only on
    a short line holding a colon and a piece of a label."""
    if len(text) > _MAX_LABELLED_LINE or ":" not in text:
        return ()
    lowered = text.lower()
    if not any(piece in lowered for piece in DATE_LABEL_PIECES):
        return ()
    starts = [m.start() for m in DATE_LABEL.finditer(text) if m.start() > 0]
    return tuple(text[a:b].strip(" -–—|,;(") for a, b in zip(starts, [*starts[1:], len(text)], strict=False))


def _views(
    tree: LexborHTMLParser,
    profile: Profile,
    body_node: LexborNode | None,
    sources: dict[str, str],
    labelled: bool,
) -> int | None:
    """The article's view count: in the family's element, as a labelled count near the article (only when the
    page's text holds a label: labelled), or after an eye icon."""
    for selector in profile.selectors.get("views", ()):
        node = css_first(tree, selector)  # prefilter: no walk of the tree for a class the page lacks
        if node is not None and (match := VIEW_COUNT.search(_node_value(node))):
            sources["views"] = f"css:{selector}"
            return checked_count(match.group(1), "views", sources)
    # Otherwise only near the article (its container's parents), never in a related-news list elsewhere.
    near = body_node.parent if body_node is not None else None
    if near is None:
        return None
    scope = near.parent if near.parent is not None and near.parent.parent is not None else None
    if labelled and scope is not None and (views := views_near(scope, sources)) is not None:
        return views
    return views_by_icon(scope or near, sources)


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
            values["views"] = checked_count(_node_value(node), "views", sources)
        else:
            values[name] = _node_value(node) or values[name]
    values["sources"] = sources
    return _Fields(**values)


# -- fields found the same way on every family ------------------------------------------------------------


_ATTACHMENT_WORDS = ("đính kèm", "tải về", "attachment", "download")  # pieces of every ATTACHMENT_HEADING
_MAX_ATTACHMENT_HEADING = 40  # characters besides the links: "Tài liệu đính kèm:" and a file's name


def _attachment_lists(blocks: list[Block], body: list[Block]) -> list[Block]:
    """The article's attachment lists: a heading ("Tệp đính kèm:"), alone or before its links, and the lines of
    file links under it (a list, a table, links in a box), among the body's blocks or just below them (a
    sidebar's "Tải về" box of forms is the site's, not the article's)."""
    texts = {block.text for block in body}
    at = [i for i, block in enumerate(blocks) if block.text in texts]
    if not at:
        return []
    start, end = at[0], at[-1]
    found: list[Block] = []
    for i in range(start, min(end + 1 + _AFTER_BODY, len(blocks))):
        block = blocks[i]
        heading = ATTACHMENT_HEADING.match(block.text)
        if heading is None or (heading.end() < len(block.text) and not _file_line(block)):
            continue
        if len(block.text) - sum(len(link.text) for link in block.links) > _MAX_ATTACHMENT_HEADING:
            continue
        files = list(takewhile(_file_line, blocks[i + 1 :]))
        if files or block.links:
            found += [block, *files]
    return found


def _file_line(block: Block) -> bool:
    """A line of links to files and little else ("KH_2025.pdf", "Tải về: Mau_01.doc")."""
    linked = sum(len(link.text) for link in block.links)
    return (
        bool(block.links)
        and all(ATTACHMENT_URL.search(link.href) for link in block.links)
        and len(block.text) - linked <= _MAX_ATTACHMENT_HEADING
    )


def _attachments(blocks: Iterable[Block], url: str | None) -> tuple[Attachment, ...]:
    found: dict[str, Attachment] = {}
    for block in blocks:
        for link in block.links:
            if ATTACHMENT_URL.search(link.href):
                address = urljoin(url or "", link.href)
                found.setdefault(address, Attachment(address, link.text))
    return tuple(found.values())


def _caption_text(block: Block) -> str:
    """A block's text; a figure's caption without the photo's credit (PHOTO_CREDIT_TAIL)."""
    if block.tag != "figcaption":
        return block.text
    return PHOTO_CREDIT_TAIL.sub("", block.text).strip()


def _finish(
    fields: _Fields,
    blocks: list[Block],
    labelled: list[int],
    profile: Profile,
    url: str | None,
    listed: list[Block],
) -> Article:
    """The Article of the fields found; the page's attachment lists (listed) leave the body, their files kept."""
    title = clean_line(fields.title)
    if not title or len(title) > MAX_TITLE_CHARS:
        raise ExtractError("missing_field:title")
    kept = [b for b in fields.body if b not in listed] if listed else fields.body
    body = "\n\n".join(text for b in kept if (text := _caption_text(b)))
    if not body:
        raise ExtractError("missing_field:body")
    return Article(
        url=url,
        title=title,
        published_at=fields.published_at,
        author=clean_line(fields.author) if fields.author else None,
        body=body,
        site_visits=find_site_visits(blocks, fields.sources, labelled),
        views=fields.views,
        profile=profile.name,
        attachments=_attachments([*fields.body, *listed], url),
        sources=fields.sources,
        category=clean_line(fields.category) if fields.category else None,
        source=clean_line(fields.source) if fields.source else None,
    )
