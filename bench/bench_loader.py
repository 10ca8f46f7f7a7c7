"""Loader throughput and archive size, against a gzip WARC of the same captures.

    python bench/bench_loader.py [N]

Loads N distinct articles built from the fixture pages (each with unique text and bytes) through the real
save_article path: one BEGIN IMMEDIATE transaction per article with its fetch row, zlib capture, article,
version, view count and visitor-counter reading. Then reloads them all unchanged, then with 10% edited.
The WARC.gz holds the same response bodies, written by warcio as `scraper export --format warc` does.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scraper.archive import open_archive  # noqa: E402
from scraper.crawler import Attempt  # noqa: E402
from scraper.encoding import decode_html  # noqa: E402
from scraper.extractor import extract_article  # noqa: E402
from scraper.loader import save_article, start_run  # noqa: E402
from scraper.models import Article, Page  # noqa: E402

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "site" / "pages"
BASE = "https://thixaquangtri.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/1651191623178/"


def corpus(n: int) -> list[tuple[Page, Article]]:
    """n distinct (page, article) pairs: fixture pages with a unique sentence added to bytes and text."""
    templates = []
    for path in sorted(PAGES.glob("*.html")):
        raw = path.read_bytes()
        templates.append((raw, extract_article(decode_html(raw)[0], BASE + path.stem)))
    items = []
    for i in range(n):
        raw, article = templates[i % len(templates)]
        marker = f"Bài số {i}: tin bổ sung của bộ phận một cửa thị xã."
        body = raw.replace(b"</body>", f"<p>{marker}</p></body>".encode())
        url = f"{BASE}{1700000000000 + i}"
        page = Page(
            url,
            url,
            200,
            (("Content-Type", "text/html; charset=utf-8"),),
            body,
            "",
            "utf-8",
            "2026-11-29T00:00:00.000000Z",
            120,
        )
        items.append(
            (
                page,
                replace(
                    article, url=url, title=f"{article.title} ({i})", body=article.body + "\n\n" + marker
                ),
            )
        )
    return items


def load_all(db_path: Path, items: list[tuple[Page, Article]], edit_every: int = 0) -> float:
    db = open_archive(db_path)
    run = start_run(db, 1)
    started = time.perf_counter()
    for i, (page, article) in enumerate(items):
        if edit_every and i % edit_every == 0:
            article = replace(article, body=article.body + " (đã cập nhật)")
        attempt = Attempt(page.url, page.fetched_at, 200, None, 120, len(page.body), "article")
        save_article(db, run, "bench", page.url, page, article, [attempt])
    elapsed = time.perf_counter() - started
    db.close()
    return len(items) / elapsed


def warc_gz_size(items: list[tuple[Page, Article]]) -> int:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    for page, _ in items:
        headers = StatusAndHeaders("200 OK", list(page.headers), protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                page.url,
                "response",
                payload=io.BytesIO(page.body),
                length=len(page.body),
                http_headers=headers,
            )
        )
    return len(out.getvalue())


def main(n: int) -> None:
    items = corpus(n)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        new_rate = load_all(db_path, items)
        same_rate = load_all(db_path, items)
        edit_rate = load_all(db_path, items, edit_every=10)
        db = open_archive(db_path)
        counts = db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_versions)"
        ).fetchone()
        db.execute("VACUUM")
        db.close()
        archive_bytes = os.path.getsize(db_path)
    warc_bytes = warc_gz_size(items)
    print(f"articles: {n}; rows after 3 passes: {counts[0]} articles, {counts[1]} versions")
    print(f"load new articles:        {new_rate:8.0f} articles/s")
    print(f"reload unchanged:         {same_rate:8.0f} articles/s")
    print(f"reload with 10% edited:   {edit_rate:8.0f} articles/s")
    print(
        f"archive.db (3 passes):    {archive_bytes / n:8.0f} bytes/article  (captures, text, versions, FTS index)"
    )
    print(f"WARC.gz of the captures:  {warc_bytes / n:8.0f} bytes/article  (one pass, bodies only)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
