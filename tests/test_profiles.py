"""The profile tables' helpers: the view-count search finds every label the regex knows, in any case."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.profiles import DATE_LABEL, VIEW_COUNT, search_view_count

# The labels as VIEW_COUNT spells them: a label added there without a piece in VIEW_LABEL_PIECES fails here.
LABELS = VIEW_COUNT.pattern.removeprefix("(?:").split(")")[0].split("|")


@pytest.mark.parametrize("label", LABELS, ids=LABELS)
@pytest.mark.parametrize(
    "case", [str, str.upper, str.lower, str.title], ids=["as-is", "upper", "lower", "title"]
)
def test_search_view_count_finds_every_label_in_any_case(label: str, case: object) -> None:
    text = "Tin khác ở đây. " + case(label) + ": 1.234 | Chia sẻ"  # type: ignore[operator]
    match = search_view_count(text)
    assert match is not None and match.group(1) == "1.234"


def test_search_view_count_without_a_label_finds_nothing() -> None:
    assert search_view_count("Lượt thích: 12. Xem thêm 30 tin. View 5") is None


_VIEW_TEXT_PIECES = st.sampled_from(
    [
        *("Lượt xem", "lượt xem", "Số lượt xem", "LƯỢT XEM", "Views", "View count", "lượt đọc", "Đã xem"),
        *(
            "(",
            ")",
            ":",
            " ",
            "|",
            "-",
            "–",
            "\n",
            "345",
            "1.234",
            "12,5",
            "news",
            "new:",
            "ews :",
            "İ",
            "text",
        ),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VIEW_TEXT_PIECES, max_size=30).map("".join), st.text(max_size=300))
def test_search_view_count_finds_what_the_whole_pattern_finds(labelled: str, other: str) -> None:
    """Searching only around the labels' pieces finds VIEW_COUNT's first match, wherever the text puts it."""
    for text in (labelled, other + labelled, labelled + other * 2):
        whole, windowed = VIEW_COUNT.search(text), search_view_count(text)
        assert (whole and (whole.start(), whole.group(1))) == (
            windowed and (windowed.start(), windowed.group(1))
        )


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Ngày đăng: 10/03/2025", "Ngày đăng"),
        ("Ngày đăng 14/06/2018", "Ngày đăng"),
        ("Ngày đăng tin: 14/06/2023", "Ngày đăng tin"),
        ("Ngày đăng ký: 20/03/2025", None),
        ("Ngày đăng kí kết hôn: 08/03/2025", None),
        ("Ngày đăng tải hồ sơ mời thầu: 18/03/2025", None),
        ("Ngày đăng kiểm: 01/02/2025", None),
    ],
    ids=[
        "posting",
        "posting-no-colon",
        "posting-news",
        "registration",
        "registration-ki",
        "upload",
        "inspection",
    ],
)
def test_a_registration_or_upload_date_is_no_posting_label(line: str, label: str | None) -> None:
    """ "Ngày đăng ký: …" in a story begins like "Ngày đăng" and took the posting date's place (review 10i)."""
    match = DATE_LABEL.match(line)
    assert (match["label"] if match else None) == label
