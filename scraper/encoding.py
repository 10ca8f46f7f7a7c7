"""Decode raw HTML bytes to NFC text, in the order that is right for these portals.

httpx and lexbor both trust a declared charset even when it is wrong (reliability.md P8, V1, V3), so we
decode ourselves: BOM, then strict UTF-8 (bytes that decode as UTF-8 are UTF-8, whatever a label says),
then w3lib's HTML5-order sniffing (header, <meta>), with windows-1258 as the last resort, and also instead
of a UTF-8 label on bytes that are mostly not UTF-8 (a legacy page served by a server set up for UTF-8).
"""

from __future__ import annotations

import codecs
import unicodedata

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding

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
    if _codec(encoding) == "utf-8" and not _mostly_utf8(text):
        return _nfc(body.decode("cp1258", errors="replace")), "cp1258"
    return _nfc(text), encoding


def encoding_flags(body: bytes, content_type: str | None, encoding: str) -> tuple[str, ...]:
    """("encoding_mislabelled",) when the page said UTF-8 and was read as something else: a guess to check."""
    label = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    if label and _codec(label) == "utf-8" and _codec(encoding) != "utf-8":
        return ("encoding_mislabelled",)
    return ()


def _mostly_utf8(text: str) -> bool:
    # Bytes that did not decode became U+FFFD: a few in a UTF-8 page (a pasted footer) leave it UTF-8.
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return non_ascii - bad > 4 * bad


def _codec(label: str) -> str:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return label


def _nfc(text: str) -> str:
    # windows-1258 decodes to base letter + combining tone mark; NFC makes it the precomposed form (P7).
    return unicodedata.normalize("NFC", text)
