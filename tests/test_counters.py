"""Counters on pages nobody here wrote (issue 10): a visitor counter's labels and numbers in separate rows or
columns, odometer digits as images, a count before its label; an article's view count, never a most-read box's.

A field the page does not tell plainly is null, never a number read from the wrong element.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import extract
from scraper.counters import is_counter_line
from tests.test_extract_variations import HEADLINES, PARAGRAPHS, RELATED, number, paragraphs_html, portal_page

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)
LABELS = {
    "online": ["Đang truy cập", "Đang online", "Trực tuyến"],
    "today": ["Hôm nay", "Truy cập hôm nay"],
    "total": ["Tổng lượt truy cập", "Tổng truy cập", "Đã truy cập"],
}
KEYS = ("online", "today", "total")
counts = st.fixed_dictionaries(
    {"online": st.integers(0, 999), "today": st.integers(0, 99_999), "total": st.integers(100_000, 10**9)}
)


def article(counter: str = "", tail: str = "", under: str = "", after: str = "") -> dict[str, object]:
    """A portal's article with three paragraphs, then `after` inside the body's container."""
    html = portal_page(
        headline=f"<h1>{HEADLINES[1]}</h1>",
        under=under or '<div class="date">02/09/2024 08:00</div>',
        body=paragraphs_html(PARAGRAPHS[:3]) + after,
        tail=tail,
        counter=counter,
    )
    return extract(html)


# -- the site's visitor counter -------------------------------------------------------------------------------


def label_row_table(labels: list[str], numbers: list[str]) -> str:
    cells = "".join(f"<td>{label}</td>" for label in labels)
    values = "".join(f'<td align="right">{value}</td>' for value in numbers)
    return f'<table><tr><td colspan="3"><b>THỐNG KÊ TRUY CẬP</b></td></tr><tr>{cells}</tr><tr>{values}</tr></table>'


def label_column(labels: list[str], numbers: list[str]) -> str:
    left = "".join(f"<p>{label}</p>" for label in labels)
    right = "".join(f"<p>{value}</p>" for value in numbers)
    return f'<div class="counter"><h4>Thống kê truy cập</h4><div class="l">{left}</div><div class="r">{right}</div></div>'


@SETTINGS
@given(
    shape=st.sampled_from([label_row_table, label_column]),
    values=counts,
    picks=st.tuples(*(st.sampled_from(LABELS[key]) for key in KEYS)),
    sep=st.sampled_from([".", ","]),
    keys=st.sampled_from([KEYS, ("online", "total"), ("today", "total")]),
)
def test_labels_in_one_row_or_column_pair_with_the_numbers_in_the_next_in_order(
    shape: Callable[[list[str], list[str]], str],
    values: dict[str, int],
    picks: tuple[str, ...],
    sep: str,
    keys: tuple[str, ...],
) -> None:
    labels = [dict(zip(KEYS, picks, strict=True))[key] for key in keys]
    got = article(counter=shape(labels, [number(values[key], sep) for key in keys]))
    assert got["site_visits"] == {key: values[key] if key in keys else None for key in KEYS}


@SETTINGS
@given(shape=st.sampled_from([label_row_table, label_column]), values=counts, shown=st.integers(1, 2))
def test_numbers_that_cannot_be_paired_with_their_labels_are_null_not_guessed(
    shape: Callable[[list[str], list[str]], str], values: dict[str, int], shown: int
) -> None:
    # Three labels over fewer numbers: which label lost its number is not shown, so none is read.
    numbers = [number(values[key], ".") for key in KEYS][:shown]
    assert article(counter=shape([LABELS[key][0] for key in KEYS], numbers))["site_visits"] is None


def test_a_heading_that_is_a_label_leaves_the_pairs_under_it_read() -> None:
    widget = "<div>Lượt truy cập</div><div>Đang truy cập</div><div>37</div><div>Hôm nay</div><div>2.108</div>"
    assert article(counter=widget)["site_visits"] == {"online": 37, "today": 2108, "total": None}


def odometer(value: int) -> str:
    return "".join(f'<img src="/images/counter/{d}.gif" alt="{d}">' for d in str(value))


@SETTINGS
@given(values=counts, picks=st.tuples(*(st.sampled_from(LABELS[key]) for key in KEYS)))
def test_odometer_digits_shown_as_images_are_read_from_their_alt_text(
    values: dict[str, int], picks: tuple[str, ...]
) -> None:
    rows = "".join(f"<p>{label}: {odometer(values[key])}</p>" for key, label in zip(KEYS, picks, strict=True))
    got = article(counter=f'<div class="counter"><div class="title">Lượt truy cập</div>{rows}</div>')
    assert got["site_visits"] == values


def test_an_odometer_without_a_label_of_its_own_is_not_read() -> None:
    widget = f"<h3>Thống kê truy cập</h3><div>{odometer(345678)}</div>"
    assert article(counter=widget)["site_visits"] is None


@SETTINGS
@given(
    values=counts,
    line=st.sampled_from(
        ["Hiện có {} khách Trực tuyến", "Có {} khách đang online", "We have {} guests online"]
    ),
)
def test_a_count_before_its_label_is_the_online_count(values: dict[str, int], line: str) -> None:
    # Joomla's mod_vvisit_counter: a table of "Hôm nay | 215" rows, then "Hiện có 9 khách Trực tuyến".
    rows = (
        f"<tr><td>Hôm nay</td><td>{number(values['today'], '.')}</td></tr><tr><td>Hôm qua</td><td>498</td></tr>"
        f"<tr><td>Tất cả</td><td>{number(values['total'], '.')}</td></tr>"
    )
    widget = f"<h3>Thống kê truy cập</h3><table>{rows}</table><div>{line.format(values['online'])}</div>"
    assert article(counter=widget)["site_visits"] == values


# -- the article's view count --------------------------------------------------------------------------------


def most_read(views: list[int]) -> str:
    items = "".join(
        f'<li><a href="/x/{i}">{HEADLINES[i]}</a> <span>({number(v, ".")} lượt xem)</span></li>'
        for i, v in enumerate(views)
    )
    return f'<div class="sidebar"><h3>Tin xem nhiều</h3><ul>{items}</ul></div>'


@SETTINGS
@given(
    others=st.lists(st.integers(1000, 99_999), min_size=1, max_size=5),
    where=st.sampled_from(["tail", "counter"]),
    own=st.one_of(st.none(), st.integers(0, 999)),
)
def test_a_most_read_boxs_counts_are_other_articles_views(
    others: list[int], where: str, own: int | None
) -> None:
    box = most_read(others)
    under = f'<div class="date">02/09/2024 08:00{f" | Lượt xem: {own}" if own is not None else ""}</div>'
    got = article(under=under, **{where: box})
    assert got["views"] == own
    assert ("views" in got["sources"]) == (own is not None)


@SETTINGS
@given(views=st.integers(0, 99_999), label=st.sampled_from(["Số lần xem: {}", "Lần xem: {}"]))
def test_a_times_viewed_line_is_the_views_and_leaves_the_body(views: int, label: str) -> None:
    got = article(after=f'<p class="views">{label.format(views)}</p>')
    assert (got["views"], got["body"], got["sources"]["views"]) == (
        views,
        "\n\n".join(PARAGRAPHS[:3]),
        "label:view-count",
    )


@SETTINGS
@given(views=st.integers(0, 99_999), alt=st.sampled_from(["Lượt xem", "Số lượt xem", "lượt xem"]))
def test_a_count_after_an_eye_icon_labelled_in_its_alt_text_is_the_views(views: int, alt: str) -> None:
    meta = (
        '<div class="meta"><img src="/i/clock.png" alt="Ngày đăng"> 02/09/2024 08:00 &nbsp; '
        f'<img src="/i/eye.png" alt="{alt}"> {number(views, ".")}</div>'
    )
    got = article(under=meta)
    assert (got["views"], got["sources"]["views"]) == (views, "label:view-icon")


def test_eye_icons_on_every_entry_of_a_list_give_no_views() -> None:
    entries = "".join(
        f'<li><a href="/x/{i}">{h}</a> <img src="/i/eye.png" alt="Lượt xem"> {i + 50}</li>'
        for i, h in enumerate(HEADLINES[:3])
    )
    got = article(tail=f"<ul>{entries}</ul><ul>{RELATED}</ul>")
    assert got["views"] is None


@SETTINGS
@given(values=counts, views=st.integers(1, 9_999), label=st.sampled_from(["Lượt truy cập", "Lượt xem"]))
def test_an_articles_own_count_on_its_date_line_leaves_the_site_counter_alone(
    values: dict[str, int], views: int, label: str
) -> None:
    # "14/01/2025 08:30 | Lượt truy cập: 345" under the headline is the article's, not the site's total.
    rows = "".join(f"<p>{LABELS[key][0]}: {number(values[key], '.')}</p>" for key in KEYS)
    under = f'<div class="meta">02/09/2024 08:00 | {label}: {views}</div>'
    assert article(counter=f"<div>{rows}</div>", under=under)["site_visits"] == values


@SETTINGS
@given(
    total=counts.map(lambda values: values["total"]),
    label=st.sampled_from(["Bạn là người truy cập thứ", "Bạn là khách thứ"]),
)
def test_an_old_style_visitors_rank_is_the_total(total: int, label: str) -> None:
    got = article(counter=f'<div class="counter">{label}: {number(total, ".")}</div>')
    assert got["site_visits"] == {"online": None, "today": None, "total": total}


@SETTINGS
@given(
    values=counts,
    sep=st.sampled_from(["&nbsp;", "\u00a0", "\u202f", " "]),
    where=st.sampled_from(["footer", "box"]),
)
def test_a_one_line_counter_whose_thousands_are_parted_by_spaces_gives_every_number(
    values: dict[str, int], sep: str, where: str
) -> None:
    # "Đang truy cập: 6 | Hôm nay: 1 024 | Tổng lượt truy cập: 1 204 330", a no-break space between thousands.
    line = (
        f"Đang truy cập: {number(values['online'], sep)} | Hôm nay: {number(values['today'], sep)}"
        f" | Tổng lượt truy cập: {number(values['total'], sep)}"
    )
    got = (
        article(tail=f"<p>{line}</p>")
        if where == "footer"
        else article(counter=f'<div class="box">{line}</div>')
    )
    assert got["site_visits"] == values


@SETTINGS
@given(
    values=counts,
    picks=st.tuples(*(st.sampled_from(LABELS[key]) for key in KEYS)),
    keys=st.sampled_from([KEYS, ("online", "total"), ("today", "total")]),
    between=st.sampled_from([" ", " - ", " · ", ""]),
    thousands=st.sampled_from([".", ",", "\u00a0", " "]),
    colon=st.sampled_from([": ", " ", ""]),
    spans=st.booleans(),
)
def test_a_one_line_counter_without_bars_gives_every_number(
    values: dict[str, int],
    picks: tuple[str, str, str],
    keys: tuple[str, ...],
    between: str,
    thousands: str,
    colon: str,
    spans: bool,
) -> None:
    # Tân Dân's "Đang truy cập: 27 Tổng: 4.798.809": label and number spans inline, one line, no bar.
    label = dict(zip(KEYS, picks, strict=True))
    items = [(label[key] + colon, number(values[key], thousands)) for key in keys]
    if spans:
        line = "".join(
            f'<span class="online-lable">{shown}</span><span style="font-weight:bold">{n} </span>'
            for shown, n in items
        )
    else:
        line = between.join(f"{shown}{n}" for shown, n in items)
    got = article(counter=f'<div class="portlet"><h3>Số lượng truy cập</h3><div>{line}</div></div>')
    assert got["site_visits"] == {key: values[key] if key in keys else None for key in KEYS}


@pytest.mark.parametrize(
    "line",
    ["Hôm nay 5 người đến thăm Tổng cộng", "Hôm nay 12 xã Tổng kết năm 2024 của huyện"],
    ids=["sentence-after-number", "report-title"],
)
def test_a_sentence_with_counter_words_gives_no_counter(line: str) -> None:
    assert article(counter=f"<div>{line}</div>")["site_visits"] is None


@SETTINGS
@given(
    online=counts.map(lambda values: values["online"]),
    total=counts.map(lambda values: values["total"]),
    label=st.sampled_from(["Số người đang online", "Số người online", "Số người đang truy cập"]),
)
def test_an_old_style_counters_people_online_is_the_online_count(online: int, total: int, label: str) -> None:
    counter = f"<div>{label}: {online}<br>Bạn là người truy cập thứ: {number(total, '.')}</div>"
    assert article(counter=counter)["site_visits"] == {"online": online, "today": None, "total": total}


# -- issue 10 review 10h: labels of other widgets, other boxes, captions ---------------------------------------

# Labels of widgets seen on portals (WP Statistics' "Người dùng trực tuyến"), and of English interfaces.
VIETNAMESE_LABELS = {
    "online": ["Người dùng trực tuyến", "Đang xem", "Khách trực tuyến", "Đang online"],
    "today": ["Lượt truy cập hôm nay", "Hôm nay"],
    "total": ["Tổng lượt truy cập", "Tổng cộng", "Tổng số"],
}
ENGLISH_LABELS = {
    "online": ["Online", "Users online", "Visitors online"],
    "today": ["Today", "Visits today", "Visitors today"],
    "total": ["Total", "Total visits", "Total visitors"],
}
# Rows a counter shows for other periods: never today's count or the total.
OTHER_PERIODS = {
    "vi": ["Hôm qua", "Lượt truy cập hôm qua", "Tuần này", "Tháng này", "Tổng tháng này"],
    "en": ["Yesterday", "This week", "This month", "Last month", "Total this month"],
}
ROW_SHAPES = [
    "<li><label>{label}:&nbsp;</label>{value}</li>",  # WP Statistics
    "<li>{label}: <strong>{value}</strong></li>",
    "<li><span>{label}</span><span>{value}</span></li>",  # NukeViet
    "<p>{label}: {value}</p>",
]


def counter_box(heading: str, rows: list[tuple[str, str]], shape: str) -> str:
    lines = "".join(shape.format(label=label, value=value) for label, value in rows)
    return f'<div class="box"><h3>{heading}</h3><ul>{lines}</ul></div>'


def widget(labels: dict[str, list[str]], others: list[str]) -> st.SearchStrategy[tuple[str, dict[str, int]]]:
    """A counter box of one label per key (in order), other periods' rows among them, and its values."""
    return st.builds(
        lambda values, picks, extra, shape, sep: (
            counter_box(
                "Thống kê truy cập",
                [(picks[0], number(values["online"], sep)), (picks[1], number(values["today"], sep))]
                + [(label, number(value, sep)) for label, value in extra]
                + [(picks[2], number(values["total"], sep))],
                shape,
            ),
            values,
        ),
        counts,
        st.tuples(*(st.sampled_from(labels[key]) for key in KEYS)),
        st.lists(st.tuples(st.sampled_from(others), st.integers(0, 10**6)), max_size=3),
        st.sampled_from(ROW_SHAPES),
        st.sampled_from([".", ","]),
    )


@SETTINGS
@given(shown=widget(VIETNAMESE_LABELS, OTHER_PERIODS["vi"]))
def test_a_widgets_online_label_is_read_whatever_its_wording(shown: tuple[str, dict[str, int]]) -> None:
    box, values = shown
    assert article(counter=box)["site_visits"] == values


@SETTINGS
@given(shown=widget(ENGLISH_LABELS, OTHER_PERIODS["en"] + OTHER_PERIODS["vi"][:1]))
def test_an_english_counters_labels_are_read_and_other_periods_are_not(
    shown: tuple[str, dict[str, int]],
) -> None:
    box, values = shown
    assert article(counter=box)["site_visits"] == values


SUBJECTS = ["văn bản", "hồ sơ", "tin bài", "câu hỏi", "phản ánh, kiến nghị", "hồ sơ dịch vụ công", "tài liệu"]


@SETTINGS
@given(
    values=counts,
    others=st.tuples(st.integers(0, 99), st.integers(100, 99_999), st.integers(0, 99)),
    heading=st.sampled_from(["Thống kê {}", "Số liệu {}", "{}"]),
    subject=st.sampled_from(SUBJECTS),
    shape=st.sampled_from(ROW_SHAPES),
    real=st.booleans(),
)
def test_a_box_counting_something_else_is_not_the_visitor_counter(
    values: dict[str, int],
    others: tuple[int, int, int],
    heading: str,
    subject: str,
    shape: str,
    real: bool,
) -> None:
    # "Thống kê văn bản" (Tổng số: 1.234 / Hôm nay: 5) above the real counter: no value comes from it.
    title = heading.format(subject)
    title = title[0].upper() + title[1:]
    other = counter_box(
        title,
        [("Trực tuyến", str(others[0])), ("Tổng số", number(others[1], ".")), ("Hôm nay", str(others[2]))],
        shape,
    )
    rows = [(LABELS[key][0], number(values[key], ".")) for key in KEYS]
    counter = other + (counter_box("Thống kê truy cập", rows, shape) if real else "")
    got = article(counter=counter)
    assert got["site_visits"] == (values if real else None)


@SETTINGS
@given(
    values=counts,
    caption=st.sampled_from(
        [
            '<tr><th colspan="3">{}</th></tr>',
            '<tr><td colspan="3"><b>{}</b></td></tr>',
            "<caption>{}</caption>",
        ]
    ),
    words=st.sampled_from(["Lượt truy cập", "Số lượt truy cập", "Thống kê truy cập"]),
    picks=st.tuples(*(st.sampled_from(LABELS[key]) for key in KEYS)),
    keys=st.sampled_from([KEYS, ("online", "total"), ("today", "total"), ("online", "today")]),
)
def test_a_caption_over_a_row_of_labels_and_a_row_of_numbers_leaves_them_paired(
    values: dict[str, int], caption: str, words: str, picks: tuple[str, ...], keys: tuple[str, ...]
) -> None:
    labels = [dict(zip(KEYS, picks, strict=True))[key] for key in keys]
    cells = "".join(f"<td>{label}</td>" for label in labels)
    numbers = "".join(f"<td>{number(values[key], '.')}</td>" for key in keys)
    table = f'<table class="thongke">{caption.format(words)}<tr>{cells}</tr><tr>{numbers}</tr></table>'
    got = article(counter=table)
    assert got["site_visits"] == {key: values[key] if key in keys else None for key in KEYS}
    assert not any(key.startswith("site_visits.") for key in got["sources"])


@SETTINGS
@given(shape=st.sampled_from([label_row_table, label_column]), values=counts)
def test_numbers_that_cannot_be_paired_are_null_with_the_reason_in_sources(
    shape: Callable[[list[str], list[str]], str], values: dict[str, int]
) -> None:
    numbers = [number(values[key], ".") for key in KEYS][:2]
    got = article(counter=shape([LABELS[key][0] for key in KEYS], numbers))
    assert got["site_visits"] is None
    assert {got["sources"].get(f"site_visits.{key}") for key in KEYS} == {"rejected:unpaired-labels"}


@SETTINGS
@given(
    values=counts,
    documents=st.lists(st.integers(1, 999), min_size=1, max_size=4),
    heading=st.sampled_from(["Văn bản mới", "Hồ sơ đã giải quyết", "Tin bài mới"]),
    name=st.sampled_from(["Quyết định số {}", "Công văn {}", "Quyết định số {}/QĐ-UBND", "Văn bản hợp nhất"]),
)
def test_a_counter_without_a_heading_under_another_box_is_still_read(
    values: dict[str, int], documents: list[int], heading: str, name: str
) -> None:
    # The list's entries are links, not the counter's rows: its heading is not the counter's.
    entries = "".join(f'<li><a href="/vb/{n}">{name.format(n)}</a></li>' for n in documents)
    rows = "".join(f"<p>{LABELS[key][0]}: {number(values[key], '.')}</p>" for key in KEYS)
    got = article(counter=f"<h3>{heading}</h3><ul>{entries}</ul><div>{rows}</div>")
    assert got["site_visits"] == values


# -- the article's count on its date line --------------------------------------------------------------------


@SETTINGS
@given(
    views=st.integers(0, 99_999),
    values=counts,
    count=st.sampled_from(["Lượt truy cập: {}", "{} lượt xem", "{} lượt đọc", "{} views"]),
    byline=st.sampled_from(["", "Bởi Ngọc Ánh", "By Minh Chau"]),
    sep=st.sampled_from([" | ", " ", " &nbsp; "]),
    date=st.sampled_from(["02/09/2024 08:00", "Thứ Hai, 02/09/2024, 08:00"]),
)
def test_a_count_on_the_date_line_under_the_headline_is_the_articles_views(
    views: int, values: dict[str, int], count: str, byline: str, sep: str, date: str
) -> None:
    parts = [date, *([byline] if byline else []), count.format(number(views, ","))]
    meta = f'<div class="meta">{sep.join(parts)}</div>'
    rows = "".join(f"<p>{LABELS[key][0]}: {number(values[key], '.')}</p>" for key in KEYS)
    got = article(under=meta, counter=f"<div>{rows}</div>")
    assert (got["views"], got["sources"]["views"], got["site_visits"]) == (
        views,
        "anchor:date-line-count",
        values,
    )


@SETTINGS
@given(views=st.integers(100, 99_999))
def test_a_count_of_views_told_in_the_story_is_not_the_articles(views: int) -> None:
    story = (
        f"<p>Video clip của đoàn thanh niên đã đạt {number(views, '.')} lượt xem sau một tuần đăng tải.</p>"
    )
    got = article(after=story)
    assert got["views"] is None and "views" not in got["sources"]


# The counter line's pattern as first written, with a backtracking label: the possessive one must accept the same
# lines (a label gives back only characters that are no digit, so a shorter label never helps).
_BACKTRACKING_COUNTER_LINE = re.compile(r"[^\W\d_][^\d:]{0,40}:?\s*\d[\d.,]*(?:\s\d{3}(?!\d))*")


@settings(max_examples=1000, deadline=None)
@given(
    st.tuples(
        # a label of any length up to past the pattern's 41 characters
        st.integers(0, 48).flatmap(lambda n: st.text(alphabet="aĐb \t\xa0_-", min_size=n, max_size=n)),
        st.sampled_from(["", ":", " :", "1"]),
        st.text(alphabet=" \xa0\t", max_size=3),
        st.text(alphabet="0123456789., \xa0b", max_size=12),  # a number, thousands parted or not
    ).map("".join)
)
def test_a_counter_line_is_what_the_backtracking_pattern_accepts(text: str) -> None:
    assert is_counter_line(text) == (bool(text) and _BACKTRACKING_COUNTER_LINE.fullmatch(text) is not None)
