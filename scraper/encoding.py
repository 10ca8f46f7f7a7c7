"""Decode raw HTML bytes to NFC text, in the order that is right for these portals.

httpx and lexbor both trust a declared charset even when it is wrong (reliability.md P8, V1, V3), so we
decode ourselves: BOM, then strict UTF-8 (bytes that decode as UTF-8 are UTF-8, whatever a label says),
then w3lib's HTML5-order sniffing (header, <meta>), with windows-1258 as the last resort.
"""

from __future__ import annotations

import codecs
import unicodedata

from w3lib.encoding import html_to_unicode

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (NFC text, the encoding used) for an HTML body."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return _nfc(body[len(bom) :].decode(name, errors="replace")), name
    try:
        return _nfc(body.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding, text = html_to_unicode(content_type, body, default_encoding="cp1258")
    return _nfc(text), encoding


def _nfc(text: str) -> str:
    # windows-1258 decodes to base letter + combining tone mark; NFC makes it the precomposed form (P7).
    return unicodedata.normalize("NFC", text)
