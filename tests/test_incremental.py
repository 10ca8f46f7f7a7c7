"""Incremental runs from cron: only new articles cost requests, revisits are conditional, kills resume."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import LISTING, SITE, write_config
from tests.faultsrv import FaultServer
from tests.test_cli import crawl, rows, run

SEED = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


def serve_edited(server: FaultServer, tmp_path: Path, source: str, route: str, old: str, new: str) -> None:
    """The portal serves at `route` the fixture file `source` with the text `old` replaced by `new`."""
    text = (SITE / source).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {source}"
    copy = tmp_path / (re.sub(r"\W", "_", route) + ".html")
    copy.write_text(text.replace(old, new), encoding="utf-8")
    server.set_route(route, file=str(copy))


def serve_new_articles(server: FaultServer, tmp_path: Path, category: str, titles: list[str]) -> list[str]:
    """New article pages (copies of a fixture article under new titles) in a category; their paths."""
    paths = [f"/chi-tiet-tin/-/view-article/1/{category}/{1770000000000 + i}" for i in range(len(titles))]
    for path, title in zip(paths, titles, strict=True):
        serve_edited(server, tmp_path, "pages/1767777868978.html", path, "Chợ hoa xuân Bính Ngọ", title)
    return paths


def links_to(paths: list[str], titles: list[str]) -> str:
    return "".join(f'<div><a href="{p}">{t}</a></div>' for p, t in zip(paths, titles, strict=True))


def publish_new_articles(server: FaultServer, tmp_path: Path, count: int) -> list[str]:
    """The portal publishes `count` new articles: new pages, linked at the top of listing page 1."""
    titles = [f"Hội chợ nông sản lần thứ {i + 1}" for i in range(count)]
    paths = serve_new_articles(server, tmp_path, "1651191623178", titles)
    marker = "<h2>Thông tin tuyên truyền</h2>"
    serve_edited(server, tmp_path, "listing-1.html", LISTING, marker, marker + links_to(paths, titles))
    return paths


def requests_since(server: FaultServer, mark: int) -> list[str]:
    return [path for _, path, _ in server.requests[mark:]]


def test_a_rerun_after_new_articles_fetches_them_and_one_page_to_see_nothing_else_is_new(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    db = crawl(config_file)
    new = publish_new_articles(site_server, tmp_path, 5)
    mark = len(site_server.requests)
    crawl(config_file)
    made = requests_since(site_server, mark)
    # robots.txt, listing page 1 (holds the 5), page 2 (whole page known: stop), the 5 articles.
    assert sorted(made) == sorted(["/robots.txt", LISTING, LISTING + "?start=6", *new])
    assert rows(db, "SELECT articles_new FROM runs WHERE id = 2") == [(5,)]


def make_due(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET next_visit_at = '2000-01-01T00:00:00Z'")


def test_revisits_are_conditional_and_an_unchanged_page_costs_a_304(
    config_file: Path, site_server: FaultServer
) -> None:
    db = crawl(config_file)
    make_due(db)
    crawl(config_file)
    revisits = rows(
        db, "SELECT status, count(*) FROM fetches WHERE run_id = 2 AND kind = 'revisit' GROUP BY status"
    )
    assert revisits == [(304, 14)]
    assert all("If-None-Match" in headers for _, path, headers in site_server.requests[-14:])
    assert rows(db, "SELECT count(*) FROM article_versions")[0][0] == 14
    assert rows(db, "SELECT not_modified FROM runs WHERE id = 2") == [(14,)]
    assert rows(db, "SELECT min(next_visit_at) > '2026' FROM articles") == [(1,)]


def test_a_revisit_that_finds_an_edit_keeps_both_versions(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    db = crawl(config_file)
    serve_edited(
        site_server, tmp_path, "pages/1661778300000.html", SEED, "10 lượt tập thể", "12 lượt tập thể"
    )
    make_due(db)
    crawl(config_file)
    versions = rows(
        db,
        "SELECT v.body LIKE '%12 lượt%' FROM article_versions v JOIN articles a ON a.id = v.article_id WHERE a.url = ?",
        site_server.url(SEED),
    )
    assert versions == [(0,), (1,)]
    assert rows(db, "SELECT articles_changed, not_modified FROM runs WHERE id = 2") == [(1, 13)]


def test_an_article_taken_down_is_kept_with_the_date_it_disappeared(
    config_file: Path, site_server: FaultServer
) -> None:
    db = crawl(config_file)
    site_server.set_route(SEED, status=410)
    make_due(db)
    crawl(config_file)
    body, removed_at = rows(db, "SELECT body, removed_at FROM articles WHERE url = ?", site_server.url(SEED))[
        0
    ]
    assert body.startswith("Chiều ngày 15/8/2022") and removed_at is not None
    assert removed(db) == [(site_server.url(SEED), "gone")]
    assert rows(db, "SELECT articles_removed, failures FROM runs WHERE id = 2") == [(1, 0)]


TAKEN_OFF = "/chi-tiet-tin/-/view-article/1/1651212986853/1757898000000"  # listed on page 2


def take_off_listing(server: FaultServer, tmp_path: Path, page: str, path: str) -> None:
    """The portal drops an article's link from a listing page; the article's own page stays online."""
    link = re.search(f'<a href="{re.escape(path)}">[^<]*</a>', (SITE / page).read_text(encoding="utf-8"))
    assert link is not None
    serve_edited(server, tmp_path, page, LISTING + "?start=6", link.group(), "")


def make_sweep_due(db: Path) -> None:
    """As if the listings were last walked to their end long ago (sweep_days ago and more)."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE listings SET backfilled_at = '2000-01-01T00:00:00.000000Z', swept_at = NULL")


def removed(db: Path) -> list[tuple]:
    return rows(db, "SELECT url, removed_reason FROM articles WHERE removed_at IS NOT NULL")


def test_an_article_taken_off_its_listing_is_marked_unlisted_at_the_next_sweep_and_back_when_relisted(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    db = crawl(config_file)
    take_off_listing(site_server, tmp_path, "listing-2.html", TAKEN_OFF)
    crawl(config_file)
    assert removed(db) == []  # a head walk sees only the newest page: it cannot tell
    make_sweep_due(db)
    mark = len(site_server.requests)
    crawl(config_file)
    assert LISTING + "?start=12" in requests_since(site_server, mark)  # the sweep walked to the end
    assert removed(db) == [(site_server.url(TAKEN_OFF), "unlisted")]
    assert rows(db, "SELECT articles_removed FROM runs WHERE id = 3") == [(1,)]
    stats = run("stats", "--db", str(db))[1].splitlines()
    assert next(line.split()[:4] for line in stats if line.startswith("thixaquangtri ")) == [
        "thixaquangtri",
        "14",
        "0",
        "1",
    ]
    assert rows(db, "SELECT count(*) FROM listings WHERE swept_at IS NOT NULL") == [(1,)]
    site_server.set_route(LISTING + "?start=6", file=str(SITE / "listing-2.html"))
    make_sweep_due(db)
    crawl(config_file)
    assert removed(db) == []


def test_a_sweep_that_cannot_read_every_listing_page_marks_nothing(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    db = crawl(config_file)
    take_off_listing(site_server, tmp_path, "listing-2.html", TAKEN_OFF)
    site_server.set_route(LISTING + "?start=12", status=500)
    make_sweep_due(db)
    crawl(config_file)
    assert removed(db) == []
    assert rows(db, "SELECT count(*) FROM listings WHERE swept_at IS NOT NULL") == [(0,)]
    mark = len(site_server.requests)
    crawl(config_file)  # the next run, an hour later: not another whole walk yet (a day later it is)
    assert LISTING + "?start=6" not in requests_since(site_server, mark)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE listings SET sweep_tried_at = '2000-01-01T00:00:00.000000Z'")
    site_server.set_route(LISTING + "?start=12", file=str(SITE / "listing-3.html"))
    crawl(config_file)
    assert removed(db) == [(site_server.url(TAKEN_OFF), "unlisted")]


def test_a_sweep_that_would_call_most_articles_gone_is_not_believed(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    db = crawl(config_file)
    first = (SITE / "listing-1.html").read_text(encoding="utf-8")
    broken = tmp_path / "listing-1-no-pager.html"  # the pager broke: pages 2 and 3 cannot be reached
    broken.write_text(re.sub(r'<a href="[^"]*\?start=\d+"[^>]*>[^<]*</a>', "", first), encoding="utf-8")
    site_server.set_route(LISTING, file=str(broken))
    make_sweep_due(db)
    crawl(config_file)
    assert removed(db) == []


def test_dropping_a_start_listing_from_the_config_never_reads_as_removal(
    site_server: FaultServer, tmp_path: Path
) -> None:
    titles = ["Tin hoạt động 1", "Tin hoạt động 2"]  # a second category with two articles of its own
    paths = serve_new_articles(site_server, tmp_path, "1651212986999", titles)
    other = tmp_path / "other-listing.html"
    other.write_text(
        f"<html><body><h2>Tin hoạt động</h2>{links_to(paths, titles)}</body></html>", encoding="utf-8"
    )
    site_server.set_route("/tin-hoat-dong", file=str(other))
    config = write_config(tmp_path, site_server)
    text = config.read_text(encoding="utf-8")
    start = f'"{site_server.url(LISTING)}"'
    config.write_text(
        text.replace(start, f'{start}, "{site_server.url("/tin-hoat-dong")}"'), encoding="utf-8"
    )
    db = crawl(config)
    assert rows(db, "SELECT count(*) FROM articles") == [(16,)]
    config = write_config(tmp_path, site_server)  # the researcher drops the second category
    make_sweep_due(db)
    crawl(config)
    assert removed(db) == []


def test_a_listing_larger_than_the_page_budget_is_finished_on_later_runs(
    tmp_path: Path, site_server: FaultServer
) -> None:
    config = write_config(tmp_path, site_server, crawl="max_listing_pages = 2")
    db = crawl(config)
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 12
    assert rows(db, "SELECT url FROM frontier WHERE kind = 'listing'") == [
        (site_server.url(LISTING + "?start=12"),)
    ]
    crawl(config)  # page 1 for news, then the page the first run could not reach
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 14
    assert rows(db, "SELECT count(*) FROM frontier WHERE kind = 'listing'")[0][0] == 0
    assert rows(db, "SELECT count(*) FROM listings WHERE backfilled_at IS NOT NULL")[0][0] == 1


@pytest.mark.slow
def test_a_crawl_killed_mid_run_resumes_without_duplicates(tmp_path: Path, site_server: FaultServer) -> None:
    config = write_config(tmp_path, site_server, delay=0.15)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    child = subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--quiet"], env=env
    )
    db = tmp_path / "archive.db"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # kill it once a few articles are committed, mid-crawl
        time.sleep(0.05)
        if db.exists() and _count(db) >= 4:
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    archived_before = _count(db)
    assert 4 <= archived_before < 14
    crawl(config)
    assert _count(db) == 14
    assert rows(db, "SELECT count(DISTINCT url) FROM articles")[0][0] == 14
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT status FROM runs ORDER BY id") == [("crashed",), ("ok",)]
    fetched_twice = [
        p for p in {p for _, p, _ in site_server.requests if "view-article" in p} if site_server.hits(p) > 1
    ]
    assert len(fetched_twice) <= 1  # at most the article in flight when the kill came


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_articles_only_a_sitemap_lists_are_archived_too(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    hidden = "/chi-tiet-tin/-/view-article/1/1651191623178/1771111111111"
    serve_edited(
        site_server, tmp_path, "pages/1767777868978.html", hidden, "Chợ hoa xuân", "Lễ hội đua thuyền"
    )
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site_server.url(hidden)}</loc></url><url><loc>{site_server.url(SEED)}</loc></url>"
        "<url><loc>https://elsewhere.example/chi-tiet-tin/-/view-article/1/2/3</loc></url></urlset>",
        encoding="utf-8",
    )
    site_server.set_route("/sitemap.xml", file=str(sitemap), type="application/xml")
    robots = tmp_path / "robots.txt"
    robots.write_text(f"User-agent: *\nDisallow: /tim-kiem\nSitemap: {site_server.url('/sitemap.xml')}\n")
    site_server.set_route("/robots.txt", file=str(robots), type="text/plain")
    db = crawl(config_file)
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 15
    assert rows(db, "SELECT title FROM articles WHERE url = ?", site_server.url(hidden)) == [
        ("Kế hoạch tổ chức Lễ hội đua thuyền Bính Ngọ năm 2026",)
    ]
    assert rows(db, "SELECT kind, status FROM fetches WHERE url LIKE '%sitemap.xml'") == [("sitemap", 200)]
