"""Text clean-up shared by the extractor and the loader: NFC, white space, numbers."""

from __future__ import annotations

import re
import unicodedata

# NBSP, narrow NBSP, figure space and the other Unicode spaces collapse like ASCII space (seed indents are
# runs of "\xa0 \xa0 \xa0", cms-families.md §1.3); zero-width characters are dropped outright.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_NUMBER = re.compile(r"\d{1,3}(?:[.,\s\u00a0]\d{3})+(?!\d)|\d+")


def clean_line(text: str) -> str:
    """NFC-normalise, drop zero-width characters and collapse white space to single spaces."""
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", text).strip()


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
