"""Page kinds: a pager's shapes and lists of dated items (issue 10, class 7)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.blocks import Block, Link
from scraper.errors import ExtractError
from scraper.extractor import extract_article
from scraper.pagekind import has_pager, is_listing


def _line(*links: str, text: str = "") -> Block:
    return Block(text or "".join(links), "div", tuple(Link(f"?p={i}", t) for i, t in enumerate(links)))


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(_line("«", "2", "»"), id="arrows-glued-to-one-page-number"),
        pytest.param(_line("1", "2", text="1 2 Trang 1 của 48"), id="numbers-with-a-count"),
        pytest.param(_line("2", "3", text="1 2 3"), id="spaced-numbers"),
    ],
)
def test_a_line_of_page_links_is_a_pager(block: Block) -> None:
    assert has_pager([Block("Tin tức", "h2", ()), block])


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(_line("Trang chủ"), id="home-link"),
        pytest.param(_line("2", text="Xem trang 2 của văn bản"), id="one-page-link-in-a-sentence"),
    ],
)
def test_a_line_with_no_run_of_page_links_is_no_pager(block: Block) -> None:
    assert not has_pager([block])


SEARCH_HEADINGS = ["Kết quả tìm kiếm", "Tìm kiếm", "Search results"]
NEXT_LINKS = ["Sau »", "Trang sau ›", "« Trước", "Tiếp »", "Next »", "» Cuối"]
RESULTS = [
    (
        "Hội An đón 1 triệu lượt khách quốc tế trong 4 tháng",
        "Lượng khách quốc tế đến Hội An tăng 28% so với cùng kỳ, chủ yếu từ Hàn Quốc, Mỹ và Úc.",
    ),
    (
        "Ra mắt sản phẩm du lịch đêm trên sông Hoài",
        "Chương trình biểu diễn thực cảnh kết hợp thả hoa đăng và ẩm thực đường phố vào tối thứ Bảy.",
    ),
    (
        "Tập huấn kỹ năng làm du lịch cộng đồng cho người dân",
        "Hơn 60 hộ dân làng rau Trà Quế và làng mộc Kim Bồng được hướng dẫn kỹ năng đón tiếp khách.",
    ),
]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    heading=st.sampled_from(SEARCH_HEADINGS),
    count=st.integers(min_value=2, max_value=3),
    pages=st.lists(st.sampled_from(["2", "3", "4"]), min_size=1, max_size=3, unique=True),
    words=st.lists(st.sampled_from(NEXT_LINKS), min_size=1, max_size=2, unique=True),
)
def test_a_search_results_page_under_a_pager_with_worded_links_is_not_an_article(
    heading: str, count: int, pages: list[str], words: list[str]
) -> None:
    items = "".join(
        f'<div class="item"><h3><a href="/tin/{i}.html">{title}</a></h3><p>1{i}/05/2025</p><p>{lead}</p></div>'
        for i, (title, lead) in enumerate(RESULTS[:count])
    )
    pager = "".join(f'<a href="?page={page}">{page}</a>' for page in pages)
    pager += "".join(f'<a href="?page=2">{word}</a>' for word in words)
    html = (
        '<html><body><div class="top">Thứ Hai, 12/05/2025 <a href="/en">English</a> <a href="/sitemap">Sơ đồ trang</a>'
        '</div><div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ UBND THÀNH PHỐ HỘI AN</div><ul><li><a href="/">Trang chủ</a></li>'
        f'<li><a href="/tin-tuc">Tin tức</a></li></ul><main><h1>{heading}</h1><p>Tìm thấy 128 kết quả cho "du lịch"</p>'
        f'{items}<div class="pager">{pager}</div></main><footer><p>Cơ quan chủ quản: UBND thành phố Hội An</p></footer>'
        "</body></html>"
    )
    with pytest.raises(ExtractError, match="not_an_article"):
        extract_article(html)


FOOTER = [
    Block("Cơ quan chủ quản: UBND huyện Gio Linh", "p"),
    Block("Người chịu trách nhiệm: Ông Nguyễn Văn Hùng - Chánh Văn phòng HĐND và UBND huyện", "p"),
    Block('Ghi rõ nguồn "UBND huyện Gio Linh" khi phát hành lại thông tin từ website này.', "p"),
]
SUMMARY = "Quyết định ban hành quy định quản lý lĩnh vực cụm công nghiệp trên địa bàn tỉnh Quảng Trị"


def _document_rows(count: int, date: str) -> list[Block]:
    rows: list[Block] = []
    for n in range(count):
        number = f"{15 - n}/2025/QĐ-UBND"
        rows += [
            Block(str(n + 1), "td"),
            _line(number),
            Block(date.format(d=10 - n), "td"),
            Block(SUMMARY, "td"),
        ]
    return rows


@pytest.mark.parametrize(
    "date", ["{d:02d}/01/2025", "2025-01-{d:02d}", "({d}.01.2025)"], ids=["dmy", "iso", "dotted"]
)
@pytest.mark.parametrize("count", [4, 10])
def test_rows_of_a_link_a_date_and_a_summary_are_a_listing(date: str, count: int) -> None:
    assert is_listing([Block("Văn bản quy phạm pháp luật", "h1"), *_document_rows(count, date), *FOOTER])


@pytest.mark.parametrize(
    "blocks",
    [
        pytest.param(_document_rows(3, "{d:02d}/01/2025"), id="three-rows"),
        pytest.param(
            [Block("Thông báo", "h1"), Block(SUMMARY, "p"), *_document_rows(5, "{d:02d}/01/2025")],
            id="a-notice-under-its-heading-beside-dated-links",
        ),
        pytest.param(
            [
                *_document_rows(5, "{d:02d}/01/2025"),
                *[Block(SUMMARY + f" (đoạn {i}).", "p") for i in range(3)],
            ],
            id="an-article-after-dated-links",
        ),
        pytest.param(
            [Block(str(n), "td") if n % 2 else _line(f"Mục {n}") for n in range(12)],
            id="numbers-are-no-dates",
        ),
    ],
)
def test_dated_lines_beside_an_articles_text_are_no_listing(blocks: list[Block]) -> None:
    assert not is_listing(blocks)
