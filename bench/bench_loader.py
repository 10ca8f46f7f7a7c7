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
import random
import re
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
import build_site  # noqa: E402
from articles import ARTICLES  # noqa: E402

from scraper.extractor import extract_article  # noqa: E402
from scraper.loader import save_article, start_run  # noqa: E402
from scraper.models import Article, Page  # noqa: E402

BASE = "https://thixaquangtri.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/1651191623178/"


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


def corpus(n: int, menus: int = 0) -> list[tuple[Page, Article]]:
    """n distinct pages: the fixture portal's chrome around a body of its own for every article.

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
        html = build_site.chrome(
            site,
            "Chi tiết tin - Thị xã Quảng Trị",
            build_site.article_main(site, spec),
            build_site.visits(i),
            build_site.debug_lines(3),
        )
        html = html.replace("</header>", portal_chrome(menus) + "</header>")
        raw = html.encode()
        url = f"{BASE}{spec['id']}"
        page = Page(
            url,
            url,
            200,
            (("Content-Type", "text/html; charset=utf-8"),),
            raw,
            "",
            "utf-8",
            "2026-11-29T00:00:00.000000Z",
            120,
        )
        items.append((page, extract_article(html, url)))
    return items


def load_all(db_path: Path, items: list[tuple[Page, Article]], edit_every: int = 0) -> float:
    """Articles per second through save_article, optionally editing every edit_every-th article."""
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


def measure(n: int, menus: int) -> None:
    items = corpus(n, menus)
    page_kb = sum(len(page.body) for page, _ in items) / n / 1024
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
    print(
        f"\npages of {page_kb:.1f} KB ({menus} full menus): {n} articles; after 3 passes {counts[0]} articles, "
        f"{counts[1]} versions"
    )
    print(f"load new articles:        {new_rate:8.0f} articles/s")
    print(f"reload unchanged:         {same_rate:8.0f} articles/s")
    print(f"reload with 10% edited:   {edit_rate:8.0f} articles/s")
    print(
        f"archive.db (3 passes):    {archive_bytes / n:8.0f} bytes/article  (captures, text, versions, FTS index)"
    )
    print(f"WARC.gz of the captures:  {warc_bytes / n:8.0f} bytes/article  (one pass, bodies only)")


def main(n: int) -> None:
    measure(n, menus=0)  # the fixture pages as they are
    measure(n, menus=4)  # with the menus a real portal page carries


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
