"""The generic body core: the main block of a page no profile knows, and only the article's text in it.

Ideas taken (not code) from three extractors, each measured on the ScrapingHub benchmark (bench_generic.py):
Readability scores paragraphs and credits their parent and grandparent, weighted by class names and link
density; trafilatura removes site chrome (share rows, related boxes, comments) by element and class before it
reads the text; jusText judges each block by its length and link density, and short blocks by their neighbours.
Profiles hint into this core: their body selectors name the candidate containers first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import BLOCK_TAGS, Block, blocks_of, is_inside
from .compiled import Scorer, compiled_scoring
from .counters import is_counter_line
from .dates import parse_datetime
from .prefilter import css, css_first
from .profiles import ATTACHMENT_HEADINGS, FOOTER_LABELS

# Elements that are never the article's text wherever they sit.
CHROME_TAGS = "nav, aside, footer, button, form[role=search], dialog, figure cite"
# Class or id words of chrome inside a content container (trafilatura's discard lists name the same kinds).
CHROME_WORDS = (
    "share",
    "sharing",
    "social",
    "related",
    "relate",
    "lienquan",
    "lien-quan",
    "tinkhac",
    "tin-khac",
    "other-news",
    "comment",
    "newsletter",
    "subscribe",
    "promo",
    "advert",
    "sponsor",
    "recommend",
    "outbrain",
    "taboola",
    "sidebar",
    "breadcrumb",
    "toolbar",
    "print",
    "caption",
    "credit",
    "author-bio",
    "signup",
    "popular",
    "most-read",
    "trending",
    "read-more",
    "readmore",
    "tags",
)
_CAPTIONS = '[class*="caption"], [id*="caption"]'
# Of a container's text in captions: an album's captions are kept, a story's one or two dropped.
ALBUM_CAPTION_SHARE = 0.5
_CHROME_SELECTOR = ", ".join([CHROME_TAGS] + [f'[class*="{word}"], [id*="{word}"]' for word in CHROME_WORDS])
# Matched against lower-cased class names: a case-blind alternation costs 6x more (13 against 2 us a name).
_POSITIVE = re.compile(r"article|body|content|entry|main|post|text|story|detail|noi-?dung|chi-?tiet|news")
_NEGATIVE = re.compile(
    r"comment|meta|footer|footnote|sidebar|related|share|social|widget|sponsor|promo|banner|menu|nav"
)
# A lead (sapo) sits between the headline and the body, often outside the body's container.
LEAD_SELECTOR = '[class*="sapo"], [class*="tomtat"], [class*="tom-tat"], [class*="summary"], [class*="lead"]'


def _phrases(*alternatives: str, tail: str = "", head: str = "") -> re.Pattern[str]:
    """One case-insensitive pattern matching head, any of the phrases (each a regex), then tail."""
    return re.compile(head + "(?:" + "|".join(alternatives) + ")" + tail, re.I)


# Lines that open a related-news box: the box runs from here to the next real paragraph. An arrow may lead
# (">> Xem thêm:", "» Tin liên quan"); a video or photo story's box names its kind ("Video khác").
RELATED_HEADING = _phrases(
    *("Tin liên quan", "Các tin khác", "Tin khác", "Tin cùng chuyên mục", "Bài liên quan", "Đọc tiếp"),
    "(?:Các )?(?:Video|Clip|Phóng sự|Album|Ảnh|Hình ảnh|Bài viết|Văn bản)(?: khác| liên quan)",
    *("Xem thêm", "Đọc thêm", "Tin mới", "Tin nổi bật", "Đọc nhiều", "Tin đọc nhiều", "Có thể bạn quan tâm"),
    *("Related(?: articles| stories| news)?", "Read more", "Read next", "More from .{1,40}", "See also"),
    *("Recommended(?: for you)?", "You may also like", "Don't miss", "More on this story", "Most popular"),
    *("Most read", "Trending(?: now)?"),
    tail=r"\s*(?::|\.\.\.|…)?",
    head=r"(?:[>»›►▶→]+\s*)?",
)
# Whole lines that are never the article's text: advert slots, paywall and comment prompts.
BOILERPLATE_LINE = _phrases(
    *("Advert(?:isement)?", "Quảng cáo", "To read the full story", "Subscribe", "Sign in", "Sign up"),
    *("Subscribe Sign In", r"Tell us what you think\.*", "Comments?", r"\d+ comments?", r"Loading\.*"),
    *(r"This slideshow requires JavaScript\.", "Ý kiến bạn đọc", "Gửi bình luận", "Bình luận"),
    # An attachment list's heading: its links to files are link lines, never body.
    *ATTACHMENT_HEADINGS,
    tail=r"\s*:?",
)
# Headings that open the readers' comments: the story ends above them.
COMMENTS_HEADING = _phrases(
    *(
        "Ý kiến bạn đọc",
        "Ý kiến",
        "Bình luận",
        "Gửi ý kiến",
        "Gửi bình luận",
        "Ý kiến của bạn",
        "Viết bình luận",
    ),
    *(r"Bình luận \(\d+\)", "Comments?", r"\d+ comments?", "Leave a (?:comment|reply)"),
    tail=r"\s*:?",
)
# Lines above the story that say who wrote it and when ("By", "Published 18 November 2019").
META_LINE = _phrases("By", "Published", "Updated", "Posted", "Last updated", "PUBLISHED:", tail=r"\b.{0,80}")
# Tool labels a chrome line is made of ("Chia sẻ | In | Gửi email", "In bài viết | Quay lại").
TOOL_LABEL = _phrases(
    *("Chia sẻ", "In", "In bài(?: viết)?", "In trang", "Bản in", "Gửi email", "Gửi", "Email", "Quay lại"),
    *("Trở lại", "Về đầu trang", "Lên đầu", "Lưu", "Bình luận", "Thích", "Sao chép liên kết", "Copy link"),
    *("Facebook", "Zalo", "Twitter", "Tweet", "Share", "Print", "Save", "Comment", "Top", "Back"),
    *("Pinterest", "LinkedIn", "WhatsApp", "Reddit"),
    # A print view's own tools ("In bài viết | Đóng cửa sổ", NukeViet's "In ra Đóng cửa sổ này").
    *("In ra", "Đóng", "Đóng cửa sổ(?: này)?", "Close(?: window)?"),
)
# A print view's line naming the article's address ("URL: https://…", "URL của bản tin này: https://…").
ADDRESS_LINE = re.compile(
    r"(?:URL|Link|Đường dẫn)(?: của (?:bản tin|bài viết)(?: này)?)?\s*:\s*https?://\S+", re.I
)
# A site footer's lines that name the site's owner: the footer opens at the first labelled line of the run
# that ends the page; the other labels ("Địa chỉ", "Email") may end a notice's own text, so one of these must be
# in that run.
OWNER_LINE = re.compile(
    r"(?:Cơ quan chủ quản|(?:Người )?chịu trách nhiệm|Bản quyền|Copyright|©|(?:Xin )?(?:vui lòng )?ghi rõ nguồn)",
    re.I,
)
# A row of tool labels and separators, nothing else.
_TOOL_ROW = re.compile(rf"(?:{TOOL_LABEL.pattern}\s*[:|•·/,-]?\s*)+", re.I)
# A <br> under one of these makes its parent a paragraph.
_LINE_PARENTS = frozenset({"div", "td", "section", "article", "span", "font"})
_BROKEN_LINES = ", ".join(f"{tag} > br" for tag in sorted(_LINE_PARENTS))
_MAX_HEADLINE_CHARS = 200
_WHOLE_TEXT = frozenset({"p", "pre", "blockquote", "figure"})  # read deep; other text holders by own text
MIN_PARAGRAPH = 25  # characters; shorter paragraphs score nothing (Readability's floor)
# A <div> of text alone is read as a paragraph from this length: a date or label line in a <div> is shorter.
MIN_DIV_PARAGRAPH = 80
# Below this score no paragraph of a story was found (one of 25 characters scores 1.25, credited to its parent):
# the page's text, if any, is short lines.
_WEAK_SCORE = 2.0
MIN_SERIES_DATES = 2  # date lines after a schedule's first day: one more date is a signature's or an event's
MIN_SHORT_LINE = 10  # characters: a verse, a caption, a signature; a menu entry is shorter or a link
# What main_body scores, in turn, as (shortest paragraph, paragraph tags, shortest text <div>): Readability's
# paragraphs; a page of short lines; figures.
_PARAGRAPHS = (MIN_PARAGRAPH, "p, pre, blockquote", MIN_DIV_PARAGRAPH)
_SHORT_LINES = (1, "p, pre, blockquote", MIN_SHORT_LINE)
_FIGURES = (1, "figure", MIN_DIV_PARAGRAPH)
SCORING_SETTINGS = (_PARAGRAPHS, _SHORT_LINES, _FIGURES)
# A <div> with no block element among its children, found by lexbor (reading each div's children in Python
# cost a quarter more on the ScrapingHub pages).
_LEAF_DIV = f"div:not(:has({', '.join(f'> {tag}' for tag in sorted(BLOCK_TAGS))}))"


@dataclass(frozen=True)
class MainBody:
    """The blocks of an article's body, the element they came from and how it was chosen."""

    node: LexborNode
    blocks: list[Block]
    source: str


def main_body(tree: LexborHTMLParser, hints: Iterable[str] = ()) -> MainBody | None:
    """The article's body: the best-scored container (or a hinted one that agrees with it), cleaned of chrome."""
    root = tree.body
    if root is None:
        return None
    # A page of short lines still has a body; a photo album's captions may be its only text.
    scored = _scored(root, *_PARAGRAPHS)
    if scored is None or scored[1] < _WEAK_SCORE:
        # A page of short lines (a photo album's captions, a poem's verses, each in its own <div>) still has a
        # body: the container of those lines, not the header or footer that won on a line or two.
        scored = _scored(root, *_SHORT_LINES) or scored
    scored = scored or _scored(root, *_FIGURES)
    best = scored[0] if scored else None
    found = _hinted(tree, hints, best) or ((best, "score:paragraphs") if best is not None else None)
    if found is None:
        return None
    node, source = found
    lead = lead_before(tree, node)
    drop_chrome(node)
    blocks = _without_leading_dates(clean_blocks(blocks_of(node)))
    if lead is not None:
        blocks = lead + [b for b in blocks if b not in lead]
    return MainBody(node, blocks, source)


def _without_leading_dates(blocks: list[Block]) -> list[Block]:
    """The body without the headline and date lines above its first paragraph ("Thứ Ba, 14/01/2025 - 09:30"),
    which a container holding the headline brings along; a lead photo's caption above them stays."""
    captions: list[Block] = []
    start = 0
    while start < len(blocks):
        if blocks[start].tag == "figcaption":
            captions.append(blocks[start])
        elif not _is_heading_meta(blocks[start], blocks[start + 1 :]):
            break
        start += 1
    # A week's schedule opens on its first day ("Thứ Hai, 12/5/2025") and dates each day after: a date line
    # heading a series of them is the story's own text (review J).
    if start and _is_date_line(blocks[start - 1].text) and _dated_series(blocks[start:]):
        start -= 1
    return captions + blocks[start:]


def _dated_series(blocks: list[Block]) -> bool:
    """Whether lines of text follow each other under date lines, two dates at least."""
    return sum(_is_date_line(block.text) for block in blocks) >= MIN_SERIES_DATES


def _is_heading_meta(block: Block, rest: list[Block]) -> bool:
    """The headline, a date line, a "By"/"Published" line, or a bare name line above the story."""
    text = block.text
    # A print view shows its headline as <h2> over the date line, and the site's name above it.
    if (
        block.tag == "h1"
        or _is_date_line(text)
        or (block.tag == "h2" and rest and _is_date_line(rest[0].text))
    ):
        return True
    if len(text) <= 100 and META_LINE.fullmatch(text):
        return True
    # A short unpunctuated line ("Randy Maniloff") right before a meta line belongs to the byline; a longer one
    # right before a date line is the headline, shown in a styled <p> inside the body's container.
    if not rest or text[-1] in ".:!?…" or not _is_heading_meta(rest[0], rest[1:2]):
        return False
    return len(text) <= 40 or (len(text) <= _MAX_HEADLINE_CHARS and _is_date_line(rest[0].text))


def _is_date_line(text: str) -> bool:
    return len(text) <= 60 and parse_datetime(text) is not None


def drop_chrome(node: LexborNode) -> None:
    """Remove share rows, related boxes, comments and the like under node, but never the article's text.

    Class names are matched as substrings (as trafilatura does), so a wrapper named "l-sidebar-fixed
    l-article-body-segment" matches too: an element holding a large share of the paragraph text stays, and so
    do captions holding most of node's text (a photo album's captions are its body).
    """
    own = paragraph_text(node)
    removed: set[int] = set()
    album: bool | None = None  # asked once, at the first caption
    found = css(node, _CHROME_SELECTOR)
    # lexbor destroys a removed element's descendants with it (their parents then read as None): which listed
    # elements lie under which is read before anything is removed, and a destroyed one is never read again.
    above = _listed_ancestors(found, node)
    for chrome in found:
        if chrome.mem_id == node.mem_id or not removed.isdisjoint(above[chrome.mem_id]):
            continue
        if _is_caption(chrome):
            album = _captions_hold_text(node) if album is None else album
            if album:
                continue
        # len(text) bounds paragraph_text from above and costs one C call: most chrome is short.
        if len(chrome.text()) <= 300 or paragraph_text(chrome) <= max(300, own // 4):
            removed.add(chrome.mem_id)
            chrome.decompose()


def _is_caption(node: LexborNode) -> bool:
    """Whether an element is named as a caption ("photo-caption", "captionImage")."""
    names = " ".join(filter(None, (node.attributes.get("class"), node.attributes.get("id"))))
    return "caption" in names


def _captions_hold_text(node: LexborNode) -> bool:
    """Whether captions hold most of node's text: a photo album, whose captions are its body."""
    captions = _outer_text(css(node, _CAPTIONS))
    return captions >= ALBUM_CAPTION_SHARE * len(node.text(strip=True))


def _outer_text(nodes: list[LexborNode]) -> int:
    """Characters of text under nodes, a node inside an earlier one not counted twice."""
    total = 0
    last: LexborNode | None = None
    for node in nodes:
        if last is None or not is_inside(node, last):
            total += len(node.text(strip=True))
            last = node
    return total


def _listed_ancestors(nodes: list[LexborNode], top: LexborNode) -> dict[int, list[int]]:
    """For each node, the addresses of its ancestors below top that are among nodes."""
    listed = {node.mem_id for node in nodes}
    found: dict[int, list[int]] = {}
    for node in nodes:
        found[node.mem_id] = ancestors = []
        parent = node.parent
        while parent is not None and parent.mem_id != top.mem_id:
            if parent.mem_id in listed:
                ancestors.append(parent.mem_id)
            parent = parent.parent
    return found


def _hinted(
    tree: LexborHTMLParser, hints: Iterable[str], best: LexborNode | None
) -> tuple[LexborNode, str] | None:
    """The first hinted container that agrees with the scored one (holds it or lies in it).

    Of many matches (<article> sidebars, teasers) the one holding the headline wins, else the one richest in
    paragraph text: chosen by content, never by coming first.
    """
    headline = css_first(tree, "h1")
    for selector in hints:
        scored = [(paragraph_text(node), node) for node in css(tree, selector)]
        scored = [pair for pair in scored if pair[0] > 0]
        if not scored:
            continue
        holding = [pair for pair in scored if headline is not None and is_inside(headline, pair[1])]
        node = max(holding or scored, key=lambda pair: pair[0])[1]
        if best is None or is_inside(best, node) or is_inside(node, best) or best.mem_id == node.mem_id:
            return node, f"css:{selector}"
    return None


def paragraph_text(node: LexborNode) -> int:
    """Characters of paragraph text under node, links left out."""
    return _scorer().paragraph_chars(node, MIN_PARAGRAPH)


def _paragraph_text_in_python(node: LexborNode, shortest: int) -> int:
    """paragraph_text without the compiled part, of paragraphs from `shortest` characters."""
    total = 0
    for paragraph in node.css("p"):
        text = paragraph.text(strip=True)
        if len(text) >= shortest:
            total += len(text) - _link_chars(paragraph)
    return total


def _link_chars(node: LexborNode) -> int:
    """Characters of link text among node's children (a paragraph's links sit there; css() per node is slow)."""
    return sum(len(child.text(strip=True)) for child in node.iter() if child.tag == "a")


def _paragraphs(root: LexborNode, tags: str, div_chars: int = MIN_DIV_PARAGRAPH) -> list[LexborNode]:
    """The elements of `tags` (<p>, <pre>, <blockquote>), the elements whose own text is cut into lines by <br>,
    and the <div>s holding a paragraph's length of text and no block inside (Word-pasted or old ASP.NET bodies).

    Readability reads every <div> for text of its own; asking for the parents of <br>s finds the same
    paragraphs at a fifth of the cost (measured on the ScrapingHub pages).
    """
    # One walk of the tree for the three kinds (each query walks it all); `tags` never names a div or a br.
    found: list[LexborNode] = []
    breaks: list[LexborNode] = []
    divs: list[LexborNode] = []
    for node in root.css(f"{tags}, {_BROKEN_LINES}, {_LEAF_DIV}"):
        tag = node.tag
        (breaks if tag == "br" else divs if tag == "div" else found).append(node)
    seen = {node.mem_id for node in found}
    for line_break in breaks:
        parent = line_break.parent
        if parent is not None and parent.mem_id not in seen:
            seen.add(parent.mem_id)
            found.append(parent)
    for div in divs:
        if div.mem_id not in seen and len(div.text(strip=True)) >= div_chars:
            seen.add(div.mem_id)
            found.append(div)
    return found


def _reads_deep(node: LexborNode) -> bool:
    """Whether a paragraph's text is all its text (inline children only) or only its own text."""
    return node.tag in _WHOLE_TEXT or not any(child.tag in BLOCK_TAGS for child in node.iter())


def _scored(root: LexborNode, shortest: int, tags: str, div_chars: int) -> tuple[LexborNode, float] | None:
    """Readability's candidate and its score: paragraph scores credited to parent (full) and grandparent (half)."""
    return _scorer().best(root, shortest, tags, div_chars)


@functools.cache
def _scorer() -> Scorer:
    """The compiled scoring (scraper/_blocks.c), or the Python one when it is not built."""
    compiled = compiled_scoring(
        BLOCK_TAGS,
        _WHOLE_TEXT,
        _LINE_PARENTS,
        _scores_nothing,
        _names_weight,
        _PYTHON_SCORER,
        SCORING_SETTINGS,
    )
    return compiled or _PYTHON_SCORER


def _scored_in_python(
    root: LexborNode, shortest: int, tags: str, div_chars: int
) -> tuple[LexborNode, float] | None:
    """_scored without the compiled scoring (scraper/_blocks.c does the same in C)."""
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for paragraph in _paragraphs(root, tags, div_chars):
        deep = _reads_deep(paragraph)
        text = paragraph.text(deep=deep, strip=True)
        if len(text) < shortest:
            continue
        score = 0.0 if _scores_nothing(text) else 1 + text.count(",") + min(len(text) / 100, 3)
        if deep:
            score *= max(0.0, 1 - _link_chars(paragraph) / len(text))
        ancestor = paragraph.parent
        for level in (1, 2):
            if ancestor is None or ancestor.tag == "html":
                break
            key = ancestor.mem_id
            if key not in nodes:
                nodes[key] = ancestor
                scores[key] = _class_weight(ancestor)
            scores[key] += score / level
            ancestor = ancestor.parent
    if not scores:
        return None
    key = max(scores, key=scores.__getitem__)
    return nodes[key], scores[key]


def _scores_nothing(text: str) -> bool:
    """A site footer's line ("Cơ quan chủ quản: …") or a visitor counter's ("Tổng lượt truy cập: 3.333").

    They would credit the page's <body> or the counter box over a short story's container, so they score
    nothing; they still make their parents candidates (a photo album has no other text)."""
    return FOOTER_LABELS.match(text) is not None or is_counter_line(text)


def _class_weight(node: LexborNode) -> float:
    return _names_weight(" ".join(filter(None, (node.attributes.get("class"), node.attributes.get("id")))))


# Class names repeat on a page and across a site's pages: a search of the two patterns cost 2 us a name.
@functools.lru_cache(maxsize=4096)
def _names_weight(names: str) -> float:
    """+25 for a class or id naming content ("article-body"), -25 for chrome ("sidebar"), 0 for both or none."""
    lowered = names.lower()
    if not lowered:
        return 0.0
    return 25.0 * (bool(_POSITIVE.search(lowered)) - bool(_NEGATIVE.search(lowered)))


def lead_before(tree: LexborHTMLParser, body: LexborNode) -> list[Block] | None:
    """A lead marked as such (sapo, summary) outside the body's container, or None."""
    near = body.parent.parent if body.parent is not None and body.parent.parent is not None else body
    for node in css(near, LEAD_SELECTOR):
        if node.tag in ("html", "body") or is_inside(node, body) or is_inside(body, node):
            continue
        if not _before(node, body, near):
            continue  # a summary after the body is a related-news card's, not this article's lead
        found = clean_blocks(blocks_of(node))
        if found and sum(len(b.text) for b in found) >= 40:
            return found
    return None


def _before(node: LexborNode, body: LexborNode, top: LexborNode) -> bool:
    """Whether node comes before body in the page, both under top: in an earlier sibling of body or of a parent."""
    current: LexborNode | None = body
    while current is not None and current.mem_id != top.mem_id:
        sibling = current.prev
        while sibling is not None:
            if sibling.mem_id == node.mem_id or is_inside(node, sibling):
                return True
            sibling = sibling.prev
        current = current.parent
    return False


def clean_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks that are the article's text: no link lists, tool rows, related-news boxes or comments."""
    kept = [
        b
        for b in without_related(blocks)
        if not is_chrome(b) and not BOILERPLATE_LINE.fullmatch(b.text) and not ADDRESS_LINE.fullmatch(b.text)
    ]
    return without_footer(before_comments(kept, blocks))


def without_footer(blocks: list[Block]) -> list[Block]:
    """The blocks without the site footer that ends them: the last run of labelled footer lines ("Cơ quan chủ
    quản: …", "Địa chỉ: …", "Ghi rõ nguồn …"), when one of its lines names the site's owner."""
    start = len(blocks)
    while start > 0 and FOOTER_LABELS.match(blocks[start - 1].text):
        start -= 1
    if not any(OWNER_LINE.match(block.text) for block in blocks[start:]):
        return blocks
    return blocks[:start]


def before_comments(kept: list[Block], blocks: list[Block]) -> list[Block]:
    """The kept blocks above the readers' comments: a comments heading (not a link) below a paragraph of the
    story ends it, with the commenters' names, dates and words under it."""
    above: set[int] = set()
    for block in blocks:
        heading = not block.links and COMMENTS_HEADING.fullmatch(block.text)
        if heading and any(id(b) in above and len(b.text) >= 80 for b in kept):
            return [b for b in kept if id(b) in above]
        above.add(id(block))
    return kept


def without_related(blocks: list[Block]) -> list[Block]:
    """The blocks without related-news boxes: a "Tin liên quan:" line and the links or short lines under it."""
    kept: list[Block] = []
    in_related = False
    for block in blocks:
        if RELATED_HEADING.fullmatch(block.text):
            in_related = True
            continue
        if _is_related_link(block):
            continue
        if in_related and (block.links or len(block.text) < 80):
            continue
        in_related = False
        kept.append(block)
    return kept


def _is_related_link(block: Block) -> bool:
    """A related-news label and its link on one line ("Đọc tiếp: <a>Headline</a>"), pasted inside the text."""
    label = RELATED_HEADING.match(block.text)
    if label is None or not block.links:
        return False
    rest = block.text[label.end() :].strip(" »›>:-–")
    return bool(rest) and sum(len(link.text) for link in block.links) >= 0.8 * len(rest)


def is_chrome(block: Block) -> bool:
    """A line of links or tool labels: mostly link text, or every piece between separators a tool label."""
    text = block.text
    link_chars = sum(len(link.text) for link in block.links)
    if link_chars and link_chars >= 0.6 * len(text):
        return True
    return len(text) <= 80 and _TOOL_ROW.fullmatch(text) is not None


_PYTHON_SCORER = Scorer(_scored_in_python, _paragraph_text_in_python)
