"""Crawl throughput and peak memory against a minimal Scrapy spider, and the requests of an incremental re-run.

    python bench/bench_crawl.py [ARTICLES]

A synthetic town portal of ARTICLES articles (the fixture articles, cloned with distinct ids and titles, 20 per
listing page) is served on 127.0.0.1 from this process; each crawler runs as its own subprocess with
politeness off (delay 0), twice: on the clean portal, and on the same portal with transient faults (one
article in 40 answers 503 once, another in 40 answers 429 with `Retry-After: 1` once, the second listing page
answers 503 once, and one article drips its body over about 3 s). Every article is live in both, so a crawler
should archive all of them. Each crawler is stopped cleanly after TIME_LIMIT seconds (`--time-limit`, Scrapy's
CLOSESPIDER_TIMEOUT); a row that took that long was cut there. Pages/s = requests the server answered / wall time; articles/s = distinct articles
archived (Scrapy: parsed) / wall time; peak memory = the child's maximum RSS. Then the portal publishes 5 new
articles and `scraper crawl` runs again: its requests are compared with the minimum (the 5 articles + the
listing page holding them).
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
import build_site  # noqa: E402

from scraper.sitesrv import load_manifest, route_key  # noqa: E402
from tests.faultsrv import FaultServer, serve_site  # noqa: E402

PER_PAGE = 20
FAULT_EVERY = 40  # one article in 40 answers 503 once, another one in 40 answers 429 once
SLOW_SECONDS = 3.0  # the slow article's body takes about this long to arrive
TIME_LIMIT = (
    120  # each crawler is stopped cleanly after this (ours: --time-limit; Scrapy: CLOSESPIDER_TIMEOUT)
)
CRAWLERS = [
    ("scraper crawl (1 request/host at a time)", "ours"),
    ("Scrapy 1 request/domain at a time", "1"),
    ("Scrapy 8 requests/domain (its default)", "8"),
]


@dataclass(frozen=True)
class Result:
    """One crawler's run against one portal."""

    requests: int
    articles: int
    seconds: float
    rss_mib: float


def portal(out: Path, n: int, new: int = 0) -> None:
    """n articles, newest first; with new > 0, that many more are published on top and the rest keep their URLs."""
    build_site.build_portal(out, n, per_page=PER_PAGE, new=new)


def run(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of a child process."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)  # reaped here for its peak memory: tell Popen it ended
    child.returncode = os.waitstatus_to_exitcode(status)
    if status != 0:
        raise SystemExit(f"{command[:3]} failed with status {status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, out


def ours(base: str, tmp: Path, db: Path) -> tuple[float, float]:
    config = tmp / "config.toml"
    config.write_text(
        f'[crawl]\ndb = "{db}"\ndelay = 0\nmax_listing_pages = 1000\n\n[[sites]]\nname = "bench"\n'
        f'start_urls = ["{base}{build_site.LISTING}"]\nallow_private = true\n'
    )
    command = [sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--quiet"]
    seconds, rss, _ = run([*command, "--time-limit", str(TIME_LIMIT)])
    return seconds, rss


def archived(db: Path) -> int:
    """Articles in an archive."""
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def inject_faults(server: FaultServer) -> None:
    """Transient faults on a served portal: 503s and 429s answered once each, and one slow article."""
    articles = sorted(key for key in server.routes if "view-article" in key)
    for i, key in enumerate(articles):
        if i % FAULT_EVERY == 7:
            server.routes[key] |= {"statuses": [503, 200]}
        elif i % FAULT_EVERY == 27:
            server.routes[key] |= {"statuses": [429, 200], "headers": {"Retry-After": "1"}}
    server.routes[route_key(f"{build_site.LISTING}?start={PER_PAGE}")] |= {"statuses": [503, 200]}
    slow = server.routes[articles[len(articles) // 2]]
    size = len(gzip.compress((server.root / slow["file"]).read_bytes()))  # the server gzips the same way
    slow["drip"] = SLOW_SECONDS / size


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        portal(tmp / "site", n)
        print(f"portal: {n} articles, {-(-n // PER_PAGE)} listing pages; politeness off; 2 cores")
        print(
            f"{'portal':7s} {'crawler':40s} {'requests':>8s} {'articles':>8s} {'seconds':>8s} "
            f"{'pages/s':>8s} {'articles/s':>10s} {'peak MiB':>9s}"
        )
        for faulty in (False, True):
            for label, crawler in CRAWLERS:
                r = measure(tmp, crawler, faulty)
                print(
                    f"{'faulty' if faulty else 'clean':7s} {label:40s} {r.requests:8d} {r.articles:8d} "
                    f"{r.seconds:8.2f} {r.requests / r.seconds:8.0f} {r.articles / r.seconds:10.0f} "
                    f"{r.rss_mib:9.0f}"
                )
        print(incremental(tmp, n))


def measure(tmp: Path, crawler: str, faulty: bool) -> Result:
    """One crawler ("ours", or Scrapy's per-domain concurrency) against a freshly served portal."""
    with serve_site(tmp / "site") as server:
        if faulty:
            inject_faults(server)
        if crawler == "ours":
            db = tmp / f"bench-{faulty}.db"
            db.unlink(missing_ok=True)
            seconds, rss = ours(server.base_url, tmp, db)
            articles = archived(db)
        else:
            spider = [
                sys.executable,
                str(ROOT / "bench" / "scrapy_spider.py"),
                server.url(build_site.LISTING),
            ]
            seconds, rss, out = run([*spider, crawler, "16", str(TIME_LIMIT)])
            articles = json.loads(out.strip().splitlines()[-1])["articles"]
        return Result(len(server.requests), articles, seconds, rss)


def incremental(tmp: Path, n: int) -> str:
    """Crawl the portal, publish 5 articles on top, re-run on the same server, and count the requests."""
    db = tmp / "incremental.db"
    with serve_site(tmp / "site") as server:
        ours(server.base_url, tmp, db)
        portal(tmp / "site", n, new=5)
        server.routes, _ = load_manifest(tmp / "site")
        mark = len(server.requests)
        ours(server.base_url, tmp, db)
        made = [path for _, path, _ in server.requests[mark:]]
    listing = sum(1 for p in made if p.startswith(build_site.LISTING))
    articles = sum(1 for p in made if "view-article" in p)
    return (
        f"\nre-run after 5 new articles: {len(made)} requests = {articles} articles + {listing} listing pages "
        f"+ {len(made) - articles - listing} robots.txt; minimum: 5 articles + 1 listing page (+ robots.txt)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 600)
