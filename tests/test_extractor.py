"""Extraction: every field of every fixture page, the fallbacks, and refusing pages that hold no article."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import extract, extractor
from scraper.blocks import Block
from scraper.counters import site_visits_of
from scraper.errors import ExtractError
from scraper.extractor import extract_article, is_byline
from scraper.models import SiteVisits
from scraper.profiles import PROFILES

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://thixaquangtri.quangtri.gov.vn"
FIELDS = ("title", "published_at", "author", "body", "site_visits", "views", "profile")


def site_cases() -> list:
    cases = []
    for site in ("site", "../../scraper/demo/site"):
        for expected_file in sorted((FIXTURES / site / "expected").glob("*.json")):
            page = expected_file.parent.parent / "pages" / f"{expected_file.stem}.html"
            cases.append(pytest.param(page, expected_file, id=f"{Path(site).name}-{expected_file.stem}"))
    return cases


def page_cases() -> list:
    return [
        pytest.param(p, p.with_suffix(".json"), id=f"{p.parent.name}-{p.stem}")
        for p in sorted((FIXTURES / "pages").glob("*/*.html"))
    ]


@pytest.mark.parametrize(("page", "expected_file"), site_cases())
def test_fixture_site_articles_extract_exactly(page: Path, expected_file: Path) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    got = extract(page.read_bytes(), url=BASE + expected["path"])
    assert {k: got[k] for k in FIELDS} == {k: expected[k] for k in FIELDS}
    assert got["attachments"] == [
        {"url": BASE + a["path"], "text": a["text"]} for a in expected["attachments"]
    ]


@pytest.mark.parametrize(("page", "expected_file"), page_cases())
def test_saved_pages_extract_exactly_without_a_url(page: Path, expected_file: Path) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    got = extract(page.read_bytes())
    assert {k: got[k] for k in expected} == expected


def test_seed_page_matches_the_reference_extraction() -> None:
    got = extract((FIXTURES / "pages/liferay-quangtri/seed-thixaquangtri.html").read_bytes())
    assert got["published_at"] == "2022-08-29T20:05:00+07:00"
    assert got["author"] == "Bình Nguyên"
    assert got["body"].startswith("Chiều ngày 15/8/2022, UBND phường 1")
    assert got["body"].count("\n\n") == 2
    assert (
        "\u00a0" not in got["body"] and "pageHolder" not in got["body"] and "Các tin khác" not in got["body"]
    )
    assert got["site_visits"] == {"online": 2, "today": 2305, "total": 299543}
    assert got["views"] is None
    assert got["sources"]["title"] == "anchor:before-date-line"


def test_library_accepts_bytes_or_text() -> None:
    raw = (FIXTURES / "pages/liferay-quangtri/seed-thixaquangtri.html").read_bytes()
    assert extract(raw) == extract(raw.decode("utf-8"))


LIFERAY = """<html><head><title>Chi tiết tin - Xã A</title></head><body>
<div>Tin tức mới</div><h2>Tiêu đề bài viết về công tác dân vận</h2><div>9:30, Thứ Sáu, 2-1-2026</div>
{body}
</body></html>"""


def test_scripts_and_styles_never_reach_the_body() -> None:
    html = LIFERAY.format(
        body="<p>Nội dung chính.</p><script>alert(document.cookie)</script><style>p{color:red}</style>"
        "<p>Phạm Hùng</p><div>Các tin khác</div>"
    )
    article = extract_article(html)
    assert article.body == "Nội dung chính."
    assert article.author == "Phạm Hùng"


@pytest.mark.parametrize("heading", ["TIN CÙNG CHUYÊN MỤC", "Tin liên quan", "Bài viết liên quan:"])
def test_a_related_news_heading_ends_the_seed_family_body(heading: str) -> None:
    html = LIFERAY.format(
        body=f"<p>Nội dung chính.</p><p>Phạm Hùng</p><h3>{heading}</h3>"
        '<ul><li><a href="/tin/1">Huyện Gio Linh triển khai kế hoạch phòng chống dịch</a></li></ul>'
    )
    article = extract_article(html)
    assert (article.body, article.author) == ("Nội dung chính.", "Phạm Hùng")


def test_views_on_the_date_line_are_read_and_kept_out_of_the_body() -> None:
    html = LIFERAY.replace(
        "<div>9:30, Thứ Sáu, 2-1-2026</div>", "<div>Ngày đăng: 02-01-2026 Lượt xem: 1.026</div>"
    )
    article = extract_article(html.format(body="<p>Nội dung.</p><p>Lượt xem: 1.026</p><div>More</div>"))
    assert (article.views, article.published_at, article.body) == (1026, "2026-01-02", "Nội dung.")


def test_a_page_without_an_end_anchor_is_refused_rather_than_swallowing_the_footer() -> None:
    html = LIFERAY.format(body="<p>Nội dung.</p><footer>Bản quyền thuộc UBND xã</footer>")
    with pytest.raises(ExtractError, match="body_end_anchor"):
        extract_article(html, profile="liferay-quangtri")


def test_a_forced_family_profile_without_its_date_line_is_refused() -> None:
    with pytest.raises(ExtractError, match="date_line"):
        extract_article(
            "<html><body><h1>Trang chủ</h1><p>Chào mừng</p></body></html>", profile="liferay-quangtri"
        )


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ExtractError, match="unknown_profile"):
        extract_article("<p>x</p>", profile="joomla")


GENERIC = """<html><head><title>Tin tức - UBND huyện</title>
<meta property="og:title" content="Huyện tổ chức Ngày hội Đại đoàn kết toàn dân tộc">
<meta property="article:published_time" content="2025-11-18T08:15:00+07:00">
<meta name="author" content="Trần Văn Nam"></head>
<body><nav><a href="/">Trang chủ</a> <a href="/tin-tuc">Tin tức</a></nav>
<article><h1>Huyện tổ chức Ngày hội Đại đoàn kết toàn dân tộc</h1>
<p>Sáng 18/11, huyện tổ chức Ngày hội Đại đoàn kết toàn dân tộc tại khu dân cư số 3.</p>
<p>Ngày hội có nhiều hoạt động văn hóa, thể thao sôi nổi.</p></article>
<aside><h3>Thống kê truy cập</h3><ul><li>Đang online: 15</li><li>Tổng: 1,204,331</li></ul></aside>
</body></html>"""


def test_unknown_layouts_fall_back_to_meta_and_article_tags() -> None:
    article = extract_article(GENERIC, url="https://huyen.example.gov.vn/tin-tuc/ngay-hoi-123.html")
    assert article.profile == "generic"
    assert article.title == "Huyện tổ chức Ngày hội Đại đoàn kết toàn dân tộc"
    assert article.published_at == "2025-11-18T08:15:00+07:00"
    assert article.author == "Trần Văn Nam"
    assert article.body.split("\n\n") == [
        "Sáng 18/11, huyện tổ chức Ngày hội Đại đoàn kết toàn dân tộc tại khu dân cư số 3.",
        "Ngày hội có nhiều hoạt động văn hóa, thể thao sôi nổi.",
    ]
    assert article.site_visits == SiteVisits(online=15, today=None, total=1204331)
    assert article.sources["title"].startswith("css:meta")


def test_without_article_tags_the_densest_paragraph_block_is_the_body() -> None:
    html = GENERIC.replace("<article>", "<div><div>").replace("</article>", "</div></div>")
    assert extract_article(html).body.startswith("Sáng 18/11, huyện tổ chức")


def test_a_page_with_no_text_is_an_extraction_failure() -> None:
    with pytest.raises(ExtractError, match="missing_field"):
        extract_article("<html><head></head><body><img src=x></body></html>")


def test_site_selectors_win_over_the_profile() -> None:
    html = GENERIC.replace("<article>", '<article><p class="tac-gia">Lê Thị Hoa</p>')
    article = extract_article(html, selectors={"author": "p.tac-gia", "title": "title"})
    assert article.author == "Lê Thị Hoa"
    assert article.title == "Tin tức - UBND huyện"
    assert article.sources["author"] == "site-css:p.tac-gia"


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("Bình Nguyên", True),
        ("HÀ PHƯƠNG", True),
        ("BBT", True),
        ("Thu Hà (tổng hợp)", True),
        ("Xem chi tiết Kế hoạch tại đây", False),
        ("Các kiến nghị đã được tiếp thu.", False),
        ("Năm 2025 Tổng Kết", False),
        ("Trân trọng!", False),
        ("Thứ Hai (12/05/2025)", False),  # a schedule's day heading: its date is in the brackets
        ("Minh Anh (CTV)", True),
    ],
)
def test_byline_heuristic(line: str, byline: bool) -> None:
    assert is_byline(Block(line, "p")) is byline


@pytest.mark.parametrize(
    ("widget", "visits"),
    [
        (
            "<ul><li>Đang truy cập<span>2</span></li><li>Hôm nay<span>2305</span></li>"
            "<li>Tổng lượt truy cập<span>299.543</span></li></ul>",
            SiteVisits(2, 2305, 299543),
        ),
        (
            "<div>Đang truy cập 2</div><div>Hôm nay 340</div><div>Tổng truy cập 1.878.000</div>",
            SiteVisits(2, 340, 1878000),
        ),
        (
            '<span class="online-lable">Đang truy cập: </span><span style="font-weight:bold">27 </span><br>'
            '<span>Tổng: </span><span style="font-weight:bold">4.798.809 </span>',
            SiteVisits(27, None, 4798809),
        ),
        ("<div><div>Hôm nay</div><div>12</div></div>", SiteVisits(None, 12, None)),
    ],
    ids=["seed-glued", "diensanh-spaced", "liferay62-portlet", "label-and-number-in-two-blocks"],
)
def test_visitor_counter_wordings(widget: str, visits: SiteVisits) -> None:
    assert site_visits_of(f"<html><body><p>Hôm nay 15:39 trời mưa</p>{widget}</body></html>") == visits


@pytest.mark.parametrize(
    ("html", "url", "profile"),
    [
        ("<p>x</p>", "https://binhphuoc.gov.vn/vi/news/tin-tuc-su-kien-421/le-hoi-37146.html", "nukeviet"),
        ('<meta name="generator" content="NukeViet v4.5"><p>x</p>', None, "nukeviet"),
        ("<p>x</p>", "https://ninhthuan.gov.vn/portal/Pages/2024-4-25/Quy-hoach-dvv348x.aspx", "tandan"),
        ("<p>x</p>", "https://sotttt.hanoi.gov.vn/chi-dao/-/view_content/123-ke-hoach.html", "liferay62"),
        ('<meta name="generator" content="WordPress 6.4"><p>x</p>', None, "wordpress"),
        ('<div class="td-post-content"><p>x</p></div>', None, "wordpress"),
        ('<article class="the-article"><p>x</p></article>', None, "liferay-portlet"),
        (
            "<p>x</p>",
            "https://diensanh.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/1651191623178/1767777868978",
            "liferay-quangtri",
        ),
        ("<p>x</p>", "https://example.gov.vn/tin/abc", "generic"),
    ],
    ids=[
        "nukeviet-url",
        "nukeviet-generator",
        "tandan-url",
        "liferay62-url",
        "wordpress-generator",
        "wordpress-marker",
        "dnict-marker",
        "quangtri-url",
        "unknown",
    ],
)
def test_the_family_is_recognised_from_url_generator_or_markers(
    html: str, url: str | None, profile: str
) -> None:
    from selectolax.lexbor import LexborHTMLParser

    from scraper.blocks import blocks_of
    from scraper.extractor import choose_profile

    tree = LexborHTMLParser(html)
    assert choose_profile(tree, blocks_of(tree.root), url, None).name == profile


def test_every_field_says_where_it_came_from() -> None:
    got = extract((FIXTURES / "pages/nukeviet/ubmttq-ky-niem.html").read_bytes())
    assert got["sources"]["title"].startswith("css:") and got["sources"]["published_at"].startswith("css:")
    assert got["sources"]["author"].startswith("css:") and got["sources"]["body"].startswith("css:")


def test_every_date_label_holds_one_of_the_words_a_page_is_searched_for_first() -> None:
    from scraper.extractor import _DATE_LABEL_WORDS
    from scraper.profiles import DATE_LABEL_RANKS, ISSUED_LINE

    labels = [label for rank in DATE_LABEL_RANKS for label in rank] + ["Ngày ban hành", "Ban hành ngày"]
    assert all(ISSUED_LINE.match(f"{label}: 10/01/2025") for label in labels[-2:])
    for label in labels:
        # Each label whole, and with its words in cells of their own (read as one line by _date_candidates).
        assert any(word in label.lower() for word in _DATE_LABEL_WORDS), label
        assert (
            any(word in label.lower().replace(" ", "\n") for word in _DATE_LABEL_WORDS) or " " not in label
        ), label


class _Watched:
    """A node whose decompose() fails when an element removed before it held it (lexbor destroyed it then)."""

    def __init__(self, node: LexborNode, gone: set[int]) -> None:
        self.node, self.gone = node, gone

    def decompose(self) -> None:
        assert self.node.mem_id not in self.gone, "removed again inside a removed element"
        self.gone.update(inner.mem_id for inner in self.node.traverse())
        self.node.decompose()


def test_a_profile_drop_nested_in_itself_is_removed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    profile = PROFILES["nukeviet"]
    tree = LexborHTMLParser(
        '<html><body><div class="news_column"><h1>Tiêu đề</h1><div id="news-bodyhtml"><p>Đoạn văn.</p>'
        '<div class="socialicon"><div class="socialicon"><a href="/f">f</a></div></div></div></div></body></html>'
    )
    gone: set[int] = set()
    real = extractor.css

    def watched(scope: LexborHTMLParser | LexborNode, selector: str) -> list[Any]:
        found = real(scope, selector)
        return [_Watched(node, gone) for node in found] if selector in profile.drop else found

    monkeypatch.setattr(extractor, "css", watched)
    with contextlib.suppress(ExtractError):
        extractor._by_selectors(extractor._Page(tree, [], "", {}, None, None), profile)
    assert len(gone) == 3  # the outer row, the inner row and the link
    assert tree.css_first(".socialicon") is None
