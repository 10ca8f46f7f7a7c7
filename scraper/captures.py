"""Raw captures, compressed: zlib at first, then zstd with a dictionary trained on the site's own pages.

Portal pages share most of their bytes (menus, footer, widgets): a dictionary trained on a site's own pages
makes its later captures several times smaller than zlib (measured in BENCHMARKS.md). Plain zstd is
no smaller than zlib, so until a site has TRAIN_AFTER captures it stays on zlib, which the standard library
reads. Readers call decompress(); `scraper export --format warc` gives the plain bytes to any tool.
"""

from __future__ import annotations

import logging
import weakref
import zlib

import zstandard
from sqlite_utils import Database

from .models import utc_now

log = logging.getLogger(__name__)

TRAIN_AFTER = 50  # zlib captures of a site before its dictionary is trained
TRAIN_ON = 200  # most recent captures used as samples
LEVEL = 3

_dictionaries: weakref.WeakKeyDictionary[Database, dict[int, zstandard.ZstdCompressionDict]] = (
    weakref.WeakKeyDictionary()
)
_compressors: weakref.WeakKeyDictionary[Database, dict[int, zstandard.ZstdCompressor]] = (
    weakref.WeakKeyDictionary()
)


def compress(db: Database, site: str, body: bytes) -> tuple[str, bytes]:
    """(compression, blob) for a body; trains the site's dictionary when it has enough captures."""
    dict_id = _latest_dictionary(db, site) or _train(db, site)
    if dict_id is None:
        return "zlib", zlib.compress(body, 6)
    return f"zstd:{dict_id}", _compressor(db, dict_id).compress(body)


def decompress(db: Database, compression: str, blob: bytes) -> bytes:
    """The body as received, from any stored compression."""
    if compression == "zlib":
        return zlib.decompress(blob)
    if compression.startswith("zstd:"):
        dictionary = _dictionary(db, int(compression.split(":", 1)[1]))
        return zstandard.ZstdDecompressor(dict_data=dictionary).decompress(blob)
    raise ValueError(f"unknown capture compression {compression!r}")


def _latest_dictionary(db: Database, site: str) -> int | None:
    row = db.execute("SELECT max(id) FROM capture_dicts WHERE site = ?", [site]).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _dictionary(db: Database, dict_id: int) -> zstandard.ZstdCompressionDict:
    cache = _dictionaries.setdefault(db, {})
    if dict_id not in cache:
        data = db.execute("SELECT dict FROM capture_dicts WHERE id = ?", [dict_id]).fetchone()[0]
        cache[dict_id] = zstandard.ZstdCompressionDict(data)
    return cache[dict_id]


def _compressor(db: Database, dict_id: int) -> zstandard.ZstdCompressor:
    # Building a compressor loads its dictionary: 15-25 µs, as long as compressing a page (bench_loader.py).
    cache = _compressors.setdefault(db, {})
    if dict_id not in cache:
        cache[dict_id] = zstandard.ZstdCompressor(level=LEVEL, dict_data=_dictionary(db, dict_id))
    return cache[dict_id]


def _train(db: Database, site: str) -> int | None:
    """Train and store a dictionary once the site has TRAIN_AFTER captures; None until then."""
    count = db.execute(
        "SELECT count(*) FROM captures WHERE site = ? AND compression = 'zlib'", [site]
    ).fetchone()[0]
    if count < TRAIN_AFTER:
        return None
    rows = db.execute(
        "SELECT content FROM captures WHERE site = ? AND compression = 'zlib' ORDER BY id DESC LIMIT ?",
        [site, TRAIN_ON],
    ).fetchall()
    samples: list[bytes | bytearray | memoryview[int]] = [zlib.decompress(row[0]) for row in rows]
    size = max(4096, min(65536, sum(map(len, samples)) // 50))
    try:
        trained = zstandard.train_dictionary(size, samples)
    except zstandard.ZstdError as error:  # too few or too uniform samples: stay on zlib, try again later
        log.info("no capture dictionary for %s yet: %s", site, error)
        return None
    cursor = db.execute(
        "INSERT INTO capture_dicts (site, created_at, samples, dict) VALUES (?, ?, ?, ?)",
        [site, utc_now(), len(samples), trained.as_bytes()],
    )
    log.info("%s: trained a %d-byte capture dictionary on %d pages", site, size, len(samples))
    return int(cursor.lastrowid or 0)
