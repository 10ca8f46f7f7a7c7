"""Captures: zlib until a site has enough pages, then zstd with a dictionary trained on that site's pages."""

from __future__ import annotations

import io
import zlib
from dataclasses import replace
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from scraper.archive import open_archive
from scraper.captures import TRAIN_AFTER, Captures
from scraper.encoding import decode_html
from scraper.exports import write_warc
from scraper.extractor import extract_article
from scraper.reextract import reextract
from scraper.store import Archive
from tests.conftest import SITE
from tests.test_loader import attempt, page, site_view

BASE = "https://thixaquangtri.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/1651191623178/"


def load_pages(db_path: Path, count: int) -> list[bytes]:
    """Archive `count` distinct pages of the fixture portal; returns their bytes in order."""
    site = site_view(db_path)
    templates = sorted((SITE / "pages").glob("*.html"))
    bodies = []
    for i in range(count):
        raw = (
            templates[i % len(templates)]
            .read_bytes()
            .replace(b"</body>", f"<p>Trang {i}</p></body>".encode())
        )
        url = f"{BASE}{1_700_000_000_000 + i}"
        article = extract_article(decode_html(raw)[0], url)
        article = replace(article, title=f"{article.title} ({i})")
        fetched = replace(page(), url=url, final_url=url, body=raw, text="")
        site.save_article(url, fetched, article, [replace(attempt(), url=url)])
        bodies.append(raw)
    site.db.close()
    return bodies


def test_a_site_switches_to_its_own_dictionary_after_enough_pages(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    bodies = load_pages(db_path, TRAIN_AFTER + 20)
    db = open_archive(db_path)
    kinds = [row[0] for row in db.execute("SELECT compression FROM captures ORDER BY id")]
    assert kinds[:TRAIN_AFTER] == ["zlib"] * TRAIN_AFTER
    assert set(kinds[TRAIN_AFTER:]) == {"zstd:1"}
    assert db.execute("SELECT site, samples FROM capture_dicts").fetchall() == [("tx", TRAIN_AFTER)]
    stored = db.execute("SELECT compression, content FROM captures ORDER BY id").fetchall()
    assert [Captures(db).decompress(kind, blob) for kind, blob in stored] == bodies
    later = [len(blob) for kind, blob in stored[TRAIN_AFTER:]]
    as_zlib = [len(zlib.compress(body, 6)) for body in bodies[TRAIN_AFTER:]]
    assert sum(later) < sum(as_zlib) / 2  # the point of the dictionary


def test_exports_and_reextract_read_dictionary_captures(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    bodies = load_pages(db_path, TRAIN_AFTER + 5)
    archive = Archive.open(db_path)
    out = io.BytesIO()
    assert write_warc(archive.db, out) == len(bodies)
    out.seek(0)
    assert [r.content_stream().read() for r in ArchiveIterator(out) if r.rec_type == "response"] == bodies
    counts = reextract(archive)
    assert counts.checked == len(bodies) and counts.failed == {}
