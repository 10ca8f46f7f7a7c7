"""Text clean-up shared by the extractor and the loader: NFC, white space, numbers."""

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
    text = unicodedata.normalize("NFC", text)
    if _ZERO_WIDTH.search(text):  # rare: searching first is cheaper than substituting every time
        text = _ZERO_WIDTH.sub("", text)
    return " ".join(text.split())


def parse_count(text: str) -> int | None:
    """The first whole number in text; dots, commas or spaces are thousands separators ("299.543")."""
    match = _NUMBER.search(text)
    if match is None:
        return None
    return int(re.sub(r"\D", "", match.group()))


def fold(text: str) -> str:
    """A search and dedup key: NFC, casefolded, diacritics and đ folded, white space collapsed."""
    decomposed = unicodedata.normalize("NFD", clean_line(text).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("ð", "d")
