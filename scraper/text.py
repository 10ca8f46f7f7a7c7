"""Text clean-up shared by the extractor and the store: NFC, white space, numbers."""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters are dropped outright; they are not white space to str.split().
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_NUMBER = re.compile(r"\d{1,3}(?:[.,\s\u00a0]\d{3})+(?!\d)|\d+")


def clean_line(text: str) -> str:
    """NFC-normalise, drop zero-width characters and collapse white space to single spaces."""
    # str.split() splits on every Unicode space, NBSP included: the seed's "\xa0 \xa0 \xa0" indents go too
    # (cms-families.md §1.3). It is 5x faster than a regex here, and this runs on every text block.
    # ASCII is NFC and holds no zero-width character: skipping both checks saves 3 % of extraction on English
    # pages (the NFC quick check reads every character).
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if _ZERO_WIDTH.search(text):  # rare: searching first is cheaper than substituting
            text = _ZERO_WIDTH.sub("", text)
    return " ".join(text.split())


# A count above 2^53 is no visitor count (and a 10^23 one overflows SQLite's INTEGER, issue 11); more than 16
# digits are refused before int(), which raises past 4,300 digits.
MAX_COUNT = 2**53
_MAX_COUNT_DIGITS = 16


def parse_count(text: str) -> int | None:
    """The first whole number in text; dots, commas or spaces are thousands separators ("299.543").

    None when there is no number, or when it is implausibly large (see `implausible_count`).
    """
    match = _NUMBER.search(text)
    if match is None:
        return None
    digits = re.sub(r"\D", "", match.group())
    if len(digits) > _MAX_COUNT_DIGITS or int(digits) > MAX_COUNT:
        return None
    return int(digits)


def implausible_count(text: str) -> bool:
    """Whether text holds a number that parse_count refuses as too large to be a count."""
    match = _NUMBER.search(text)
    return match is not None and parse_count(match.group()) is None


# Old and new tone placement spell the same word: "hoà"/"hòa", "thuỷ"/"thủy" (cms-families.md §8). The dedup
# key moves the tone to the new place; stored text keeps whatever the site wrote.
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_OLD_TONE = {
    first + unicodedata.normalize("NFC", second + tone): unicodedata.normalize("NFC", first + tone) + second
    for first, second in (("o", "a"), ("o", "e"), ("u", "y"))
    for tone in _TONES
}
_OLD_TONE_AT_END = re.compile("(" + "|".join(_OLD_TONE) + r")(?!\w)")


def dedup_key(text: str) -> str:
    """A key equal for the same text in NFC or NFD, either case, old or new tone placement, Đ or Ð."""
    key = clean_line(text).casefold().replace("\u00f0", "\u0111")  # Icelandic ð typed for Vietnamese đ
    return _OLD_TONE_AT_END.sub(lambda m: _OLD_TONE[m.group(1)], key)


# Signs of text that is not what the page meant to say (reliability.md V5, V6).
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|á»|áº|Æ°|Ä\u0091")
_TCVN3_VNI = re.compile(r"[µ¸¶·¹¨»¾¼½Æ©ÇËÎÏÑª®]|[aeiouy][øùïõû](?:\s|$)")  # never in Vietnamese text
# Every match of _TCVN3_VNI holds one of these characters: looking for one character class first is 7x faster
# than trying the alternation at every position of a text that has none (bench_generic.py's pages).
_TCVN3_VNI_SIGN = re.compile("[µ¸¶·¹¨»¾¼½Æ©ÇËÎÏÑª®øùïõû]")
_LEGACY_FONT = re.compile(r"""face\s*=\s*["']?\s*(?:\.Vn|VNI[- ])""", re.I)
_FONT_FACE = re.compile(r"""face\s*=\s*["']?\s*\.?vn""")  # on lower-cased text: see _legacy_font


def text_flags(text: str, html: str) -> tuple[str, ...]:
    """Warnings about an article's text: double-encoded UTF-8, or a TCVN3/VNI legacy font."""
    flags = []
    # Fewer than 3 signs never flag a text: its words are counted (a split of the whole body) only past that.
    if len(mojibake := _MOJIBAKE.findall(text)) >= 3 and len(mojibake) >= _words(text) // 100:
        flags.append("mojibake_suspected")
    if _legacy_font(html) or (
        _TCVN3_VNI_SIGN.search(text)
        and len(legacy := _TCVN3_VNI.findall(text)) > 3
        and len(legacy) > _words(text) // 20
    ):
        flags.append("legacy_encoding_suspected")
    return tuple(flags)


def _words(text: str) -> int:
    return max(len(text.split()), 1)


def _legacy_font(html: str) -> bool:
    # The case-blind regex tries every position (0.1 ms on a page's head); the lower-cased page is searched for
    # a literal "face" first, 3x faster. Only F, A, C, E, V, N fold to f, a, c, e, v, n, so _FONT_FACE finds
    # every place the regex matches ("i" is left out: İ and ı fold to it too), and most pages have none.
    return _FONT_FACE.search(html.lower()) is not None and _LEGACY_FONT.search(html) is not None
