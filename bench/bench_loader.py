"""Loader throughput and archive size, against a gzip WARC of the same captures.

    python bench/bench_loader.py [N]

Loads N distinct articles (each with unique text and bytes) through the real save_article path, with its
fetch row, capture, article, version, view count and visitor-counter reading: first one BEGIN IMMEDIATE
transaction per article (as a crawl writes), then into a fresh archive 200 per transaction (the
batching `scraper reextract` uses, here with the crawl's whole write: capture, fetch and counter rows too). Then reloads them all unchanged, then with 10% edited.
The WARC.gz holds the same response bodies, written by warcio as `scraper export --format warc` does.
Three page kinds: our fixture pages, the same with four full menus, and a real Liferay 6.2 portal page
(bench/pages/) with the article in place of its listing.
"""

from __future__ import annotations

import io
import os
import random
import re
import sys
import tempfile
import time
import zlib
from dataclasses import replace
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scraper.archive import open_archive  # noqa: E402
from scraper.models import Attempt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
import build_site  # noqa: E402
from articles import ARTICLES  # noqa: E402

from scraper.extractor import extract_article  # noqa: E402
from scraper.models import Article, Page  # noqa: E402
from scraper.revisits import next_visit  # noqa: E402
from scraper.store import Archive  # noqa: E402

BASE = "https://thixaquangtri.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/1651191623178/"
REAL_PAGE = Path(__file__).parent / "pages" / "hanoi_sotttt_liferay62_listing_pctn_vi.html"
BATCH = 200  # as scraper/reextract.py


# The menus a real portal page carries: diensanh.quangtri.gov.vn repeats its full menu four times per page
# (reference/html/diensanh_quangtri_liferay_text_excerpts.txt); our fixture pages carry one short menu.
MENU = [
    "Trang nhất",
    "Giới thiệu",
    "Thủ tục hành chính",
    "Hệ thống văn bản",
    "Hình ảnh",
    "Video clip",
    "Liên hệ",
    "Quản trị",
    "Đại hội Đảng",
    "Thông tin tuyên truyền",
    "Tổ chức hành chính",
    *[f"Thôn {n}" for n in range(1, 10)],
    "Thôn Tân Diên",
    "Thôn Diên Trường",
    "Ủy ban nhân dân",
    "Quy hoạch, xây dựng đô thị văn minh",
    "Niêm yết công khai",
    "QCDCCS",
    "Đảng ủy",
    "Thông tin hoạt động đơn vị",
    "Giới thiệu chung",
    "Tổng quan về xã",
    "Danh bạ thư điện tử",
    "Tổ chức bộ máy",
    "Danh bạ điện thoại",
    "Chức năng - Nhiệm vụ",
    "Hội đồng nhân dân",
    "Cải cách hành chính",
    "Mặt trận và các đoàn thể",
    "Mặt trận",
    "Hội LHPN",
    "Đoàn Thanh niên",
    "Hội Nông dân",
    "Hội CCB",
]


def portal_chrome(copies: int) -> str:
    """`copies` full menus, as Liferay themes render them (nested lists of links with icons and titles)."""
    items = "".join(
        f'<li class="lfr-nav-item"><a href="/menu/{i}" title="{t}"><span class="icon"></span>'
        f"<span>{t}</span></a></li>"
        for i, t in enumerate(MENU)
    )
    return "".join(
        f'<nav class="menu-{c}" role="navigation"><ul class="nav">{items}</ul></nav>' for c in range(copies)
    )


def liferay62_page(main: str) -> str:
    """A real Liferay 6.2 portal page with `main` in place of its 20 listing items."""
    real = REAL_PAGE.read_text(encoding="utf-8")
    start = real.index('<div class="asset-bounddary"')
    end = real.rindex("<div", 0, real.index("taglib-page-iterator"))
    return real[:start] + main + real[end:]


def corpus(n: int, kind: str) -> list[tuple[Page, Article]]:
    """n distinct pages of one kind ("fixture", "menus", "liferay62"), each around a body of its own.

    Each body is random text drawn from the fixture articles' syllables, so pages share only what real portal
    pages share (menus, counter, footer). Cloning fixture articles instead would flatter any compressor that
    learns from earlier pages (a zstd dictionary most of all).
    """
    chance = random.Random(5000)
    words = sorted({w for spec in ARTICLES for p in spec["paragraphs"] for w in re.findall(r"\w+", p)})
    site = {"name": "Thị xã Quảng Trị", "articles": ARTICLES, "counter": "seed"}
    items = []
    for i in range(n):
        spec = dict(ARTICLES[i % len(ARTICLES)])
        spec["id"] = 1_700_000_000_000 + i
        spec["title"] = " ".join(chance.choices(words, k=14)).capitalize()
        spec["paragraphs"] = [
            " ".join(chance.choices(words, k=chance.randint(40, 90))).capitalize() + "." for _ in range(4)
        ]
        spec["byline"], spec["template"] = "Bình Nguyên", "seed"
        main = build_site.article_main(site, spec)
        html = build_site.chrome(
            site, "Chi tiết tin - Thị xã Quảng Trị", main, build_site.visits(i), build_site.debug_lines(3)
        )
        article = extract_article(html, f"{BASE}{spec['id']}")
        if kind == "menus":
            html = html.replace("</header>", portal_chrome(4) + "</header>")
        elif kind == "liferay62":
            html = liferay62_page(main)
        items.append((bench_page(f"{BASE}{spec['id']}", html.encode()), article))
    return items


def bench_page(url: str, raw: bytes) -> Page:
    headers = (("Content-Type", "text/html; charset=utf-8"),)
    return Page(url, url, 200, headers, raw, "", "utf-8", "2026-11-29T00:00:00.000000Z", 120)


def load_all(db_path: Path, items: list[tuple[Page, Article]], edit_every: int = 0, batch: int = 1) -> float:
    """Articles per second through save_article, `batch` articles per transaction, optionally editing some."""
    archive = Archive.open(db_path)
    site = archive.site(archive.start_run(1), "bench", next_visit)
    started = time.perf_counter()
    for start in range(0, len(items), batch):
        with archive.transaction():
            for i, (page, article) in enumerate(items[start : start + batch], start):
                if edit_every and i % edit_every == 0:
                    article = replace(article, body=article.body + " (đã cập nhật)")
                attempt = Attempt(page.url, page.fetched_at, 200, None, 120, len(page.body), "article")
                site.save_article(page.url, page, article, [attempt])
    elapsed = time.perf_counter() - started
    archive.close()
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


def archive_size(db_path: Path) -> int:
    """Bytes of the archive file once vacuumed (free pages and the WAL folded in)."""
    db = open_archive(db_path)
    db.execute("VACUUM")
    db.close()
    return os.path.getsize(db_path)


def capture_sizes(db_path: Path, items: list[tuple[Page, Article]]) -> tuple[int, float, float, float]:
    """Pages stored with their site's dictionary, and their bytes per page: so stored, under zlib 6, raw."""
    db = open_archive(db_path)
    stored = dict(db.execute("SELECT url, length(content) FROM captures WHERE compression LIKE 'zstd:%'"))
    db.close()
    bodies = [page.body for page, _ in items if page.url in stored]
    n = len(bodies) or 1
    zlib_bytes = sum(len(zlib.compress(body, 6)) for body in bodies)
    return len(bodies), sum(stored.values()) / n, zlib_bytes / n, sum(map(len, bodies)) / n


def measure(n: int, kind: str) -> None:
    items = corpus(n, kind)
    page_kb = sum(len(page.body) for page, _ in items) / n / 1024
    with tempfile.TemporaryDirectory() as tmp:
        batched_rate = load_all(Path(tmp) / "batched.db", items, batch=BATCH)
        db_path = Path(tmp) / "bench.db"
        new_rate = load_all(db_path, items)
        first_bytes = archive_size(db_path)
        captured, dict_bytes, zlib_bytes, raw_bytes = capture_sizes(db_path, items)
        same_rate = load_all(db_path, items)
        edit_rate = load_all(db_path, items, edit_every=10)
        db = open_archive(db_path)
        counts = db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_versions)"
        ).fetchone()
        db.close()
        all_bytes = archive_size(db_path)
    warc_bytes = warc_gz_size(items)
    print(
        f"\n{kind} pages of {page_kb:.1f} KB: {n} articles; after 3 passes {counts[0]} articles, {counts[1]} versions"
    )
    print(f"load new, 1 per transaction:      {new_rate:8.0f} articles/s  (crawl)")
    print(f"load new, {BATCH} per transaction:    {batched_rate:8.0f} articles/s  (batched)")
    print(f"reload unchanged:                 {same_rate:8.0f} articles/s")
    print(f"reload with 10% edited:           {edit_rate:8.0f} articles/s")
    print(f"archive.db after the first pass:  {first_bytes / n:8.0f} bytes/article")
    print(f"archive.db after 3 passes:        {all_bytes / n:8.0f} bytes/article  (3 fetch rows, 10% edited)")
    print(f"WARC.gz of the captures:          {warc_bytes / n:8.0f} bytes/article  (first pass)")
    print(
        f"captures with the site dictionary: {dict_bytes:7.0f} bytes/page: {zlib_bytes / dict_bytes:.1f}x smaller "
        f"than zlib ({zlib_bytes:.0f}), {raw_bytes / dict_bytes:.0f}x smaller than the page ({captured} pages)"
    )


def main(n: int) -> None:
    for kind in ("fixture", "menus", "liferay62"):
        measure(n, kind)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
