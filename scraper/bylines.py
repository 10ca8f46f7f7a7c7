"""Who wrote an article, and what is no article text: bylines, source lines and tool-link chrome, by shape.

Shapes, not one family's labels (issue 10, classes 1 and 2): a byline is a short line of capitalised words
("Bình Nguyên", "HÀ PHƯƠNG", "Thu Hà - Trung tâm Văn hóa, Thể thao huyện", "Theo Minh Anh"); a chrome line is
short and made of tool labels or short links with separators ("In bài viết | Quay lại").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .blocks import Block
from .pagekind import MIN_LEAD_CHARS
from .profiles import (
    ACCOUNT_NAMES,
    ATTACHMENT_URL,
    AUTHOR_LINE,
    CHROME_SEPARATORS,
    CLAUSE_WORDS,
    CLOSING_DATE_LINE,
    COURTESY_LINE,
    CREDIT_LABEL,
    DOMAIN_NAME,
    EDITORIAL_BOARD,
    FAMILY_NAMES,
    FOOTER_LABELS,
    GOVERNMENT_NAME,
    LEGAL_DOCUMENT,
    NOISE_LINES,
    NOT_A_NAME,
    OFFICE_LINE,
    PHOTO_LINE,
    PUBLICATION_WORDS,
    SENTENCE_WORDS,
    SIGNATURE_LINE,
    SITE_NAME_WORDS,
    SOURCE_LINE,
    TOOL_LABELS,
    UNIT_JOINT,
    UNIT_LEVEL,
    UNIT_PLACE_END,
    UNIT_WORDS,
    VIEW_COUNT,
    either,
)
from .text import clean_line

MAX_BYLINE_CHARS = 60
MAX_CREDIT_CHARS = 90  # "Name - Unit" lines are longer than a bare name
MAX_CHROME_CHARS = 80
_TRAILING_NOTE = re.compile(r"\s*\([^()]{1,40}\)$")
_DATE_IN_NOTE = re.compile(r"\(\s*\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\s*\)$")
_THEO = re.compile(r"(?:Theo|Bởi|Đăng bởi|Viết bởi|By|Posted by)(?:\s*:)?\s+(.+)", re.I)
_CREDIT_PARTS = re.compile(r"\s+[|•]\s+|\s*;\s*")
# A spaced dash before another label or a date ends a credit ("Hữu Phúc - Nguồn: …", "Lê Hoa - 14/01/2025 08:30");
# before anything else it joins a name to its unit ("Thu Hà - Trung tâm Văn hóa, Thể thao huyện").
_DASH_BEFORE_PART = re.compile(
    r"\s+[-–—]\s+(?=[^\W\d_]+(?:\s+[^\W\d_]+){0,3}\s*:|\d{1,2}[/.-]\d{1,2}[/.-]\d{4})"
)
# "Đăng ngày 14/01/2025 08:30 bởi Lê Hoa", "Posted on: 15/11/2024 08:30 | By Minh Chau": after the date's
# figures or a bar, "bởi" / "by" starts the byline.
_POSTED_BY = re.compile(r"(?:(?<=\d)|(?<=[|•]))\s+(?=(?:bởi|by)\s)", re.I)
_BRACKETED_THEO = re.compile(r"\(\s*(Theo\s+[^()]+?)\s*\)", re.I)
# "… giữ gìn công trình. (Theo Báo Quảng Trị)": the credit glued to the last paragraph, after its last sentence.
_GLUED_THEO = re.compile(r"(?<=[.!?…\"”])\s*\(\s*Theo\s+([^()]{2,90}?)\s*\)$")
# A section number of a report's outline ("I. KẾT QUẢ ĐẠT ĐƯỢC", "II) TỒN TẠI"): a heading, not a name.
_OUTLINE_NUMBER = re.compile(r"[IVX]{1,4}[.)]\s")
_PAIR = re.compile(r"(.+?)\s+[-–]\s+(.+)")
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CHROME_LINK_WORDS = 3  # a tool link says "In", "Gửi email", "Về đầu trang"
_CHROME_LABEL_CHARS = 12  # what a tool line says besides its links: "Chia sẻ:", "Cỡ chữ:"
# Every match of CHROME_SEPARATORS holds one of these.
_SEPARATOR_SIGN = re.compile(r"[|·•/,:;-]|\s\s")
# Compiled once: the cached either() hashes its patterns on every call (1.5 us, thirty calls a page).
_NOISE_LINE = either(NOISE_LINES)


@dataclass(frozen=True)
class Credits:
    """The byline and source lines found around a body, and the body without them."""

    author: str | None
    source: str | None
    body: list[Block]
    how: str | None = None  # where the author came from, for `sources`
    date: str | None = None  # a closing date line ("Triệu Ái, ngày 08 tháng 02 năm 2025"), as shown


def is_noise(block: Block) -> bool:
    """Leaked debug lines, share buttons and tool-link lines: never article text."""
    return _NOISE_LINE.fullmatch(block.text) is not None or is_chrome(block)


def is_chrome(block: Block) -> bool:
    """A short line of tool labels or short links ("Chia sẻ | In | Gửi email", "In Gửi email Về đầu trang")."""
    if len(block.text) > MAX_CHROME_CHARS or not (_tool_labels_only(block.text) or _short_links_only(block)):
        return False
    # A line linking a file is content: its links are searched last, on the few lines shaped like tools.
    return not any(ATTACHMENT_URL.search(link.href) for link in block.links)


def _tool_labels_only(text: str) -> bool:
    # A line without a separator's sign is one segment: the split, which tries every position, is spared on most
    # lines (a third of is_chrome's time, 30 calls a page).
    if _SEPARATOR_SIGN.search(text):
        segments = [s for s in CHROME_SEPARATORS.split(text) if s]
    else:
        segments = [text] if text else []
    return bool(segments) and all(s.casefold().strip(" .") in TOOL_LABELS for s in segments)


def _short_links_only(block: Block) -> bool:
    if len(block.links) < 2 or any(len(link.text.split()) > _CHROME_LINK_WORDS for link in block.links):
        return False
    rest = block.text
    for link in block.links:
        rest = rest.replace(link.text, "", 1)
    return len(CHROME_SEPARATORS.sub("", rest)) <= _CHROME_LABEL_CHARS


def is_byline(block: Block) -> bool:
    """A bare byline: a short line of capitalised words, no final stop ("Bình Nguyên", "HÀ PHƯƠNG", "BBT")."""
    return not block.links and _is_name(block.text, MAX_BYLINE_CHARS)


def byline_author(block: Block) -> str | None:
    """The author a byline names: the line, "Name - Unit" whole, X for "Theo X" or "Tác giả: X"; else None."""
    text = _unwrapped(block.text)
    if block.links or len(text) > MAX_CREDIT_CHARS or SOURCE_LINE.fullmatch(text):
        return None
    if labelled := AUTHOR_LINE.fullmatch(text):
        named = clean_line(labelled.group(1))
        return named if named and not is_account_name(named) else None
    if theo := _THEO.fullmatch(text):  # "Theo X", "Bởi X": X, unless X is the CMS account that posted it
        named = theo.group(1)
        if is_account_name(named):
            return None
        if _is_credited(named):
            return named
    if _is_name(text, MAX_BYLINE_CHARS):
        return text
    pair = _PAIR.fullmatch(text)
    if pair and _is_name(pair.group(1), 40) and _is_unit(pair.group(2)):
        return text
    return None


def _unwrapped(text: str) -> str:
    """A "Theo X" credit without the brackets some editors put round it: "(Theo Báo Quảng Trị)" (a photo
    credit in brackets, "(Reed Saxon / AP)", stays as it is)."""
    return match.group(1) if (match := _BRACKETED_THEO.fullmatch(text)) else text


def _is_name(text: str, limit: int) -> bool:
    # A note in brackets after a name ("Minh Anh (CTV)") may be cut, a date in brackets may not: "Thứ Hai
    # (12/05/2025)" heads a day of a schedule, not a byline.
    if _DATE_IN_NOTE.search(text):
        return False
    core = _TRAILING_NOTE.sub("", text)
    words = core.split()
    if len(text) > limit or not 1 <= len(words) <= 6:
        return False
    if text[-1] in ".:;!?…," or any(ch.isdigit() for ch in core) or _OUTLINE_NUMBER.match(core):
        return False
    if COURTESY_LINE.match(core):
        return False
    if all(w[0].isupper() for w in words if w[0].isalpha()):
        return True
    # Organisations sign as "Trung tâm DVNN huyện", "Phòng VHTT thị xã": capitalised, with an acronym.
    return words[0][0].isupper() and any(len(w) >= 2 and w.isupper() for w in words[1:])


def _is_unit(text: str) -> bool:
    """The second half of "Name - Unit": another name, or a capitalised unit name of a few words."""
    words = text.split()
    return (
        _is_name(text, 50)
        or 1 <= len(words) <= 10
        and words[0][0].isupper()
        and text[-1] not in ".:;!?…"
        and not any(ch.isdigit() for ch in text)
    )


def credits_after(following: list[Block]) -> Credits:
    """Author and source lines just after the body, outside its container, up to a link or heading: labelled
    ones, else a bare byline as the first line ("Thanh Tâm" in a right-aligned <p> below the content <div>)."""
    author: str | None = None
    source: str | None = None
    for block in _label_cells_joined(following):
        if block.links or block.tag in _HEADING_TAGS:
            break
        labelled = labelled_credit(block)
        if labelled is not None and labelled[0] == "author":
            author = author or labelled[1]
        elif labelled is not None and labelled[0] == "source":
            source = source or labelled[1]
    if author is None and following and (bare := _bare_byline(following)):
        return Credits(bare, source, [], "anchor:after-body")
    return Credits(author, source, [], "label:author-line" if author else None)


def _bare_byline(following: list[Block]) -> str | None:
    """A name alone on the first line after the body: not a box title, a place, a unit, a leader's card (an office
    on the next line), or a footer's first line (the site owner's name in capitals above "Cơ quan chủ quản: …",
    "Địa chỉ: …", in the same kind of element: "PV" in a table cell above a footer <div> is the table layout's
    byline)."""
    block = following[0]
    # "Trần Minh - Trung tâm VH-TT-TT huyện": the name is judged, the unit after it may name a place.
    pair = _PAIR.fullmatch(block.text)
    name = Block(pair.group(1), block.tag, block.links) if pair else block
    if block.tag in _HEADING_TAGS or not is_byline(name) or NOT_A_NAME.search(name.text):
        return None
    footer = any(FOOTER_LABELS.match(b.text) and b.tag == block.tag for b in following[1:2])
    card = any(OFFICE_LINE.match(b.text) for b in following[1:2])  # a leader's card: name, then office
    if UNIT_WORDS.match(name.text.title()) or footer or card:
        return None
    return byline_author(block)


def take_credits(body: list[Block]) -> Credits:
    """Author and source lines at the end of the body (else a byline at its start), taken out of it."""
    author: str | None = None
    source: str | None = None
    how: str | None = None
    date: str | None = None
    photo: str | None = None
    body = _label_cells_joined(body)
    while body and (is_noise(body[-1]) or _is_closing(body[-1])):
        # "Tác giả: Hữu Phúc - Nguồn: Phòng Tài nguyên và Môi trường": each label on the line gives its field.
        credits = _line_credits(body[-1])
        for kind, value in credits:
            if kind == "source":
                source = source or value
            elif kind == "photo":
                photo = photo or value
            elif kind == "author" and author is None:
                author, how = value, "label:author-line"
        if not credits and CLOSING_DATE_LINE.fullmatch(body[-1].text):
            date = date or body[-1].text
        body = body[:-1]
    body, signed = _signature_taken(body)
    if signed and date is None and len(body) >= 2 and CLOSING_DATE_LINE.fullmatch(body[-1].text):
        date, body = body[-1].text, body[:-1]  # the place and date above the signature block
    if author is None and len(body) >= 3 and (pair := _byline_then_theo(body[-2], body[-1])) is not None:
        (author, outlet), how, body = pair, "anchor:last-short-line", body[:-2]
        source = source or outlet
    elif author is None and len(body) >= 2 and (bare := byline_author(body[-1]) or _unit_signature(body[-1])):
        author, how, body = bare, "anchor:last-short-line", body[:-1]
        if len(body) >= 2 and date is None and CLOSING_DATE_LINE.fullmatch(body[-1].text):
            date, body = body[-1].text, body[:-1]  # the place and date above the signature
    elif author is None and len(body) >= 2 and (head := byline_author(body[0])) and len(head.split()) >= 2:
        author, how, body = head, "anchor:first-short-line", body[1:]
    elif author is None and body and (glued := _glued_credit(body[-1])) is not None:
        author, how, body = glued[0], "label:glued-credit", [*body[:-1], glued[1]]
    if author is None and photo is not None:
        author, how = photo, "label:photo-line"
    return Credits(author, source, body, how, date)


def _byline_then_theo(line: Block, last: Block) -> tuple[str, str] | None:
    """(author, source) for a bare byline above a last line "(Theo X)": the name wrote it, X is where it was
    first published ("HOÀNG TÁO" / "(Theo Báo Quảng Trị)", review 10h)."""
    theo = _THEO.fullmatch(_unwrapped(last.text))
    if theo is None or not theo.group(0).casefold().startswith("theo") or last.links:
        return None
    outlet = theo.group(1)
    if not _is_credited(outlet) or LEGAL_DOCUMENT.match(outlet) or _THEO.fullmatch(line.text):
        return None
    named = byline_author(line) if is_byline(line) or _PAIR.fullmatch(line.text) else None
    return (named, outlet) if named else None


def _signature_taken(body: list[Block]) -> tuple[list[Block], bool]:
    """The body without a signature block ending it ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)"), the signer's
    name under it kept as the last line; and whether there was one."""
    if not body:
        return body, False
    named = byline_author(body[-1]) is not None and SIGNATURE_LINE.fullmatch(body[-1].text) is None
    end = len(body) - named
    start = end
    while start > 1 and SIGNATURE_LINE.fullmatch(body[start - 1].text):
        start -= 1
    if start == end:
        return body, False
    return body[:start] + body[end:], True


def _glued_credit(block: Block) -> tuple[str, Block] | None:
    """(X, the paragraph without it) for a last paragraph ending in "(Theo X)" after its last sentence, when X
    may be credited: a sentence that only cites a document ("… (Theo Luật Đất đai)") is no credit."""
    text = block.text
    if not text.endswith(")") or "theo" not in text.casefold():
        return None
    match = _GLUED_THEO.search(text)
    if match is None or not _is_credited(named := match.group(1)) or is_account_name(named):
        return None
    if LEGAL_DOCUMENT.match(named):
        return None
    return named, Block(text[: match.start()].rstrip(), block.tag, block.links)


MAX_LEAD_BYLINE_WORDS = 4
MAX_SUB_HEADING_WORDS = 10
_SENTENCE_END = tuple('.!?…"”)')
_PUNCTUATION = ".,:;!?…-–—()\"“”'"


def byline_under_lead(credits: Credits, blocks: list[Block], lead_at: int) -> Credits:
    """Credits with the byline sitting alone between the lead at `lead_at` and the story, taken out of the body
    ("HOÀNG TÁO" or "Thanh Tâm" under the sapo, Báo Quảng Trị): a name of 2-4 capitalised words after a lead
    that ends a sentence, before a paragraph, and the body's only line of that shape (sub-headings such as
    "KẾT QUẢ NỔI BẬT" come two or more to a story, a byline once). Unchanged when an author is known."""
    if credits.author is not None or lead_at + 2 >= len(blocks):
        return credits
    lead, line, story = blocks[lead_at : lead_at + 3]
    if (
        len(lead.text) < MIN_LEAD_CHARS
        or not lead.text.endswith(_SENTENCE_END)
        or len(story.text) < MIN_LEAD_CHARS
    ):
        return credits
    if not _is_lead_byline(line) or any(_is_capitalised(b.text) for b in credits.body if b.text != line.text):
        return credits
    body = [b for b in credits.body if b.text != line.text]
    return replace(credits, author=line.text, body=body, how="anchor:under-lead")


def _is_capitalised(text: str) -> bool:
    """A short line every word of which opens with a capital or a figure: a name, or a sub-heading in capitals
    ("KẾT QUẢ NĂM 2024", "1. Giải Pháp")."""
    words = [word for word in (w.strip(_PUNCTUATION) for w in text.split()) if word]
    return 1 <= len(words) <= MAX_SUB_HEADING_WORDS and all(w[0].isupper() or w[0].isdigit() for w in words)


def _is_lead_byline(block: Block) -> bool:
    """A short line of 2-4 capitalised words, letters only, opening with a family name, that names no box,
    place or unit."""
    text = block.text
    words = text.split()
    if block.links or block.tag in _HEADING_TAGS or not 2 <= len(words) <= MAX_LEAD_BYLINE_WORDS:
        return False
    if words[0].casefold() not in FAMILY_NAMES:
        return False
    if not all(
        word.isalpha() and word[0].isupper() and word.casefold() not in SENTENCE_WORDS for word in words
    ):
        return False
    return NOT_A_NAME.search(text) is None and UNIT_WORDS.match(text.title()) is None


def _line_credits(block: Block) -> list[tuple[str, str]]:
    """The labelled credits of a line, each label starting a part; none unless the whole line is one."""
    if labelled_credit(block) is None:
        return []
    found = (labelled_credit(Block(part, block.tag)) for part in credit_segments(block.text))
    return [credit for credit in found if credit is not None]


def _is_closing(block: Block) -> bool:
    """A credit, a closing date line or a view count at the end of a body (the count is read from the page)."""
    text = block.text
    return labelled_credit(block) is not None or any(
        p.fullmatch(text) for p in (CLOSING_DATE_LINE, VIEW_COUNT)
    )


_TAIL_CELLS = 8  # blocks at the end of a body where a table row of credits sits


def _label_cells_joined(body: list[Block]) -> list[Block]:
    """The body with a label alone in its cell joined to the value in the next ("Tác giả:" | "Hoài Thương")."""
    if not body:
        return body
    head, tail = body[:-_TAIL_CELLS], body[-_TAIL_CELLS:]
    joined: list[Block] = []
    skip = False
    for block, after in zip(tail, [*tail[1:], None], strict=True):
        if skip:
            skip = False
        elif after is not None and CREDIT_LABEL.fullmatch(block.text):
            joined.append(Block(f"{block.text} {after.text}", block.tag))
            skip = True
        else:
            joined.append(block)
    return head + joined if len(joined) < len(tail) else body


def _unit_signature(block: Block) -> str | None:
    """A unit's name as the body's last line ("Phòng Chuyển đổi số"): the unit word, then a capitalised word or
    a level of government ("Công an huyện")."""
    text = block.text
    if not block.links and EDITORIAL_BOARD.fullmatch(text):
        return text
    return text if not block.links and is_unit_name(text) else None


MAX_UNIT_WORDS = 20  # "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh" has 17
MAX_PLAIN_UNIT_WORDS = 8  # longer, a name joins fields or ends with its place (profiles.UNIT_JOINT's why)


def is_unit_name(text: str) -> bool:
    """A unit's full name: a unit word, then a capitalised word or a level of government ("Công an huyện"), up
    to 20 words ("Trung tâm Phát triển quỹ đất và Giải phóng mặt bằng thị xã": past eight, joined by "và", a comma
    or a dash, or ending with its place), with no word only a clause has ("đã", "được": "Phòng Tư pháp đã tổ
    chức tuyên truyền" is a sentence)."""
    match = UNIT_WORDS.match(text)
    words = text.split()
    if match is None or len(text) > MAX_CREDIT_CHARS or len(words) > MAX_UNIT_WORDS:
        return False
    if text[-1] in ".:;!?…," or any(ch.isdigit() for ch in text):
        return False
    if any(word.casefold() in CLAUSE_WORDS for word in words):
        return False
    if len(words) > MAX_PLAIN_UNIT_WORDS and not (UNIT_JOINT.search(text) or _ends_with_place(text)):
        return False
    rest = text[match.end() :]
    level = UNIT_LEVEL.fullmatch(rest)
    if level is not None and all(word[0].isupper() for word in level["place"].split()):
        return True  # "Công an huyện", "Công an xã Hải Phú": the unit of the site's own level
    return rest[0].isupper()


def _ends_with_place(text: str) -> bool:
    """Whether a name ends with a level of government, alone or before a capitalised place ("… thị xã")."""
    match = UNIT_PLACE_END.search(text)
    return match is not None and all(word[0].isupper() for word in match["place"].split())


def is_credit_line(block: Block) -> bool:
    """A line that credits someone: "Tác giả: X", "Nguồn: X", "Theo X", "Viết bởi X"."""
    text = _unwrapped(block.text)
    return labelled_credit(Block(text, block.tag)) is not None or _THEO.fullmatch(text) is not None


def labelled_credit(block: Block) -> tuple[str, str] | None:
    """("author", X) for "Tác giả: X", ("source", X) for "Nguồn tin: X", ("account", X) for the CMS login that
    posted the page ("Người đăng tin: Quản trị viên"), ("photo", X) for "Ảnh: X"; else None."""
    if ":" not in block.text:  # every label ends in one: most lines are not matched three times
        return None
    if match := AUTHOR_LINE.fullmatch(block.text):
        named = _first_credit(match.group(1))
        return ("account" if is_account_name(named) else "author"), named
    if match := SOURCE_LINE.fullmatch(block.text):
        return "source", _first_credit(match.group(1))
    if match := PHOTO_LINE.fullmatch(block.text):
        return "photo", _first_credit(match.group(1))
    return None


def _first_credit(value: str) -> str:
    """A credit's value up to the next part of its line: "Lê Thu Hà | Cập nhật lúc 09:45", "Phương Thảo; Ảnh: …"."""
    first = _CREDIT_PARTS.split(value, maxsplit=1)[0]
    return clean_line(_DASH_BEFORE_PART.split(first, maxsplit=1)[0])


def credit_segments(text: str) -> list[str]:
    """A line cut before each credit label: "11/06/2025 Tác giả: A Nguồn tin: B" -> the date, then each credit."""
    # Every credit label ends in a colon, and "bởi"/"by" holds a b: a line with neither is not searched (the two
    # searches try every position, 16 us on a date line).
    searched = ":" in text or "b" in text or "B" in text
    found = (*CREDIT_LABEL.finditer(text), *_POSTED_BY.finditer(text)) if searched else ()
    labels = [m.start() for m in found]
    starts = [0, *sorted(labels), len(text)]
    parts = (text[a:b].strip(" |•-–—,;") for a, b in zip(starts, starts[1:], strict=False))
    # A bar ends a "Viết bởi X" credit ("Viết bởi Quản trị viên | Được đăng ngày …"); elsewhere it may part a
    # date from its time ("14.01.2025 | 09:30").
    return [piece for part in parts for piece in _credit_pieces(part) if piece]


def _credit_pieces(part: str) -> list[str]:
    if _THEO.match(part):
        return _CREDIT_PARTS.split(part)
    # "Tin: Lê Hoa - 14/01/2025 08:30": the date after a credit's dash is a part of its own.
    return _DASH_BEFORE_PART.split(part) if CREDIT_LABEL.match(part) else [part]


def strip_author_label(value: str) -> str:
    """An author value without its label ("Tác giả: X" -> X, "Theo X" -> X)."""
    match = AUTHOR_LINE.fullmatch(value)
    value = clean_line(match.group(1) if match else value)
    theo = _THEO.fullmatch(value)
    return theo.group(1) if theo and _is_credited(theo.group(1)) else value


def _is_credited(named: str) -> bool:
    """What "Theo X" may credit: a person, a unit ("Theo Phòng Giáo dục và Đào tạo") or a news site's domain
    ("Theo baoquangtri.vn")."""
    if is_unit_name(named):
        return True
    if len(named) > MAX_BYLINE_CHARS:
        return False
    return _is_name(named, MAX_BYLINE_CHARS) or _is_unit(named) or DOMAIN_NAME.fullmatch(named) is not None


def is_account_name(value: str) -> bool:
    """A CMS login that posted the page ("admin", "Quản trị viên"), not a person who wrote it."""
    return " ".join(value.casefold().split()) in ACCOUNT_NAMES


def names_the_site(value: str, site_names: list[str]) -> bool:
    """Metadata that names the site or an organisation ("Báo Quảng Trị", "HAILANG.QUANGTRI.GOV.VN")."""
    folded = value.casefold()
    return (
        any(_ends_name(name.casefold(), folded) for name in site_names if name)
        or DOMAIN_NAME.fullmatch(value) is not None
        or SITE_NAME_WORDS.match(value) is not None
        or ((match := PUBLICATION_WORDS.match(value)) is not None and value[match.end()].isupper())
        or _is_government_name(value)
    )


def _ends_name(name: str, value: str) -> bool:
    """Whether value is the site's name, or the organisation that ends it ("Công an tỉnh Quảng Trị" of "Cổng
    thông tin điện tử Công an tỉnh Quảng Trị"): two words or more, from a word's start."""
    if name == value:
        return True
    return len(value.split()) >= 2 and name.endswith(value) and not name[-len(value) - 1].isalnum()


def _is_government_name(value: str) -> bool:
    """A local government's name ("UBND xã An Bình"): the unit, its level, then capitalised place words."""
    match = GOVERNMENT_NAME.fullmatch(value.strip())
    return match is not None and all(word[0].isupper() for word in match["place"].split())
