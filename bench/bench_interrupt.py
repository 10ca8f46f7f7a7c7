"""Interrupted backfills: does every listed article end up archived exactly once?

    python bench/bench_interrupt.py [ARTICLES [INTERRUPTIONS [SEED]]]      (default: 2000 20 11)

A synthetic town portal of ARTICLES articles on listing pages of 20 (bench_crawl.portal) is served on 127.0.0.1.
`scraper crawl` (delay 0, max_listing_pages 1000, allow_private for loopback, sweep_days = 0: no sweep will ever
find what a walk missed) is interrupted INTERRUPTIONS times, cycling through SIGKILL, SIGTERM and
`--time-limit`, each after a random 0.3-1.5 s (seeded); then it runs to completion, and again until a run
archives nothing new (at most 3 more).
Reported: each interruption's kind, delay, exit code, whether it landed during the crawl (not after its end)
and the archive's article count after it; then articles archived against the portal's, missing ones, and
duplicates (rows per URL, and aliases: the same text kept under a second URL).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
import build_site  # noqa: E402
from bench_crawl import portal  # noqa: E402

from scraper.sitesrv import load_manifest, route_key, serve_site  # noqa: E402

KINDS = ("SIGKILL", "SIGTERM", "time-limit")
DELAYS = (0.3, 1.5)  # seconds before an interruption; a whole crawl takes about 11 s on a quiet machine
MAX_FINAL_RUNS = 4


def write_config(tmp: Path, base: str, db: Path) -> Path:
    """A config for the served portal, with sweeps off."""
    path = tmp / "config.toml"
    path.write_text(
        f'[crawl]\ndb = "{db}"\ndelay = 0\nmax_listing_pages = 1000\nsweep_days = 0\n\n'
        f'[[sites]]\nname = "bench"\nstart_urls = ["{base}{build_site.LISTING}"]\nallow_private = true\n',
        encoding="utf-8",
    )
    return path


def crawl(config: Path, kind: str | None = None, after: float = 0) -> tuple[int, bool]:
    """One `scraper crawl`, interrupted by `kind` after `after` seconds (None: to its end).

    Returns its exit code, and whether the interruption landed while it ran (a signal sent, or the run's status
    `time_limit`) rather than after it had finished its work.
    """
    command = [sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--quiet"]
    if kind == "time-limit":
        command += ["--time-limit", f"{after:.2f}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    landed = False
    if kind in ("SIGKILL", "SIGTERM"):
        try:
            child.wait(after)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL if kind == "SIGKILL" else signal.SIGTERM)
            landed = True
    code = child.wait(600)
    return code, landed or (kind == "time-limit" and last_status(config) == "time_limit")


def last_status(config: Path) -> str:
    """The status of the archive's latest run."""
    db = config.read_text(encoding="utf-8").split('db = "', 1)[1].split('"', 1)[0]
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])


def archived(db: Path) -> list[str]:
    """The paths of the archived articles (route keys, as the portal's manifest names them)."""
    if not db.exists():  # the first crawl was killed before it created the archive
        return []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [route_key(urlsplit(url).path) for (url,) in conn.execute("SELECT url FROM articles")]


def aliases(db: Path) -> int:
    """Articles kept a second time under another URL."""
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM article_aliases").fetchone()[0])


def main(n: int, interruptions: int, seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        portal(tmp / "site", n)
        expected = {key for key in load_manifest(tmp / "site")[0] if "view-article" in key}
        db = tmp / "interrupted.db"
        with serve_site(tmp / "site") as server:
            config = write_config(tmp, server.base_url, db)
            print(f"portal: {n} articles on {-(-n // 20)} listing pages; sweep_days = 0; seed {seed}")
            print(
                f"{'#':>3s} {'interruption':12s} {'after s':>7s} {'exit':>5s} {'landed':>6s} {'archived':>8s}"
            )
            started = time.perf_counter()
            for i in range(interruptions):
                kind, after = KINDS[i % len(KINDS)], rng.uniform(*DELAYS)
                code, landed = crawl(config, kind, after)
                print(
                    f"{i + 1:3d} {kind:12s} {after:7.2f} {code:5d} {'yes' if landed else 'no':>6s} {len(archived(db)):8d}"
                )
            for run in range(1, MAX_FINAL_RUNS + 1):
                before = len(archived(db))
                code, _ = crawl(config)
                after_run = len(archived(db))
                print(f"    complete run {run}: exit {code}, {after_run - before} new, {after_run} archived")
                if after_run == before and run > 1:
                    break
        print(report(archived(db), expected, aliases(db)) + f"; {time.perf_counter() - started:.0f} s in all")


def report(paths: list[str], expected: set[str], alias_count: int) -> str:
    """Archived against listed: missing, foreign and duplicate articles."""
    got = set(paths)
    return (
        f"\narchived {len(got & expected)} of {len(expected)} listed articles: {len(expected - got)} missing, "
        f"{len(got - expected)} not on the portal, {len(paths) - len(got)} duplicate rows, {alias_count} aliases"
    )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [2000, 20, 11][len(args) :]))
