"""Vietnamese date and time strings -> ISO 8601, never inventing a time or a date.

Hand-written rather than dateparser/htmldate: those are day-granular or English-centric on these pages
(peers.md §3 items 1-3), and the formats are few and known (cms-families.md §7). Patterns are data below.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from .text import clean_line

log = logging.getLogger(__name__)

VIETNAM = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh has had no DST since 1975

ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\.\d+)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:T|$)")  # the start of a published_at value
WRITTEN = re.compile(r"(?:ngày\s+)?(?<!\d)(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.I)
# Month names: WordPress in Vietnamese prints "Tháng Một 14, 2025", "14 Tháng Một, 2025" or "Tháng 1 14, 2025";
# in English "January 14, 2025" (WordPress portals, cms-families.md §1.4). Compared case-folded.
_MONTH_NAMES = (
    ("tháng một", "tháng giêng", "january", "jan"),
    ("tháng hai", "february", "feb"),
    ("tháng ba", "march", "mar"),
    ("tháng tư", "tháng bốn", "april", "apr"),
    ("tháng năm", "may"),
    ("tháng sáu", "june", "jun"),
    ("tháng bảy", "july", "jul"),
    ("tháng tám", "august", "aug"),
    ("tháng chín", "september", "sept", "sep"),
    ("tháng mười", "october", "oct"),
    ("tháng mười một", "november", "nov"),
    ("tháng mười hai", "tháng chạp", "december", "dec"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_MONTH = (
    "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)).replace(r"\ ", r"\s+")
    + r"|tháng\s+\d{1,2}"
)
NAMED = re.compile(
    rf"(?<!\w)(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH}))"
    rf",?\s+(?P<y>\d{{4}})(?!\d)",
    re.I,
)
NUMERIC = re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})(?!\d)")
TIME = re.compile(
    r"(?<![\d/.,-])(?P<H>\d{1,2})\s*(?::|h|giờ)\s*(?P<M>\d{1,2})(?:\s*:\s*(?P<S>\d{1,2}))?"
    r"(?:\s*(?P<ampm>AM|PM|SA|CH|sáng|chiều|tối)\b)?(?![\d/])",
    re.I,
)
# The zone after the time, bare or bracketed: "(GMT+7)", "[GMT+7]" (the provincial e-newspapers), "GMT+07:00".
GMT_OFFSET = re.compile(
    r"[(\[]?\s*(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\s*[)\]]?", re.I
)
RELATIVE = re.compile(r"(?P<n>\d+)\s*(?P<unit>phút|giờ|ngày)\s*trước", re.I)
TODAY = re.compile(r"\b(?P<word>hôm nay|hôm qua)\b", re.I)

WEEKDAYS = {"hai": 0, "ba": 1, "tư": 2, "bốn": 2, "năm": 3, "sáu": 4, "bảy": 5}
WEEKDAY = re.compile(
    r"\b(?:thứ\s+(?P<name>hai|ba|tư|bốn|năm|sáu|bảy|[2-7])|(?P<sunday>chủ\s+nhật|CN))\b", re.I
)
PM_WORDS = {"pm", "ch", "chiều", "tối"}


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    second: int


# Date and time in adjacent elements with no white space between them: "26/02/202510:20".
_GLUED_TIME = re.compile(r"(?<![\d/.-])(\d{1,2}[/.-]\d{1,2}[/.-]\d{4})(?=\d{1,2}\s*(?::|h|giờ)\s*\d{2})")


def parse_datetime(text: str, now: datetime | None = None) -> str | None:
    """ISO 8601 for a date string as shown on a page; None when it holds no valid date."""
    text = _unglued(clean_line(text))
    now = now or datetime.now(VIETNAM)
    # The relative and weekday patterns are case-blind alternations, slow on Vietnamese text (a third of this
    # function's time on our fixtures): tried only when their words are in the lower-cased line.
    lowered = text.lower()
    relative = "trước" in lowered or "hôm" in lowered
    found = _iso(text) or (_relative(text, now) if relative else None) or _calendar(text)
    if found is None:
        return None
    if isinstance(found, datetime):
        # Every published_at is in Vietnam's time: a UTC stamp (Drupal's `datetime="…Z"`) is the same moment.
        found = found.replace(tzinfo=_offset(text)) if found.tzinfo is None else found
        found = found.astimezone(VIETNAM)
    day = found.date() if isinstance(found, datetime) else found
    if day > now.astimezone(VIETNAM).date() + timedelta(days=1):
        log.warning("date %r is in the future; ignored", text)
        return None
    if "thứ" in lowered or "chủ" in lowered or "cn" in lowered:
        _check_weekday(text, day)
    return found.isoformat()


def _unglued(text: str) -> str:
    """Text with a space between a date and a time glued to it by adjacent elements."""
    return _GLUED_TIME.sub(r"\1 ", text) if _GLUED_TIME.search(text) else text


def placeholder_day(text: str) -> str | None:
    """The day (YYYY-MM-DD, unshifted) of a machine stamp whose time stands for a day without one: 00:00:00, or
    12:00:00 in UTC, where Drupal stores a date-only field (the page then shows the date alone)."""
    match = ISO.search(text)
    if match is None or match["H"] is None:
        return None
    clock = (int(match["H"]), int(match["M"]), int(match["S"] or 0))
    utc_noon = clock == (12, 0, 0) and (match["tz"] or "") in {"Z", "+00:00", "+0000"}
    day = _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return day.isoformat() if day is not None and (clock == (0, 0, 0) or utc_noon) else None


def local_date(published_at: str | None) -> str | None:
    """The page's own calendar date (YYYY-MM-DD) of a published_at value, never shifted to UTC."""
    if published_at and ISO_DAY.match(published_at):
        return published_at[:10]
    return None


def _iso(text: str) -> datetime | date | None:
    match = ISO.search(text)
    if match is None:
        return None
    day = _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None or match["H"] is None:
        return day
    tz = match["tz"]
    zone = UTC if tz == "Z" else _zone(tz) if tz else None
    clock = _Clock(int(match["H"]), int(match["M"]), int(match["S"] or 0))
    return _combine(day, clock, zone)


def _relative(text: str, now: datetime) -> datetime | date | None:
    local = now.astimezone(VIETNAM).replace(microsecond=0)
    if match := RELATIVE.search(text):
        n, unit = int(match["n"]), match["unit"].lower()
        if unit == "ngày":
            return (local - timedelta(days=n)).date()
        delta = timedelta(hours=n) if unit == "giờ" else timedelta(minutes=n)
        return (local - delta).replace(second=0)
    if match := TODAY.search(text):
        day = local.date() - timedelta(days=0 if match["word"].lower() == "hôm nay" else 1)
        clock = _clock(text)
        return day if clock is None else _combine(day, clock, None)
    return None


def _calendar(text: str) -> datetime | date | None:
    match = WRITTEN.search(text)
    if match is not None:
        day = _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
    elif (match := NUMERIC.search(text)) is not None:
        day = _day_first(int(match["a"]), int(match["b"]), int(match["y"]))
    elif (match := NAMED.search(text)) is not None:
        name = " ".join((match["m1"] or match["m2"]).casefold().split())
        month = MONTHS.get(name) or int(name.removeprefix("tháng "))
        day = _make_date(int(match["y"]), month, int(match["d1"] or match["d2"]))
    else:
        return None
    if day is None:
        return None
    clock = _clock(text[: match.start()] + " " + text[match.end() :])
    return day if clock is None else _combine(day, clock, None)


def _day_first(a: int, b: int, year: int) -> date | None:
    # Day first, as every Vietnamese portal prints, unless the second field cannot be a month: then it is
    # .NET's untouched US M/d/yyyy ("Cập nhật ngày: 11/24/2023 3:18:29 PM", cms-families.md §7).
    if b > 12 >= a:
        return _make_date(year, a, b)
    return _make_date(year, b, a)


def _clock(text: str) -> _Clock | None:
    match = TIME.search(text)
    if match is None:
        return None
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    marker = (match["ampm"] or "").lower()
    if marker:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if marker in PM_WORDS else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return _Clock(hour, minute, second)


def _combine(day: date, clock: _Clock, zone: timezone | None) -> datetime:
    return datetime(day.year, day.month, day.day, clock.hour, clock.minute, clock.second, tzinfo=zone)


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _zone(spec: str) -> timezone:
    sign = -1 if spec[0] == "-" else 1
    digits = spec[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _offset(text: str) -> timezone:
    match = GMT_OFFSET.search(text)
    if match is None:
        return VIETNAM
    sign = -1 if match["sign"] == "-" else 1
    return timezone(sign * timedelta(hours=int(match["h"]), minutes=int(match["m"] or 0)))


def _check_weekday(text: str, day: date) -> None:
    match = WEEKDAY.search(text)
    if match is None:
        return
    if match["sunday"]:
        expected = 6
    else:
        name = match["name"].lower()
        expected = int(name) - 2 if name.isdigit() else WEEKDAYS[name]
    if expected != day.weekday():
        log.warning("weekday in %r does not match %s", text, day.isoformat())


# What a date line without a label is made of: weekday, "ngày", date (numeric or written "14 tháng 01 năm 2025"),
# time ("15:30", "15h30", "15 giờ 30 phút"), zone, separators.
_DATE_TOKEN = re.compile(
    r"thứ\s+(?:hai|ba|tư|bốn|năm|sáu|bảy|[2-7])\b|chủ\s+nhật|\bCN\b|\bngày\b|\blúc\b"
    r"|[(\[]?\s*(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*[)\]]?"
    r"|(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(?!\d)|(?<![\d/.-])\d{4}-\d{2}-\d{2}(?![\d/.-])"
    r"|(?<!\d)\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}(?!\d)"
    r"|(?<![\d/])\d{1,2}\s*(?::|h|giờ)\s*\d{1,2}(?:\s*:\s*\d{1,2})?(?:\s*(?:phút|AM|PM|SA|CH)\b|')?",
    re.I,
)
# Month names cost a long alternation at every position: tried only on a line with no numeric date.
_NAMED_DATE_TOKEN = re.compile(NAMED.pattern + "|" + _DATE_TOKEN.pattern, re.I)
_DIGIT = re.compile(r"\d")
_DATE_GLUE = re.compile(r"[\s,|/()\-–—:]*")
_MAX_DATE_LINE = 80


def split_date_line(text: str) -> tuple[str, str] | None:
    """(what precedes the date, the date) for a short line that is only a date, or a name then a date.

    "Thứ Ba, 14/01/2025 - 09:30" -> ("", "Thứ Ba, 14/01/2025 - 09:30"); "Thanh Hà - 12/05/2025 14:20" ->
    ("Thanh Hà", "12/05/2025 14:20"); a line with other words after the date is no date line.
    """
    run = split_date_run(text)
    if run is None or not _DATE_GLUE.fullmatch(run[2]):
        return None
    return run[0], run[1] + run[2]


def split_date_run(text: str) -> tuple[str, str, str] | None:
    """(what precedes the date, the date, what follows it) for a short line holding a date.

    "14/01/2025 08:30 | In bài | Gửi email" -> ("", "14/01/2025 08:30", "| In bài | Gửi email"); whether the
    tail is only tools, counts or a section is the caller's to judge.
    """
    if len(text) > _MAX_DATE_LINE:  # before ungluing, which only lengthens a line
        return None
    text = _unglued(text)
    if len(text) > _MAX_DATE_LINE or _DIGIT.search(text) is None:
        return None
    tokens = _tokens_for(text)
    first = tokens.search(text) if tokens is not None else None
    if tokens is None or first is None:
        return None
    end = first.end()
    for token in tokens.finditer(text, first.end()):
        if not _DATE_GLUE.fullmatch(text[end : token.start()]):
            break
        end = token.end()
    return text[: first.start()].strip(" -–—|,:("), text[first.start() : end], text[end:]


def _tokens_for(text: str) -> re.Pattern[str] | None:
    if NUMERIC.search(text) or WRITTEN.search(text) or ISO.search(text):
        return _DATE_TOKEN
    return _NAMED_DATE_TOKEN if NAMED.search(text) else None
