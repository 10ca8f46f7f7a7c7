"""Raw captures, compressed: zlib at first, then zstd with a dictionary trained on the site's own pages.

Portal pages share most of their bytes (menus, footer, widgets): a dictionary trained on a site's own pages
makes its later captures several times smaller than zlib (measured in BENCHMARKS.md). Plain zstd is
no smaller than zlib, so until a site has TRAIN_AFTER captures it stays on zlib, which the standard library
reads. Readers call Captures(db).decompress(); `scraper export --format warc` gives the plain bytes to any tool.
"""

from __future__ import annotations

import logging
import sqlite3
import zlib

import zstandard

from .models import utc_now

log = logging.getLogger(__name__)

TRAIN_AFTER = 50  # zlib captures of a site before its dictionary is trained
TRAIN_ON = 200  # most recent captures used as samples
LEVEL = 3


class Captures:
    """The capture codec of one archive connection, with its dictionaries and compressors cached."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.dictionaries: dict[int, zstandard.ZstdCompressionDict] = {}
        self.compressors: dict[int, zstandard.ZstdCompressor] = {}

    def compress(self, site: str, body: bytes) -> tuple[str, bytes]:
        """(compression, blob) for a body; trains the site's dictionary when it has enough captures."""
        dict_id = self._latest_dictionary(site) or self._train(site)
        if dict_id is None:
            return "zlib", zlib.compress(body, 6)
        return f"zstd:{dict_id}", self._compressor(dict_id).compress(body)

    def decompress(self, compression: str, blob: bytes) -> bytes:
        """The body as received, from any stored compression."""
        if compression == "zlib":
            return zlib.decompress(blob)
        if compression.startswith("zstd:"):
            dictionary = self._dictionary(int(compression.split(":", 1)[1]))
            return zstandard.ZstdDecompressor(dict_data=dictionary).decompress(blob)
        raise ValueError(f"unknown capture compression {compression!r}")

    def _latest_dictionary(self, site: str) -> int | None:
        row = self.db.execute("SELECT max(id) FROM capture_dicts WHERE site = ?", [site]).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def _dictionary(self, dict_id: int) -> zstandard.ZstdCompressionDict:
        if dict_id not in self.dictionaries:
            data = self.db.execute("SELECT dict FROM capture_dicts WHERE id = ?", [dict_id]).fetchone()[0]
            self.dictionaries[dict_id] = zstandard.ZstdCompressionDict(data)
        return self.dictionaries[dict_id]

    def _compressor(self, dict_id: int) -> zstandard.ZstdCompressor:
        # Building a compressor loads its dictionary: 15-25 µs, as long as compressing a page (bench_loader.py).
        if dict_id not in self.compressors:
            self.compressors[dict_id] = zstandard.ZstdCompressor(
                level=LEVEL, dict_data=self._dictionary(dict_id)
            )
        return self.compressors[dict_id]

    def _train(self, site: str) -> int | None:
        """Train and store a dictionary once the site has TRAIN_AFTER captures; None until then."""
        count = self.db.execute(
            "SELECT count(*) FROM captures WHERE site = ? AND compression = 'zlib'", [site]
        ).fetchone()[0]
        if count < TRAIN_AFTER:
            return None
        rows = self.db.execute(
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
        cursor = self.db.execute(
            "INSERT INTO capture_dicts (site, created_at, samples, dict) VALUES (?, ?, ?, ?)",
            [site, utc_now(), len(samples), trained.as_bytes()],
        )
        log.info("%s: trained a %d-byte capture dictionary on %d pages", site, size, len(samples))
        return int(cursor.lastrowid or 0)
