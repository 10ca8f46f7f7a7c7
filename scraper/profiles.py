"""Per-CMS-family anchors and selectors, as data (cms-families.md). The extractor reads these tables.

A profile with `date_lines` is extracted by text anchors in document order (the Quảng Trị Liferay family has
no known class names, cms-families.md §1.5); the others use selectors with generic fallbacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def _rx(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in patterns)


@dataclass(frozen=True)
class Profile:
    """How to recognise and read the pages of one CMS family."""

    name: str
    article_urls: tuple[re.Pattern[str], ...] = ()
    listing_urls: tuple[re.Pattern[str], ...] = ()
    date_lines: tuple[re.Pattern[str], ...] = ()
    end_anchors: tuple[str, ...] = ()
    selectors: dict[str, tuple[str, ...]] = field(default_factory=dict)


# Lines that are never article text on any family: leaked JSP debug output (seed, diensanh), share buttons.
NOISE_LINES = _rx(
    r"(?:pageHolder\.getStart\(\)|pageHolder\.getNumberObjects\(\)|numberArticle|numberRelation)\s*-\s*\d+",
    r"(?:Chia sẻ|In bài(?: viết)?|In trang|Gửi email|Bản in|Quay lại|Về đầu trang|Facebook|Zalo|Twitter)",
)

# Site-wide visitor counter labels; longest first, so "Tổng" never takes "Tổng lượt truy cập".
COUNTER_LABELS: dict[str, tuple[str, ...]] = {
    "online": ("Đang truy cập", "Đang online", "Trực tuyến", "Online"),
    "today": ("Truy cập hôm nay", "Hôm nay"),
    "total": ("Tổng số lượt truy cập", "Tổng lượt truy cập", "Tổng truy cập", "Tổng"),
}
COUNTER_HEADINGS = ("Thống kê lượt truy cập", "Thống kê truy cập", "Số lượng truy cập", "Thống kê")

# An article's own view count: "Lượt xem: 26", "View count: 1108", NukeViet "Đã xem".
VIEW_COUNT = re.compile(r"(?:Lượt xem|Số lượt xem|Lượt đọc|View count|Đã xem)\s*:?\s*(\d[\d.,]*)", re.I)

# Links to documents that are attachments, not pages.
ATTACHMENT_URL = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z)(?:$|[?#/])", re.I)

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
                r"(?:Post date|Ngày đăng|Ngày đăng tin)\s*:?\s*\d{1,2}[/-]\d{1,2}[/-]\d{4}(?:\s+\d{1,2}:\d{1,2})?"
                + VIEWS_SUFFIX,
            ),
            end_anchors=("Các tin khác", "Tin khác", "Previous page", "More", "Các tin đã đưa"),
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
