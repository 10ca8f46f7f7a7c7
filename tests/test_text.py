"""Text clean-up: NFC, white space, counts with either thousands separator."""

from __future__ import annotations

import unicodedata

import pytest

from scraper.encoding import decode_html
from scraper.text import clean_line, parse_count, text_flags


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\u00a0 \u00a0 \u00a0Trong những năm qua", "Trong những năm qua"),
        ("từ cơ sở. \u00a0Góp phần", "từ cơ sở. Góp phần"),
        ("Tổ qu\u00f4\u0301c", "Tổ quốc"),
        ("a\u200bb\ufeff", "ab"),
        ("  line\n\tbreaks  ", "line breaks"),
    ],
    ids=["nbsp-indent", "nbsp-inside", "nfd-to-nfc", "zero-width", "newlines"],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean
    assert unicodedata.is_normalized("NFC", clean_line(raw))


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("299.543", 299543),
        ("1.878.000", 1878000),
        ("299,543", 299543),
        ("Lượt xem: 26", 26),
        ("4.798.809 ", 4798809),
    ],
)
def test_parse_count(text: str, count: int) -> None:
    assert parse_count(text) == count


def test_parse_count_without_digits_is_none() -> None:
    assert parse_count("—") is None


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as Vietnamese Windows does: base letter (with its hat or horn) plus a combining tone mark."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:  # NFD order is not "tone last": Ệ is E, dot below, circumflex
            decomposed = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in decomposed if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


@pytest.mark.parametrize(
    ("body", "content_type", "encoding"),
    [
        ("<p>Ủy ban nhân dân</p>".encode(), "text/html; charset=iso-8859-1", "utf-8"),
        (to_cp1258('<meta charset="windows-1258"><p>Ủy ban nhân dân</p>'), "text/html", "cp1258"),
        (b"\xef\xbb\xbf<p>\xe1\xbb\xa6y ban nh\xc3\xa2n d\xc3\xa2n</p>", None, "utf-8"),
    ],
    ids=["utf8-labelled-latin1", "windows-1258-meta", "utf8-bom"],
)
def test_decode_html_gets_vietnamese_right(body: bytes, content_type: str | None, encoding: str) -> None:
    text, used = decode_html(body, content_type)
    assert "Ủy ban nhân dân" in text
    assert unicodedata.is_normalized("NFC", text)
    assert used == encoding


@pytest.mark.parametrize(
    ("text", "html", "flags"),
    [
        ("B¶o Th¾ng tæ chøc héi nghÞ tæng kÕt n¨m 2024, B¶o Th¾ng", "<p>", ("legacy_encoding_suspected",)),
        ("Xaõ ñaõ coù nhaø vaø ñaõ laøm xong", "<p>", ("legacy_encoding_suspected",)),
        ("Bảo Thắng tổ chức hội nghị", "<FONT FACE = '.VnTime'>", ("legacy_encoding_suspected",)),
        ("Bảo Thắng tổ chức hội nghị tổng kết năm", "<font face='Arial'>", ()),
    ],
    ids=["tcvn3-text", "vni-text", "legacy-font-upper-case", "clean"],
)
def test_text_flags(text: str, html: str, flags: tuple[str, ...]) -> None:
    assert text_flags(text, html) == flags
