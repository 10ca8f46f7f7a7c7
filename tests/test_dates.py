"""Vietnamese date strings as portals print them -> ISO 8601 (cms-families.md §7)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import extract
from scraper.dates import parse_datetime, placeholder_day
from tests.test_extract_variations import (
    HEADLINES,
    PARAGRAPHS,
    WEEKDAY_NAMES,
    paragraphs_html,
    portal_page,
)

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=timezone(timedelta(hours=7)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20:5, Thứ Hai, 29-8-2022", "2022-08-29T20:05:00+07:00"),
        ("Post date: 07/01/2026", "2026-01-07"),
        ("Ngày đăng: 05-01-2026 Lượt xem: 26", "2026-01-05"),
        ("Ngày đăng 14/06/2018 | 11:22 AM \u00a0|\u00a0View count: 1108", "2018-06-14T11:22:00+07:00"),
        ("03/04/2020 | 10:36 PM", "2020-04-03T22:36:00+07:00"),
        ("Thứ hai - 29/08/2022 20:05", "2022-08-29T20:05:00+07:00"),
        ("29/08/2022 20:05:00", "2022-08-29T20:05:00+07:00"),
        ("Cập nhật ngày: 11/24/2023 3:18:29 PM", "2023-11-24T15:18:29+07:00"),
        ("17:42 Ngày 04/06/2018", "2018-06-04T17:42:00+07:00"),
        ("Chủ nhật, 03/08/2025 16:05", "2025-08-03T16:05:00+07:00"),
        ("ngày 5 tháng 3 năm 2024", "2024-03-05"),
        ("Ngày 09 tháng 3 năm 2025, 15 giờ 30", "2025-03-09T15:30:00+07:00"),
        ("Ngày 09 tháng 3 năm 2025 lúc 15 giờ 30 phút", "2025-03-09T15:30:00+07:00"),
        ("26/02/202510:20", "2025-02-26T10:20:00+07:00"),
        ("2024-06-05T08:30:00+07:00", "2024-06-05T08:30:00+07:00"),
        ("2024-06-05T01:30:00Z", "2024-06-05T08:30:00+07:00"),
        ("2024-06-05T20:30:00-05:00", "2024-06-06T08:30:00+07:00"),
        ("05-06-2024 08:30 (GMT+7)", "2024-06-05T08:30:00+07:00"),
        ("10:15 SA, 02/01/2025", "2025-01-02T10:15:00+07:00"),
        ("2:15 CH, 02/01/2025", "2025-01-02T14:15:00+07:00"),
        ("Hôm nay 15:39", "2026-11-29T15:39:00+07:00"),
        ("Hôm qua", "2026-11-28"),
        ("21 giờ trước", "2026-11-28T13:00:00+07:00"),
        ("3 ngày trước", "2026-11-26"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_parses_portal_formats(text: str, expected: str) -> None:
    assert parse_datetime(text, NOW) == expected


@pytest.mark.parametrize(
    "text",
    ["31/02/2024", "Lượt xem: 26", "", "nonsense 99/99/9999", "05/12/2099"],
    ids=["impossible-day", "no-date", "empty", "garbage", "future"],
)
def test_no_valid_date_gives_none(text: str) -> None:
    assert parse_datetime(text, NOW) is None


def test_an_impossible_time_keeps_the_date_and_drops_the_time() -> None:
    assert parse_datetime("25:61, 01-01-2024", NOW) == "2024-01-01"


def test_date_only_pages_never_get_an_invented_time() -> None:
    assert "T" not in (parse_datetime("Post date: 07/01/2026", NOW) or "T")


def test_wrong_weekday_is_a_warning_not_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert parse_datetime("8:0, Thứ Ba, 29-8-2022", NOW) == "2022-08-29T08:00:00+07:00"
    assert "weekday" in caplog.text


VI_MONTHS = ["Một", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Mười Một", "Mười Hai"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
EN_MONTHS += ["November", "December"]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 11, 29)),
    shape=st.sampled_from(
        ["Tháng {vi} {d}, {y}", "{d} Tháng {vi}, {y}", "tháng {m} {d}, {y}", "{en} {d}, {y}", "{d} {en} {y}"]
    ),
    case=st.sampled_from([str, str.lower, str.upper]),
)
def test_a_date_with_a_month_name_is_read(day: date, shape: str, case: Callable[[str], str]) -> None:
    # WordPress in Vietnamese prints "Tháng Một 14, 2025"; in English "January 14, 2025".
    text = shape.format(
        vi=VI_MONTHS[day.month - 1], en=EN_MONTHS[day.month - 1], m=day.month, d=day.day, y=day.year
    )
    assert parse_datetime(case(text), NOW) == day.isoformat()


@pytest.mark.parametrize(
    "text",
    ["Thứ năm 14, 2025", "dismay 5, 2024", "Tháng 13 14, 2025"],
    ids=["weekday", "inside-a-word", "month-13"],
)
def test_words_that_only_look_like_a_month_give_no_date(text: str) -> None:
    assert parse_datetime(text, NOW) is None


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    moment=st.datetimes(datetime(2000, 1, 1), datetime(2026, 11, 1)).map(lambda d: d.replace(microsecond=0)),
    hours=st.integers(-12, 14),
    shape=st.sampled_from(["{}", "Ngày đăng: {}"]),
)
def test_a_stamp_in_any_zone_is_the_same_moment_in_vietnam_time(
    moment: datetime, hours: int, shape: str
) -> None:
    stamp = moment.replace(tzinfo=timezone(timedelta(hours=hours)))
    got = parse_datetime(shape.format(stamp.isoformat().replace("+00:00", "Z")), NOW)
    assert got is not None and got.endswith("+07:00")
    assert datetime.fromisoformat(got) == stamp


@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("2025-02-20T12:00:00Z", "2025-02-20"),
        ("2025-02-20T12:00:00+00:00", "2025-02-20"),
        ("2025-02-20T00:00:00+07:00", "2025-02-20"),
        ("2025-02-20T00:00:00Z", "2025-02-20"),
        ("2025-02-20T12:00:00+07:00", None),
        ("2025-02-20T01:30:00Z", None),
        ("2025-02-20", None),
    ],
)
def test_a_stamps_time_that_stands_for_a_day_without_one(stamp: str, day: str | None) -> None:
    assert placeholder_day(stamp) == day


def time_element(stamp: str, shown: str) -> str:
    """Drupal's date field: the machine stamp in `datetime`, the page's own display as the text."""
    return f'<div class="field--name-created">Ngày đăng <time datetime="{stamp}">{shown}</time></div>'


VN = timezone(timedelta(hours=7))
moments = st.datetimes(datetime(2015, 1, 1), datetime(2026, 11, 1)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(moment=moments, stored=st.sampled_from(["utc-noon", "midnight"]))
def test_a_date_only_field_stored_with_a_placeholder_time_is_the_shown_date(
    moment: datetime, stored: str
) -> None:
    day = moment.date()
    stamp = f"{day.isoformat()}T12:00:00Z" if stored == "utc-noon" else f"{day.isoformat()}T00:00:00+07:00"
    html = portal_page(
        headline=f"<h1>{HEADLINES[3]}</h1>",
        under=time_element(stamp, day.strftime("%d/%m/%Y")),
        body=paragraphs_html(PARAGRAPHS[:3]),
    )
    assert extract(html)["published_at"] == day.isoformat()


@settings(max_examples=30, deadline=None, derandomize=True)
@given(moment=moments, lie=st.sampled_from([timedelta(0), timedelta(hours=7), timedelta(hours=-3)]))
def test_a_utc_stamp_is_vietnam_time_and_yields_to_the_time_the_page_shows(
    moment: datetime, lie: timedelta
) -> None:
    # lie = 0: a true UTC stamp; otherwise the stamp disagrees with what the page shows, which wins.
    local = moment.replace(tzinfo=VN)
    stamp = (local.astimezone(UTC) + lie).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = portal_page(
        headline=f"<h1>{HEADLINES[3]}</h1>",
        under=time_element(stamp, local.strftime("%d/%m/%Y - %H:%M")),
        body=paragraphs_html(PARAGRAPHS[:3]),
    )
    assert extract(html)["published_at"] == local.isoformat()


# -- labelled dates: zones after the time, labels that name the page's posting (issue 10, review 10h) ----------

WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    moment=moments,
    zone=st.sampled_from(["[GMT+7]", "(GMT+7)", "GMT+07:00", "[UTC+7]", "(GMT +7)", "[GMT+07:00]"]),
    shape=st.sampled_from(["{w}, {d}, {t} {z}", "{d} {t} {z}", "{t} {d} {z}", "{w}, {d} - {t} {z}"]),
)
def test_a_zone_after_the_time_bare_or_bracketed_leaves_the_date_line_readable(
    moment: datetime, zone: str, shape: str
) -> None:
    """The provincial e-newspapers print "Thứ Sáu, 13/12/2024, 06:48 [GMT+7]" under the headline."""
    shown = shape.format(w=WEEKDAYS_VI[moment.weekday()], d=f"{moment:%d/%m/%Y}", t=f"{moment:%H:%M}", z=zone)
    html = portal_page(
        headline=f"<h1>{HEADLINES[1]}</h1>",
        under=f'<div class="date-detail">{shown}</div>',
        body=paragraphs_html(PARAGRAPHS[:3]),
    )
    assert extract(html)["published_at"] == moment.replace(tzinfo=VN).isoformat()


def page_with_line(line: str, place: str, headline: str = HEADLINES[2]) -> str:
    """An article with line just under its headline ("under") or just below its body ("tail")."""
    return portal_page(
        headline=f"<h1>{headline}</h1>",
        under=line if place == "under" else "",
        body=paragraphs_html(PARAGRAPHS[:3]),
        tail=line if place == "tail" else "",
    )


POSTING_LABELS = ["Ngày đăng", "Ngày đăng tin", "Đăng", "Ngày xuất bản", "Ngày tạo"]
UPDATE_LABELS = ["Ngày cập nhật", "Cập nhật"]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    label=st.sampled_from([*POSTING_LABELS, "Ngày gửi"]),
    moment=moments,
    credit=st.sampled_from(["Viết bởi Hữu Phước | ", "Tác giả: Hữu Phước - ", ""]),
    count=st.sampled_from([" | Số lần đọc: 96", " - Lượt xem: 96", ""]),
    place=st.sampled_from(["under", "tail"]),
)
def test_a_date_after_a_label_of_its_posting_or_creation_is_read_under_the_headline_or_below_the_body(
    label: str, moment: datetime, credit: str, count: str, place: str
) -> None:
    """Joomla's "Ngày tạo: 22-10-2024 14:08", a poster line "Người đăng: … - Ngày đăng: …" below the body."""
    line = f"<div><i>{credit}{label}: {moment:%d-%m-%Y %H:%M}{count}</i></div>"
    html = page_with_line(line, place)
    assert extract(html)["published_at"] == moment.replace(tzinfo=VN).isoformat()


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    posted=moments,
    updated=moments,
    posting=st.sampled_from(POSTING_LABELS),
    update=st.sampled_from(UPDATE_LABELS),
    update_first=st.booleans(),
    glue=st.sampled_from([" | ", " - ", "</span><br><span>", "</div><div>"]),
    place=st.sampled_from(["under", "tail"]),
)
def test_the_posting_date_beats_an_update_date_whatever_their_order(
    posted: datetime,
    updated: datetime,
    posting: str,
    update: str,
    update_first: bool,
    glue: str,
    place: str,
) -> None:
    parts = [f"{posting}: {posted:%d/%m/%Y %H:%M}", f"{update}: {updated:%d/%m/%Y %H:%M}"]
    line = f"<div><span>{glue.join(parts[::-1] if update_first else parts)}</span></div>"
    html = page_with_line(line, place, HEADLINES[4])
    assert extract(html)["published_at"] == posted.replace(tzinfo=VN).isoformat()


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    asked=st.dates(date(2015, 1, 1), date(2026, 6, 1)),
    wait=st.integers(0, 60),
    asked_label=st.sampled_from(["Ngày hỏi", "Ngày gửi"]),
    answer_shape=st.sampled_from(["({label}: {d} - Đơn vị trả lời: Phòng Tư pháp huyện)", "{label}: {d}"]),
)
def test_a_question_and_answer_page_is_dated_by_its_answer(
    asked: date, wait: int, asked_label: str, answer_shape: str
) -> None:
    """A hỏi đáp page: the citizen's question, then the answer; the page is published with its answer."""
    answered = asked + timedelta(days=wait)
    answer_line = answer_shape.format(label="Ngày trả lời", d=f"{answered:%d/%m/%Y}")
    html = portal_page(
        headline=f'<h2 class="hd-title">{HEADLINES[5]}</h2>',
        under=f'<div class="hd-info">Người hỏi: <b>Nguyễn Thị Mai</b> - Địa chỉ: xã Triệu Thượng &nbsp; '
        f"{asked_label}: {asked:%d/%m/%Y}</div>",
        body=f"<div><b>Câu hỏi:</b> {PARAGRAPHS[0]}</div><div><b>Trả lời:</b> {answer_line}"
        f"{paragraphs_html(PARAGRAPHS[1:3])}</div>",
    )
    assert extract(html)["published_at"] == answered.isoformat()


@pytest.mark.parametrize(
    ("shown", "place"),
    [
        ("Ngày đăng: 31/02/2025 10:00", "under"),
        ("Ngày đăng: 31/02/2025 10:00", "tail"),
        ("Cập nhật: 30/13/2024", "tail"),
        ("Ngày đăng: 14/01/2099 08:30", "tail"),
        ("Thứ Hai, 12/05/2098 - 09:00", "under"),
    ],
    ids=["no-such-day", "no-such-day-below-the-body", "no-such-month", "future", "future-unlabelled"],
)
def test_a_date_line_holding_no_valid_date_leaves_the_field_null_with_its_reason(
    shown: str, place: str
) -> None:
    got = extract(page_with_line(f"<p>{shown}</p>", place, HEADLINES[0]))
    assert (got["published_at"], got["sources"].get("published_at")) == (None, "rejected:no-valid-date")


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    posted=moments,
    event=st.dates(date(2015, 1, 1), date(2026, 11, 1)),
    subtitle=st.sampled_from(
        ["Ngày {d:%d} tháng {d:%m} năm {d:%Y}", "{d:%d/%m/%Y}", "{weekday}, {d:%d/%m/%Y}"]
    ),
    label=st.sampled_from(["Ngày đăng", "Ngày đăng tin", "Đăng ngày", "Thời gian đăng"]),
)
def test_a_labelled_posting_date_under_the_headline_beats_an_unlabelled_date_line_above_it(
    posted: datetime, event: date, subtitle: str, label: str
) -> None:
    """Review 10i: a subtitle naming the event's day ("Ngày 22 tháng 3 năm 2025"), then "Ngày đăng: …"."""
    shown = subtitle.format(d=event, weekday=WEEKDAY_NAMES[event.weekday()])
    under = f'<div class="sub">{shown}</div><div class="date">{label}: {posted:%d/%m/%Y %H:%M}</div>'
    html = portal_page(headline=f"<h1>{HEADLINES[1]}</h1>", under=under, body=paragraphs_html(PARAGRAPHS[:2]))
    assert extract(html)["published_at"] == posted.replace(tzinfo=VN).isoformat()


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    updated=moments,
    book=st.dates(date(2000, 1, 1), date(2026, 1, 1)),
    shown=st.sampled_from(
        ["Cập nhật: {:%d/%m/%Y %H:%M}", "Ngày cập nhật: {:%d/%m/%Y %H:%M}", "{:%d/%m/%Y %H:%M}"]
    ),
    label=st.sampled_from(["Ngày xuất bản", "Thời gian đăng", "Publish date"]),
    facts=st.integers(0, 2),
)
def test_a_posting_label_inside_the_story_does_not_date_the_page(
    updated: datetime, book: date, shown: str, label: str, facts: int
) -> None:
    """Review 10i: a book review's "Ngày xuất bản: 20/12/2024" a few lines into its text is the book's date; the
    page's is the one under its headline."""
    lines = [PARAGRAPHS[0], "Tác giả: Ban Chấp hành Đảng bộ xã", "Nhà xuất bản: Chính trị quốc gia Sự thật"]
    lines = [*lines[: 1 + facts], f"{label}: {book:%d/%m/%Y}", PARAGRAPHS[1]]
    html = portal_page(
        headline=f"<h1>{HEADLINES[3]}</h1>",
        under=f'<div class="date">{shown.format(updated)}</div>',
        body=paragraphs_html(lines),
    )
    assert extract(html)["published_at"] == updated.replace(tzinfo=VN).isoformat()


@settings(max_examples=20, deadline=None, derandomize=True)
@given(
    posted=moments,
    wait=st.integers(0, 30),
    label=st.sampled_from(["Thời gian đăng", "Ngày xuất bản", "Ngày đăng", "Post date"]),
)
def test_a_posting_stamp_with_its_time_a_line_into_the_text_still_beats_an_update_date(
    posted: datetime, wait: int, label: str
) -> None:
    """Review 10i's probe: "Cập nhật: …" under the headline, "Ngày đăng: 28/03/2025 11:30" under the first paragraph."""
    updated = posted + timedelta(days=wait, hours=2)
    html = portal_page(
        headline=f"<h1>{HEADLINES[3]}</h1>",
        under=f'<div class="date">Cập nhật: {updated:%d/%m/%Y %H:%M}</div>',
        body=paragraphs_html([PARAGRAPHS[0], f"{label}: {posted:%d/%m/%Y %H:%M}", PARAGRAPHS[1]]),
    )
    got = extract(
        html
    )  # the seed family's date line ("Ngày đăng: …") under a paragraph: no headline above it
    assert (got["title"], got["published_at"], got["body"].split("\n\n")[0]) == (
        HEADLINES[3],
        posted.replace(tzinfo=VN).isoformat(),
        PARAGRAPHS[0],
    )
