"""Load: one crawl over 200 sites on 127.0.0.1 with faults mixed in, bounded in time, memory flat.

Promise: every article of every reachable site is archived exactly once, a dead site degrades the run
without stopping it, and memory does not grow with the number of sites.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.faultsrv import FaultServer, serve_site

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scraper" / "demo" / "site"
ARTICLES = sorted(p.stem for p in (DEMO / "expected").glob("*.json"))
ARTICLE = "/chi-tiet-tin/-/view-article/1/{cat}/{id}"


def with_faults(server: FaultServer, i: int) -> int:
    """Script this site's faults; return how many of its articles can be archived."""
    paths = [p for p in server.routes if "view-article" in p]
    archivable = len(paths)
    if i % 10 == 0:
        server.routes[paths[0]]["statuses"] = [503, 200]  # transient: retried and archived
    if i % 13 == 0:
        server.routes[paths[1]] = {"status": 404}  # gone: recorded, not archived
        archivable -= 1
    if i % 7 == 0:
        server.routes.pop("/robots.txt")  # robots.txt 404: everything allowed
    if i == 199:
        for path in list(server.routes):
            server.routes[path] = {"status": 500}  # a dead site
        archivable = 0
    return archivable


def crawl(servers: list[FaultServer], db: Path) -> tuple[float, float]:
    """Run `scraper crawl` over the servers; (seconds, peak RSS MiB)."""
    config = db.with_suffix(".toml")
    sites = "".join(
        f'\n[[sites]]\nname = "site{i:03d}"\nstart_urls = ["{s.url(s.start[0])}"]\nallow_private = true\n'
        for i, s in enumerate(servers)
    )
    config.write_text(
        f'[crawl]\ndb = "{db}"\ndelay = 0\nretries = 1\ntimeout = 10\n{sites}', encoding="utf-8"
    )
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--quiet"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    _, status, usage = os.wait4(child.pid, 0)  # reaped here for its peak memory: tell Popen it ended
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0
    return time.monotonic() - started, usage.ru_maxrss / 1024


@pytest.mark.slow
def test_two_hundred_sites_in_one_crawl(tmp_path: Path) -> None:
    with ExitStack() as stack:
        servers = [stack.enter_context(serve_site(DEMO)) for _ in range(200)]
        expected = sum(with_faults(server, i) for i, server in enumerate(servers))
        small_seconds, small_rss = crawl(servers[:20], tmp_path / "twenty.db")
        seconds, rss = crawl(servers, tmp_path / "all.db")
    with sqlite3.connect(tmp_path / "all.db") as conn:
        archived, distinct = conn.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone()
        sites_observed = conn.execute("SELECT count(DISTINCT site) FROM visit_stats").fetchone()[0]
        status = conn.execute("SELECT status FROM runs").fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    print(
        f"\n200 sites: {archived} articles in {seconds:.1f} s, peak {rss:.0f} MiB "
        f"(20 sites: {small_seconds:.1f} s, peak {small_rss:.0f} MiB)"
    )
    assert archived == distinct == expected
    assert sites_observed == 199 and status == "degraded" and integrity == "ok"
    assert rss < 2 * small_rss  # flat: ten times the sites, not ten times the memory
