"""Per-CMS-family anchors and selectors, as data (cms-families.md). The extractor reads these tables.

A profile with `date_lines` is extracted by text anchors in document order (the Quảng Trị Liferay family has
no known class names, cms-families.md §1.5); the others use selectors with generic fallbacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache


def _rx(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in patterns)


@cache
def either(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One pattern that fully matches what any of patterns (sharing the first one's flags) fully matches: one
    call per line instead of a generator over the patterns, for the tests run on every line of a page."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)


@dataclass(frozen=True)
class Profile:
    """How to recognise and read the pages of one CMS family.

    Recognised by article URL shape, `<meta name=generator>` or a marker element. Read either by text
    anchors in document order (date_lines, end_anchors) or by selectors: for each field an ordered tuple of
    CSS selectors, the first that matches wins; a "body" selector may group several ("a, b") to join parts.
    `drop` removes share buttons and related-news boxes that sit inside the body.
    """

    name: str
    article_urls: tuple[re.Pattern[str], ...] = ()
    generators: tuple[re.Pattern[str], ...] = ()
    markers: tuple[str, ...] = ()
    date_lines: tuple[re.Pattern[str], ...] = ()
    end_anchors: tuple[str, ...] = ()
    selectors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    drop: tuple[str, ...] = ()


# Lines that are never article text on any family: leaked JSP debug output (seed, diensanh), share buttons.
NOISE_LINES = _rx(
    r"(?:pageHolder\.getStart\(\)|pageHolder\.getNumberObjects\(\)|numberArticle|numberRelation)\s*-\s*\d+",
    r"(?:Chia sẻ|In bài(?: viết)?|In trang|Gửi email|Bản in|Quay lại|Về đầu trang|Facebook|Zalo|Twitter)",
)

# Tool links around an article (print, share, back, font size): a line made only of these, with separators,
# is chrome, whatever its markup (issue 10, class 1). Compared case-folded.
# fmt: off
TOOL_LABELS = frozenset(label.casefold() for label in (
    "In", "In bài", "In bài viết", "In trang", "Bản in", "Print", "Chia sẻ", "Share", "Like", "Tweet",
    "Gửi email", "Gửi bài viết", "Gửi cho bạn bè", "Email", "Lưu", "Lưu bài viết", "Lưu tin", "Quay lại",
    "Trở về", "Trở lại", "Back", "Về đầu trang", "Lên đầu trang", "Đầu trang", "Top", "Facebook", "Zalo",
    "Twitter", "Cỡ chữ", "A+", "A-", "A", "Phóng to", "Thu nhỏ", "Nghe đọc", "Nghe bài viết", "Bình luận",
    "Góp ý", "Xem thêm", "Đọc tiếp",
))
# fmt: on
CHROME_SEPARATORS = re.compile(r"\s*[|·•/,:;]\s*|\s+-\s+|\s{2,}")

# The words of a pager ("1 2 3 Trang sau", "← Đầu tiên | Trước | next | Cuối cùng →"), one by one, case-folded.
# fmt: off
PAGER_WORDS = frozenset((
    "trang", "sau", "trước", "tiếp", "đầu", "cuối", "tiên", "cùng", "xem", "next", "prev", "previous", "first",
    "last", "page", "more", "«", "»", "‹", "›", "←", "→", "...", "…", "|", "-",
))
# fmt: on

# The words of a timestamp besides its numbers ("November 19, 2019 at 6:34 am", "Thứ Hai, lúc 09:30 ngày 14"),
# case-folded: a link saying only this is a permalink, not a headline.
# fmt: off
TIMESTAMP_WORDS = frozenset((
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "at", "on", "am", "pm", "st",
    "nd", "rd", "th", "h", "lúc", "ngày", "tháng", "năm", "giờ", "phút", "thứ", "hai", "ba", "tư", "sáu", "bảy",
    "chủ", "nhật", "sáng", "chiều", "tối", "gmt", "utc", "ict",
))
# fmt: on

# CMS logins shown as the poster of a page (WordPress "Bởi admin", "Người đăng: Quản trị viên"): no author.
# fmt: off
ACCOUNT_NAMES = frozenset((
    "admin", "administrator", "quản trị", "quản trị viên", "quantri", "quan tri", "webmaster", "root", "editor",
    "biên tập viên", "user", "guest", "system", "superadmin", "ad", "mod", "moderator",
))
# fmt: on

# Who writes as a site or an organisation, not as a person: in metadata such a name is no author.
SITE_NAME_WORDS = re.compile(r"(?:Cổng thông tin|Cổng TTĐT|Trang thông tin|Trang TTĐT|Website)\b", re.I)
# A publication's name: the word, then a capitalised name ("Báo Quảng Trị", not "Báo cáo kết quả").
PUBLICATION_WORDS = re.compile(r"(?:Báo|Tạp chí|Đài Phát thanh|Đài PT-TH|Đài Truyền hình)\s+(?=\w)")
# A local government's own name ("UBND xã An Bình", "ỦY BAN NHÂN DÂN HUYỆN HẢI LĂNG"): the portal's owner, the
# whole <title> or a header <h1> of many portals, never a headline (a headline has lower-case words after it).
_LEVELS = r"(?:xã|phường|thị trấn|thị xã|huyện|quận|thành phố|TP\.?|tỉnh)"  # levels of local government
GOVERNMENT_NAME = re.compile(
    rf"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Hội đồng nhân dân|Đảng bộ)\s+{_LEVELS}\s+"
    r"(?P<place>(?:[^\W\d_]\w*+\s*+){1,4})",  # possessive: a word is never split (CLOSING_DATE_LINE's why)
    re.I,
)
DOMAIN_NAME = re.compile(r"(?:[\w-]+\.)+(?:vn|com|net|org|info|gov)\.?", re.I)

# Page labels that are never a headline: a generic <title>, og:title or heading (issue 10, class 3).
# A page-kind label ("Chi tiết tin - Thị xã Quảng Trị"): what follows it in <title> is the site's name.
_DETAIL = (
    r"Chi tiết(?: tin(?: tức| bài)?| bài viết| bài| văn bản| thông báo| sự kiện| thủ tục(?: hành chính)?)?"
)
DETAIL_TITLE = re.compile(_DETAIL, re.I)
GENERIC_TITLES = _rx(
    _DETAIL,
    r"Tin tức(?: (?:-|và) sự kiện)?|Sự kiện|Tin bài|Bài viết|Xem tin|Trang tin|Tin tức sự kiện",
    r"Trang chủ|Trang nhất|Home|News|Tin (?:mới|mới nhất|khác|liên quan|nổi bật|đọc nhiều|xem nhiều)|Các tin khác",
    r"(?:Tin|Bài|Các tin|Các bài) (?:cùng chuyên mục|cùng danh mục|liên quan)|Liên kết(?: website)?|Xem thêm",
    r"Thống kê(?: lượt)? truy cập|Lượt truy cập|Bộ đếm(?: truy cập)?",  # a visitor counter's box heading
    r"(?:Kết quả )?[Tt]ìm kiếm|Tra cứu",  # a search page's heading (no results: no article either)
)

# Elements a headline outside <h1>-<h6> is shown in: a title-like class or id ("news-title", "lblTitle",
# "lblTieuDe") or a bold or enlarged inline style (issue 10 review, class 1). Matched case by case in CSS.
PROMINENT_SELECTOR = (
    ", ".join(
        f"[{attr}*={word}]"
        for attr in ("class", "id")
        for word in ("title", "Title", "TITLE", "tieude", "TieuDe", "tieu-de", "headline", "Headline")
    )
    + ', [style*="bold"], [style*="font-size"]'
)

# Words that open a unit's name: an article signed by its unit ends with "Phòng Chuyển đổi số" (issue 10 review).
UNIT_WORDS = re.compile(
    r"(?:Phòng|Ban|Trung tâm|Văn phòng|Sở|Chi cục|Cục|Đài|Hội|Liên đoàn|Đoàn|Đội|Viện|Công an|UBND|Ủy ban|Thanh tra)"
    r"\s+(?=\w)"
)
# A legal document cited as a basis ("(Theo Luật Đất đai)", "(theo Nghị quyết của HĐND tỉnh)"): no one's credit.
LEGAL_DOCUMENT = re.compile(
    r"(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Thông tư|Quyết định|Chỉ thị|Công văn|Kế hoạch"
    r"|Điều|Khoản|Quy định|Hướng dẫn)\b",
    re.I,
)
# After a unit word, the level its unit serves, alone or before the place's name: "Công an huyện", "Công an xã
# Hải Phú" sign as their unit (the place's words are checked to be capitalised).
UNIT_LEVEL = re.compile(rf"{_LEVELS}(?P<place>(?:\s+[^\W\d_]+){{0,4}})")
# A unit's name of more than eight words runs long because it joins its fields ("Phòng Bưu chính, Viễn thông và
# Công nghệ thông tin") or ends with its level and place ("… huyện Hải Lăng"); a caption or a sentence of that
# length opening with a unit word ("Ban Chấp hành Đảng bộ xã khóa mới ra mắt Đại hội") does neither.
UNIT_JOINT = re.compile(r",|\s(?:và|[-–])\s")
UNIT_PLACE_END = re.compile(rf"\s{_LEVELS}(?P<place>(?:\s+[^\W\d_]+){{0,4}})$")
# Words that make a clause, never part of a unit's name: tense and modal markers, copulas, conjunctions of a
# clause. "Trung tâm Y tế huyện đã tổ chức khám bệnh" is a sentence, however capitalised its start.
# fmt: off
CLAUSE_WORDS = frozenset((
    "đã", "sẽ", "đang", "được", "bị", "là", "không", "chưa", "vừa", "cần", "phải", "nhằm", "nếu", "thì",
    "rằng", "vẫn", "cũng", "rất", "hãy", "đều",
))
# fmt: on
# Words of a sentence or a heading, never of a person's name: "NHỮNG CON SỐ ẤN TƯỢNG" under a lead is no byline.
# fmt: off
SENTENCE_WORDS = frozenset((
    "những", "các", "của", "và", "cho", "với", "trong", "để", "là", "có", "không", "được", "một", "nhiều",
    "còn", "đã", "sẽ", "khi", "này", "đến", "về", "tại", "bằng", "vào", "ra", "hơn",
    "the", "of", "and", "a", "an", "in", "to", "for", "on", "with", "at", "is", "are",
))
# fmt: on
# Vietnamese family names, the most common (with their variants): a bare name under the lead starts with one; a
# capitalised sub-heading ("GIẢI PHÁP ĐỒNG BỘ") or a place ("VĨNH LINH") in that spot does not (review 10i).
# fmt: off
FAMILY_NAMES = frozenset(name.casefold() for name in (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Lương", "Đinh", "Trương", "Đoàn", "Đào", "Cao", "Lâm", "Mai", "Trịnh", "Tô", "Hà", "Tạ",
    "Chu", "Châu", "La", "Lưu", "Kiều", "Thái", "Phùng", "Quách", "Đàm", "Triệu", "Hứa", "Tăng", "Từ", "Lại",
    "Mạc", "Giang", "Thân", "Nghiêm", "Đồng", "Vương", "Doãn", "Tống", "Ông", "Âu", "Khổng", "Lã", "Văn", "Tôn",
))
# fmt: on
# The editorial board signs with its common name, all in lower case after "Ban".
EDITORIAL_BOARD = re.compile(r"Ban biên tập|BBT", re.I)

# Site-wide visitor counter labels; longest first, so "Tổng" never takes "Tổng lượt truy cập".
# A label names one period only: "Hôm qua", "Yesterday", "This month" are no key's, and a label followed by more
# words than its number ("Lượt truy cập hôm qua: 610", "Total this month: 22,105") is not read.
COUNTER_LABELS: dict[str, tuple[str, ...]] = {
    "online": (
        "Người dùng trực tuyến",  # WP Statistics' widget
        "Khách trực tuyến",
        "Đang truy cập",
        "Đang trực tuyến",
        "Đang online",
        "Số người đang online",  # old ASP counters (review 10j)
        "Số người online",
        "Số người đang truy cập",
        "Khách online",
        "Đang xem",
        "Trực tuyến",
        "Users online",
        "Visitors online",
        "Online",
    ),
    "today": (
        "Lượt truy cập hôm nay",
        "Truy cập hôm nay",
        "Truy cập trong ngày",
        "Hôm nay",
        "Visits today",
        "Visitors today",
        "Today",
    ),
    "total": (
        "Bạn là người truy cập thứ",  # an old-style counter: the visitor's rank is the total
        "Bạn là khách thứ",
        "Người truy cập thứ",
        "Tổng số lượt truy cập",
        "Tổng số truy cập",
        "Tổng lượt truy cập",
        "Tổng truy cập",
        "Số lượt truy cập",
        "Lượt truy cập",
        "Đã truy cập",
        "Tổng cộng",
        "Tổng số",
        "Tất cả",
        "Tổng",
        "Total visits",
        "Total visitors",
        "Total",
    ),
}
# What else a portal counts in a box like the visitor counter's ("Thống kê văn bản": "Tổng số: 1.234", "Hôm nay:
# 5"): a box whose heading names one of these is not the visitor counter.
COUNTER_OTHER_SUBJECTS = re.compile(
    r"\b(?:văn bản|tin bài|bài viết|tin tức|hồ sơ|thủ tục|dịch vụ công|câu hỏi|phản ánh|kiến nghị|góp ý"
    r"|tài liệu|đơn thư|giao dịch|documents?|articles?|posts?|records?|applications?|questions?)\b",
    re.I,
)

# Counter labels that follow the number, after an optional "Hiện có"/"Có": Joomla's mod_vvisit_counter prints
# "Hiện có 9 khách Trực tuyến" (issue 10 review).
COUNTER_LABELS_AFTER: dict[str, tuple[str, ...]] = {
    "online": (
        "khách đang trực tuyến",
        "khách trực tuyến",
        "khách đang online",
        "khách online",
        "guests online",
    ),
}

# Words after a counter's number ("Tổng truy cập: 1.234 lượt").
COUNTER_UNITS = ("lượt truy cập", "lượt xem", "lượt", "người", "lần", "visits")

# A date line closing a notice: a place, then the date, as official documents sign ("Triệu Ái, ngày 08 tháng 02
# năm 2025"), or a bracketed posting date ("(Đăng ngày: 25/06/2025)").
# Possessive: a place's words are taken whole, never split (backtracking through every split of a long
# paragraph's first words cost 25 us a paragraph, 5 % of extraction on the ScrapingHub pages).
CLOSING_DATE_LINE = re.compile(
    r"(?:[^\W\d_][\w.-]*+\s*+){1,5},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
    r"|\(\s*(?:Ngày đăng|Đăng ngày|Ngày đăng tin|Ngày cập nhật|Cập nhật)\s*:?[^()]{4,40}\)",
    re.I,
)
# A signature block's lines under a notice's closing date line, above the signer's name: "TM. ỦY BAN NHÂN DÂN",
# "KT. CHỦ TỊCH" (on behalf of, for), the office ("PHÓ CHỦ TỊCH", "GIÁM ĐỐC") and "(Đã ký)". An office signs;
# it is no author.
_OFFICES = (
    r"(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG BAN|TRƯỞNG PHÒNG|TRƯỞNG CÔNG AN|CHÁNH VĂN PHÒNG|CHÁNH THANH TRA"
    r"|BÍ THƯ|THỦ TRƯỞNG|HIỆU TRƯỞNG|CỤC TRƯỞNG|CHI CỤC TRƯỞNG|TỔNG BIÊN TẬP|TRƯỞNG ĐÀI|CHỈ HUY TRƯỞNG)"
)
SIGNATURE_LINE = re.compile(
    rf"(?:TM|KT|TL|TUQ|Q)\.\s*[^\W\d_][^.!?]{{0,60}}|{_OFFICES}|\(\s*(?:Đã ký|Ký tên)[^()]{{0,30}}\)",
    re.I,
)
# A category label above an article ("Danh mục: Tin tức - Sự kiện", Joomla's article info).
CATEGORY_LINE = re.compile(r"(?:Danh mục|Chuyên mục|Chuyên trang)\s*:", re.I)

# Labels of a page's dates, by what their date says of the page, best first: the posting date beats a creation
# date, a Q&A page's answer date its question's (the page is published with its answer), and any of them an
# update date, whatever their order on the page (issue 10, review 10h). "Đăng" alone is a label before a colon.
# fmt: off
DATE_LABEL_RANKS: tuple[tuple[str, ...], ...] = (
    ("Ngày đăng tin", "Ngày đăng", "Đăng ngày", "Ngay dang", "Ngày xuất bản", "Thời gian đăng", "Post date",
     "Publish date", "Đăng"),
    ("Ngày tạo",),
    ("Ngày trả lời",),
    ("Ngày gửi", "Ngày hỏi"),
    # Joomla's "Cập nhật lần cuối" above its posting line: no headline of the seed family (review 10j).
    ("Ngày cập nhật", "Cập nhật ngày", "Cập nhật lần cuối", "Lần cập nhật cuối", "Cập nhật"),
)
# fmt: on
# Labels whose date stands in the text it dates, below the page's first date: a Q&A page's answer, under its
# question. Any other better label inside the story's text is the story's (a book's "Ngày xuất bản", review 10i).
DATE_LABELS_IN_TEXT = ("Ngày trả lời",)


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, factored by their first word: Python's re tries every branch in turn, and
    the flat alternation of the date labels cost CREDIT_LABEL half again its time on a line."""
    by_first: dict[str, list[str]] = {}
    for phrase in phrases:
        first, _, rest = phrase.partition(" ")
        by_first.setdefault(first, []).append(rest)
    parts = []
    for first, rests in by_first.items():
        tails = sorted(
            (re.escape(rest).replace(r"\ ", r"\s+") for rest in rests if rest), key=len, reverse=True
        )
        optional = "?" if "" in rests else ""
        parts.append(re.escape(first) + (rf"(?:\s+(?:{'|'.join(tails)})){optional}" if tails else ""))
    return "|".join(parts)


_DATE_LABELS = _alternation(label for rank in DATE_LABEL_RANKS for label in rank if label != "Đăng")
# Words that make "Ngày đăng" another date: registration ("Ngày đăng ký"), a notice's own upload ("đăng tải")
# or an inspection ("đăng kiểm"), whose dates lie in a story's text (review 10i).
_NOT_A_DATE_LABEL = r"(?!\s+(?:ký|kí|tải|kiểm)\b)"
DATE_LABEL = re.compile(
    rf"(?:(?P<label>{_DATE_LABELS}){_NOT_A_DATE_LABEL}\s*:?|(?<!\w)(?<!người )(?P<colon_label>Đăng)\s*:)",
    re.I,
)
_DATE_LABEL_RANK = {
    label.casefold(): rank for rank, labels in enumerate(DATE_LABEL_RANKS) for label in labels
}
_IN_TEXT = frozenset(label.casefold() for label in DATE_LABELS_IN_TEXT)
# Pieces of every date label, lower-cased: a line holding none of them holds no labelled date.
DATE_LABEL_PIECES = ("ngày", "ngay dang", "đăng", "cập nhật", "post date", "publish date")


def dates_in_text(text: str) -> bool:
    """Whether the label opening text is one whose date stands in the text it dates (DATE_LABELS_IN_TEXT)."""
    match = DATE_LABEL.match(text)
    label = (match["label"] or match["colon_label"]) if match is not None else ""
    return " ".join(label.casefold().split()) in _IN_TEXT


def date_label_rank(text: str) -> int:
    """How far the label opening text is from naming the page's posting (0: a posting label, or no label)."""
    match = DATE_LABEL.match(text)
    if match is None:
        return 0
    label = match["label"] or match["colon_label"]
    return _DATE_LABEL_RANK.get(" ".join(label.casefold().split()), 0)


# Labelled lines that carry a field in many families (cms-families.md §7); the label is not part of the value.
_AUTHOR_LABELS = (
    r"Tác giả|Người viết|Thực hiện|(?:Bài|Tin)(?:\s+và\s+|\s*[,/&]\s*)ảnh|Người đăng tin|Người đăng|Author"
    r"|(?<!\w)(?:Bài viết|Bài|Tin)"
)
_SOURCE_LABELS = r"Nguồn tin|Nguồn bài|Nguồn"
AUTHOR_LINE = re.compile(rf"(?:{_AUTHOR_LABELS})\s*:\s*(.+)", re.I)
# A photographer's or a video's credit ("Ảnh: Quốc Hùng", "Video: Đài Truyền thanh - Truyền hình huyện"): the
# author of a photo or video story, when no one else is credited.
PHOTO_LINE = re.compile(r"(?:Ảnh|Hình ảnh|Photo|Video|Clip)\s*:\s*(.+)", re.I)
# A photo's credit ending its caption: bracketed ("… cho người dân. (Ảnh: Thanh Lâm)"), or bare after the
# caption's last stop or a dash ("… tại khu dân cư. Ảnh: Minh Đức", "… - Ảnh: T.L"); a caption may be the credit
# alone.
_PHOTO_WORDS = r"(?:Ảnh|Hình ảnh|Hình|Photo|Nguồn ảnh)"
PHOTO_CREDIT_TAIL = re.compile(
    rf"\s*[(\[]\s*{_PHOTO_WORDS}\s*:[^()\[\]]{{1,60}}[)\]]$"
    rf"|(?:(?<=[.!?…\"”])|^|\s[-–—|])\s*{_PHOTO_WORDS}\s*:\s*(?:[^.!?()\[\]]|\.(?=\S)){{1,60}}\.?$",
    re.I,
)
# Where a part starts inside a line under the headline: "11/06/2025 09:45 Tác giả: Hồ Thị Na Nguồn tin: Hội
# Nông dân xã", "Người đăng tin: Quản trị viên Ngày đăng tin: 20/02/2025 Lượt xem: 87".
CREDIT_LABEL = re.compile(
    rf"(?:{_AUTHOR_LABELS}|{_SOURCE_LABELS}|{_DATE_LABELS}|Ngày|Số lượt xem|Lượt xem|View count|Đã xem)\s*:",
    re.I,
)
# A site footer's lines open with these labels: the line above them is the site owner, not a byline.
FOOTER_LABELS = re.compile(
    r"(?:Cơ quan chủ quản|(?:Người )?chịu trách nhiệm|Trưởng ban biên tập|Địa chỉ|Điện thoại|Email|Giấy phép"
    r"|Bản quyền|Copyright|©|(?:Xin )?(?:vui lòng )?ghi rõ nguồn)",
    re.I,
)
# A short capitalised line just after the body's container is a byline, unless it names a box or a place
# ("TIN LIÊN QUAN", "THỐNG KÊ TRUY CẬP", a footer's "UBND HUYỆN HẢI LĂNG"): words no person's name holds.
NOT_A_NAME = re.compile(
    r"\b(?:tin|bài|liên quan|thống kê|truy cập|chuyên mục|bình luận|ý kiến|liên kết|văn bản|hình ảnh|video"
    r"|thông báo|sự kiện|nổi bật|mới nhất|đọc nhiều|xem nhiều|huyện|xã|tỉnh|phường|thị trấn|thành phố|ubnd"
    r"|cổng|website|tags?|từ khóa|từ khoá|chia sẻ|share"
    # English box titles and a schedule's weekdays (review 10i).
    r"|statistics|gallery|photos?|links|poll|calendar|weather|contacts?|visitors|archives?"
    r"|thứ hai|thứ ba|thứ tư|thứ năm|thứ sáu|thứ bảy|chủ nhật)\b",
    re.I,
)
# An office opening the line under a name: a leader's card ("Nguyễn Văn Hùng" / "Chủ tịch UBND xã", a sidebar's
# first box, review 10i), never a byline; a signature puts the office above the name.
OFFICE_LINE = re.compile(
    r"(?:Phó\s+)?(?:Chủ tịch|Bí thư|Giám đốc|Trưởng phòng|Trưởng ban|Chánh Văn phòng|Chánh án|Viện trưởng"
    r"|Tổng Biên tập|Chỉ huy trưởng|Thủ trưởng|Hiệu trưởng|Trưởng Công an|Trưởng thôn|Trưởng khóm)\b",
    re.I,
)
# A wish or a courtesy closing a story or a notice ("Chúc Mừng Năm Mới", "Xin Trân Trọng Thông Báo"): capitalised
# like a name, signed by no one.
COURTESY_LINE = re.compile(r"(?:Chúc|Kính|Xin|Trân trọng|Thân ái|Cảm ơn|Xin cảm ơn)\b", re.I)
SOURCE_LINE = re.compile(rf"(?:{_SOURCE_LABELS})\s*:\s*(.+)", re.I)
# What precedes a date without naming anyone: "Đăng lúc 08:30 ngày 12/03/2025", "Cập nhật 14/01/2025".
POSTING_WORDS = re.compile(
    r"(?:Đăng|Được đăng|Đăng tải|Đăng bài|Cập nhật|Ngày đăng|Đăng ngày|Xuất bản|Posted|Published|Updated)"
    r"(?:\s+(?:lúc|ngày|vào|on|at))?",
    re.I,
)
DATE_LINE = re.compile(rf"{DATE_LABEL.pattern}.*\d{{4}}.*", re.I)
# A document's issue date ("Ngày ban hành: 10/01/2025"): its publication date only when the page shows no other.
ISSUED_LINE = re.compile(r"(?:Ngày ban hành|Ban hành ngày)\s*:?.*\d{4}.*", re.I)
# A date's label alone in its cell, the date in the next ("Ngày hiệu lực" | "20/01/2025"): never a headline.
DATE_FIELD_LABEL = re.compile(
    rf"{DATE_LABEL.pattern}|(?:Ngày ban hành|Ban hành ngày|Ngày (?:có )?hiệu lực|Ngày hết hiệu lực|Ngày ký)\s*:?",
    re.I,
)
# A document's name on its detail page, labelled in a line or in the cell before it ("Trích yếu" | "Quyết định ban
# hành …"): its title when the page shows a page label ("Chi tiết văn bản") and no headline.
DOCUMENT_TITLE_LINE = re.compile(r"(?:Trích yếu(?: nội dung)?|Tên văn bản|Tiêu đề văn bản)\s*:?\s*(.*)", re.I)

# An article's own view count: "Lượt xem: 26", "View count: 1108", NukeViet "Đã xem".
# The number may come first, in brackets or after a bar: "(1.234 lượt xem)", "14/01/2025 | 215 lượt xem".
VIEW_COUNT = re.compile(
    r"(?:(?:Lượt xem|Số lượt xem|Số lần xem|Lần xem|Số lần đọc|Lượt đọc|View count|Đã xem)\s*:?\s*|Views\s*:\s*"
    r"|(?:\(|(?<=[|\-–]\s)|(?<=[|\-–]\s\s)|^)(?=\d[\d.,]*\s+lượt (?:xem|đọc)\b))(\d[\d.,]*)(?:\s+lượt (?:xem|đọc)\)?)?",
    re.I,
)
# A piece of every VIEW_COUNT label, lower-cased and free of i, s and k (case-blind matching also folds İ, ı,
# ſ and the Kelvin sign into those): a lower-cased text holding none of them holds no view count.
VIEW_LABEL_PIECES = ("lượt xem", "lần xem", "lượt đọc", "lần đọc", "ew count", "đã xem")
# "Views:": "ew" alone is in every "new" and "news" of an English page, where the regex then ran in full.
_VIEWS_PIECE = re.compile(r"ew\w?\s*:")


# How far before and after one of its label's pieces a VIEW_COUNT match can start and end ("(1.234 lượt xem)").
_VIEW_BEFORE, _VIEW_AFTER = 60, 200


def search_view_count(text: str) -> re.Match[str] | None:
    """VIEW_COUNT's first match in text, searched for only around its labels' pieces.

    The case-blind regex costs 2 ms on a long page's text (it tries every label at every position); the pieces
    are found by str.find in the lower-cased text, and most texts hold none.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # offsets in lowered would not be text's
        return VIEW_COUNT.search(text) if holds_view_label(lowered) else None
    found: re.Match[str] | None = None
    for at in _label_pieces_at(lowered):
        if found is not None and at - _VIEW_BEFORE > found.start():
            break
        match = VIEW_COUNT.search(text, max(0, at - _VIEW_BEFORE), at + _VIEW_AFTER)
        if match is not None and (found is None or match.start() < found.start()):
            found = match
    return found


def _label_pieces_at(lowered: str) -> list[int]:
    """Where the pieces of VIEW_COUNT's labels start in a lower-cased text, in order."""
    starts = [match.start() for match in _VIEWS_PIECE.finditer(lowered)]
    for piece in VIEW_LABEL_PIECES:
        at = lowered.find(piece)
        while at != -1:
            starts.append(at)
            at = lowered.find(piece, at + 1)
    return sorted(starts)


def may_hold_view_count(text: str) -> bool:
    """False when text holds no piece of any VIEW_COUNT label, so holds no view count."""
    return holds_view_label(text.lower())


def holds_view_label(lowered: str) -> bool:
    """may_hold_view_count of a text already lower-cased."""
    return any(piece in lowered for piece in VIEW_LABEL_PIECES) or _VIEWS_PIECE.search(lowered) is not None


# A count on the date line under the headline is the article's own, whatever its label says: "17/09/2024 07:45 |
# Lượt truy cập: 345" (elsewhere a site counter's label), "Tháng Chín 6, 2024 Bởi Ngọc Ánh 1,024 lượt xem".
DATE_LINE_COUNT = re.compile(
    r"(?:Số lượt truy cập|Lượt truy cập)\s*:?\s*(\d[\d.,]*)"
    r"|(?<!\S)(\d[\d.,]*)\s+(?:lượt (?:xem|đọc|truy cập)|views)\b",
    re.I,
)
DATE_LINE_COUNT_PIECES = ("lượt", "view")

# What may follow the date on a date line under the headline, parted by bars or spaced dashes: tools ("In bài",
# "Cỡ chữ: A- A+", share links), counts ("1 bình luận", "Số lần đọc: 345", a bare count after an eye icon), a labelled section ("Chuyên mục: Tin
# tức"). A short capitalised part (a section or a unit, "Phòng Văn hóa") is judged in the extractor.
DATE_TAIL_SEPARATOR = re.compile(r"\s*[|•]\s*|\s+[-–—]\s+|^\s*[-–—]\s*")
DATE_TAIL_PART = re.compile(
    r"\d[\d.,]*(?:\s+(?:lượt xem|lượt đọc|bình luận|comments?|views?))?"
    r"|(?:Số lần đọc|Số lượt đọc|Lượt đọc|Số lượt xem|Lượt xem|Lượt truy cập|Views|View count|Đã xem|Chuyên mục"
    r"|Danh mục|Cỡ chữ)\s*:\s*[^:|]{1,40}",
    re.I,
)

# Links to documents that are attachments, not pages.
ATTACHMENT_URL = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z)(?:$|[?#/])", re.I)
# An attachment list's heading ("Tệp đính kèm:", "Tài liệu đính kèm"): the file links under it are the article's
# attachments, never its text.
ATTACHMENT_HEADINGS = (
    "(?:Tệp|File|Tập tin|Tài liệu|Văn bản) đính kèm",
    "Đính kèm",
    "Tải về",
    "Attachments?",
    "Downloads?",
)
ATTACHMENT_HEADING = re.compile(rf"(?:{'|'.join(ATTACHMENT_HEADINGS)})\s*:?", re.I)

# A date line may carry the view count: "Ngày đăng: 05-01-2026 Lượt xem: 26" (diensanh, cms-families.md §1.3).
VIEWS_SUFFIX = r"(?:\s*\|?\s*(?:Lượt xem|View count)\s*:?\s*\d[\d.,]*)?"

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            name="liferay-quangtri",
            article_urls=_rx(r"/chi-tiet-tin/-/view-article/\d+/\d+/\d+"),
            # The seed's "20:5, Thứ Hai, 29-8-2022" and diensanh's "Post date: 07/01/2026" (cms-families.md §1.3).
            date_lines=_rx(
                r"\d{1,2}:\d{1,2},?\s*(?:Thứ\s+\S+|Chủ\s+nhật),?\s*\d{1,2}-\d{1,2}-\d{4}" + VIEWS_SUFFIX,
                r"(?:Post date|Ngày đăng|Ngày đăng tin)\s*:?\s*\d{1,2}[/-]\d{1,2}[/-]\d{4}"
                r"(?:\s*[-–|,]?\s*\d{1,2}:\d{1,2})?" + VIEWS_SUFFIX,
            ),
            end_anchors=(
                *("Các tin khác", "Tin khác", "Previous page", "More", "Các tin đã đưa"),
                *("Tin cùng chuyên mục", "Các tin cùng chuyên mục", "Tin liên quan", "Các tin liên quan"),
                "Bài viết liên quan",
            ),
        ),
        Profile(
            name="nukeviet",
            article_urls=_rx(r"/(?:vi|en)/news/[^?#]+-\d+\.html$", r"/index\.php/[^?#]+-\d+\.html$"),
            generators=_rx(r"NukeViet"),
            markers=("#news-bodyhtml", ".news_column"),
            selectors={
                "title": ('.news_column h1[itemprop="headline"]', ".news_column h1", "h1.title"),
                "published_at": (".news_column span.h5", '[itemprop="datePublished"]'),
                "author": (".news_column p.h5.text-right", "p.text-right"),
                # Custom themes drop .news_column but keep the lead's class (a card theme: .detail-news .hometext).
                # A print view (/print/…) holds the story in .bodytext without #news-bodyhtml; the stock print.tpl
                # in #hometext and #bodytext.
                "body": (
                    ".hometext, .news_column figure.article figcaption, #news-bodyhtml, .bodytext:not(#news-bodyhtml)"
                    ", #hometext, #bodytext",
                ),
                "category": (".breadcrumbs-wrap .breadcrumbs li:last-child", ".breadcrumbs li:last-child"),
            },
            drop=(".news-download-file", ".detail-related", ".socialicon", ".fb-like"),
        ),
        Profile(
            name="tandan",
            article_urls=_rx(r"/portal/pages/\d{4}-\d{1,2}-\d{1,2}/[^/?#]+\.aspx$"),
            markers=(".tandan-p-article-news-summary", ".tandan-p-article-news-title"),
            selectors={
                "title": (".tandan-p-article-news-title", "h1"),
                "published_at": (".tandan-span-date-publish",),
                "author": (".tandan-p-article-author", ".tandan-span-author"),
                "body": (".tandan-p-article-news-summary, .ms-rtestate-field",),
                "category": (".tandan-breadcrumb a:last-child",),
            },
            drop=(".tandan-div-article-other", ".td-tags"),
        ),
        Profile(
            name="liferay-portlet",
            markers=("article.the-article", "p.wd-date"),
            selectors={
                "title": ("header.title-article", "h3.wd-tlh3-4 a", "h3.wd-tlh3-4"),
                "published_at": ("span.the-article-timecreate", "p.wd-date"),
                "author": ("p.the-article-author", "span.the-article-createby", "p.wd-actor"),
                "views": ("span.viewcount",),
                "body": ("p.the-article-summary, div.the-article-body", "div.wd-content"),
                "category": ("h2.wd-tlh1-2", "span.chuyenmuc"),
            },
            drop=(
                ".the-article-more-info",
                "span.chuyenmuc-lienquan",
                "ul.wd-other-news",
                "embed.pdf_watermark",
            ),
        ),
        Profile(
            name="liferay62",
            article_urls=_rx(r"/-/(?:asset_publisher/[^/]+/content|view_content)/[^?#]+"),
            markers=(".asset-full-content", ".journal-content-article"),
            selectors={
                "title": (
                    ".asset-full-content h3.asset-title",
                    ".asset-full-content .header-title",
                    "h3.asset-title",
                ),
                "published_at": (".asset-full-content .assetPublishDate", ".assetPublishDate"),
                "views": (".asset-full-content .assetPublishDate",),
                # The summary sits outside the article's container, above it (issue 10, class 4).
                "body": (
                    ".asset-full-content .asset-summary, .asset-full-content .journal-content-article",
                    ".journal-content-article",
                ),
                "category": (".breadcrumb li.active", ".breadcrumb li:last-child"),
            },
            drop=(".taglib-social-bookmarks", ".asset-links", ".asset-ratings"),
        ),
        Profile(
            name="wordpress",
            generators=_rx(r"WordPress"),
            markers=(".td-post-content", "article.post .entry-content", ".entry-content"),
            selectors={
                "title": ("h1.entry-title", "h1.tdb-title-text", "h1.td-post-title"),
                "published_at": (
                    "time.entry-date[datetime]",
                    'meta[property="article:published_time"]',
                    "time.entry-date",  # no datetime attribute: its text, "Tháng Một 14, 2025"
                ),
                "author": (".td-post-author-name a", ".author.vcard a", ".byline .author", 'a[rel="author"]'),
                "body": (".td-post-content", ".entry-content"),
                "category": (".td-category a", ".cat-links a"),
            },
            drop=(
                ".sharedaddy",
                ".jp-relatedposts",
                ".td-post-sharing",
                ".td-post-source-tags",
                ".yarpp-related",
            ),
        ),
        Profile(
            name="generic",
            selectors={
                "title": ('meta[property="og:title"]', "h1", "title"),
                "published_at": (
                    'meta[property="article:published_time"]',
                    '[itemprop="datePublished"]',
                    "time[datetime]",
                ),
                "author": ('meta[name="author"]', '[itemprop="author"]', '[rel="author"]'),
                "body": ('[itemprop="articleBody"]', "article", "main"),
            },
        ),
    )
}
