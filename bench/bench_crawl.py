"""Crawl throughput and peak memory against a minimal Scrapy spider, and the requests of an incremental re-run.

    python bench/bench_crawl.py [ARTICLES]

A synthetic town portal of ARTICLES articles (the fixture articles, cloned with distinct ids and titles, 20 per
listing page) is served on 127.0.0.1 from this process; each crawler runs as its own subprocess with
politeness off (delay 0). Pages/s = requests the server answered / wall time; peak memory = the child's
maximum RSS. Then the portal publishes 5 new articles and `scraper crawl` runs again: its requests are
compared with the minimum (the 5 articles + the listing page holding them).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
import build_site  # noqa: E402
from articles import ARTICLES  # noqa: E402

from scraper.sitesrv import load_manifest, serve_site  # noqa: E402

PER_PAGE = 20


def portal(out: Path, n: int, new: int = 0) -> None:
    """n articles, newest first; with new > 0, that many more are published on top and the rest keep their URLs."""
    specs = []
    for i in range(n + new):
        old = i - new  # position in the portal before the new ones were published
        spec = dict(ARTICLES[old % len(ARTICLES)])
        spec["id"] = 1_600_000_000_000 - old * 3_600_000
        spec["title"] = f"{spec['title']} (số {n - old})"
        specs.append(spec)
    site = {
        "out": out,
        "name": "Thị xã mẫu",
        "articles": specs,
        "per_page": PER_PAGE,
        "counter": "seed",
        "missing": False,
    }
    build_site.build(site)


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(child.pid, 0)  # reaped here for its peak memory: tell Popen it ended
    child.returncode = os.waitstatus_to_exitcode(status)
    if status != 0:
        raise SystemExit(f"{command[:3]} failed with status {status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def ours(base: str, tmp: Path, db: Path) -> tuple[float, float]:
    config = tmp / "config.toml"
    config.write_text(
        f'[crawl]\ndb = "{db}"\ndelay = 0\nmax_listing_pages = 1000\n\n[[sites]]\nname = "bench"\n'
        f'start_urls = ["{base}{build_site.LISTING}"]\nallow_private = true\n'
    )
    return run([sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--quiet"])


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        portal(tmp / "site", n)
        print(f"portal: {n} articles, {-(-n // PER_PAGE)} listing pages; politeness off; 2 cores")
        print(f"{'crawler':40s} {'requests':>8s} {'seconds':>8s} {'pages/s':>8s} {'peak MiB':>9s}")
        for label, command in [
            ("scraper crawl (1 request/host at a time)", "ours"),
            ("Scrapy 1 request/domain at a time", "1"),
            ("Scrapy 8 requests/domain (its default)", "8"),
        ]:
            with serve_site(tmp / "site") as server:
                if command == "ours":
                    seconds, rss = ours(server.base_url, tmp, tmp / "bench.db")
                else:
                    spider = [
                        sys.executable,
                        str(ROOT / "bench" / "scrapy_spider.py"),
                        server.url(build_site.LISTING),
                        command,
                    ]
                    seconds, rss = run(spider)
                requests = len(server.requests)
            print(f"{label:40s} {requests:8d} {seconds:8.2f} {requests / seconds:8.0f} {rss:9.0f}")
        print(incremental(tmp, n))


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
