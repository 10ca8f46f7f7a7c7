"""A crawl loses nothing: interrupted anywhere, any number of times, the next runs archive every listed article once.

The portal's pager shows only its neighbours (as real portals do), so a backfill that forgot where it stopped
could not find the rest of the listing again from page 1.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper import frontier, pipeline
from scraper.config import load_config
from scraper.crawler import Fetcher
from scraper.errors import Reason
from scraper.models import utc_iso
from scraper.pipeline import run_crawl
from scraper.progress import LogProgress
from scraper.sitesrv import load_manifest, route_key
from scraper.store import Archive, SiteArchive
from tests.faultsrv import FaultServer, serve_site
from tests.test_cli import rows
from tests.test_faults_storage import articles

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from build_site import LISTING, build_portal  # noqa: E402

ARTICLES, PER_PAGE = 36, 4  # nine listing pages
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}


class Killed(BaseException):
    """Stands for SIGKILL: raised inside the crawl, nothing of it runs afterwards but what a kill leaves."""


@pytest.fixture(scope="module")
def portal() -> Iterator[FaultServer]:
    with tempfile.TemporaryDirectory() as out:
        build_portal(Path(out), ARTICLES, per_page=PER_PAGE, pager_window=1)
        with serve_site(Path(out)) as server:
            yield server


def config_for(directory: Path, server: FaultServer, extra: str = "", delay: float = 0) -> Path:
    path = directory / "config.toml"
    path.write_text(
        f'[crawl]\ndb = "{directory / "archive.db"}"\ndelay = {delay}\ntimeout = 10\nsweep_days = 0\n{extra}\n'
        f'[[sites]]\nname = "portal"\nstart_urls = ["{server.url(LISTING)}"]\nallow_private = true\n',
        encoding="utf-8",
    )
    return path


def crawl_once(config: Path) -> pipeline.RunSummary:
    loaded = load_config(config)
    return run_crawl(loaded, loaded.crawl.db, loaded.sites, LogProgress())


def kill_at(monkeypatch: pytest.MonkeyPatch, target: Any, name: str, after: int) -> None:
    """Make the `after`-th call of target.name die as a kill would, before it does anything."""
    original, calls = getattr(target, name), [0]

    def dying(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == after:
            raise Killed(f"{name} #{after}")
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, dying)


def archived(db: Path) -> tuple[int, int]:
    """(article rows, distinct article URLs)."""
    return rows(db, "SELECT count(*), count(DISTINCT url) FROM articles")[0]


# A kill lands during a request (Fetcher.fetch), while an article is written (the transaction rolls back, as a
# kill mid-write would leave it), or while a listing page's finds are committed.
KILL_POINTS = {
    "fetch": (Fetcher, "fetch"),
    "article-write": (SiteArchive, "save_article"),
    "listing-commit": (frontier.Frontier, "mark_walked"),
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kills=st.lists(
        st.tuples(st.sampled_from(sorted(KILL_POINTS)), st.integers(1, 40)), min_size=1, max_size=5
    )
)
def test_a_backfill_interrupted_anywhere_archives_every_article_once_in_the_end(
    portal: FaultServer, kills: list[tuple[str, int]]
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        config = config_for(Path(directory), portal)
        for point, after in kills:
            with pytest.MonkeyPatch.context() as monkeypatch:
                kill_at(monkeypatch, *KILL_POINTS[point], after)
                with contextlib.suppress(Killed):
                    crawl_once(config)
        crawl_once(config)
        db = Path(directory) / "archive.db"
        assert archived(db) == (ARTICLES, ARTICLES)
        assert rows(db, "SELECT count(*) FROM frontier") == [(0,)]
        assert rows(db, "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.parametrize("limit", [1, 3, 7], ids=["1-page", "3-pages", "7-pages"])
def test_a_backfill_cut_by_its_page_budget_goes_on_where_it_stopped(
    portal: FaultServer, tmp_path: Path, limit: int
) -> None:
    config = config_for(tmp_path, portal, f"max_listing_pages = {limit}")
    for _ in range(9 // limit + 1):  # at least `limit` new listing pages a run
        crawl_once(config)
    assert archived(tmp_path / "archive.db") == (ARTICLES, ARTICLES)


def test_a_head_walk_cut_short_goes_on_with_the_next_page_on_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    build_portal(out, 8, per_page=PER_PAGE, pager_window=1)
    with serve_site(out) as server:
        config = config_for(tmp_path, server)
        crawl_once(config)  # the backfill: 8 articles on 2 pages
        build_portal(out, 8, per_page=PER_PAGE, new=10, pager_window=1)  # 10 new: pages 1, 2 and half of 3
        server.routes.update(load_manifest(out)[0])
        with pytest.MonkeyPatch.context() as patch:
            kill_at(
                patch, frontier.Frontier, "mark_walked", 2
            )  # page 1 committed, killed while committing page 2
            with pytest.raises(Killed):
                crawl_once(config)
        crawl_once(config)
    assert archived(tmp_path / "archive.db") == (18, 18)


def test_an_article_in_the_slow_lane_is_fetched_again_when_a_listing_shows_it(
    portal: FaultServer, tmp_path: Path
) -> None:
    config = config_for(tmp_path, portal)
    db = tmp_path / "archive.db"
    crawl_once(config)
    first = rows(db, "SELECT url FROM articles ORDER BY first_seen_at LIMIT 1")[0][0]
    with sqlite3.connect(db) as conn:  # as if it had failed ten times over a week and just been archived now
        conn.execute("DELETE FROM articles WHERE url = ?", [first])
        conn.execute(
            "INSERT INTO frontier (site, url, kind, discovered_at, attempts, next_attempt_at, last_error, "
            "gave_up_at) VALUES ('portal', ?, 'article', '2026-01-01T00:00:00Z', 10, '2099-01-01T00:00:00Z', "
            "'http_503', '2026-01-08T00:00:00Z')",
            [first],
        )
    crawl_once(config)
    assert rows(db, "SELECT count(*) FROM articles WHERE url = ?", first) == [(1,)]
    assert rows(db, "SELECT count(*) FROM frontier") == [(0,)]


def test_a_url_failing_past_the_attempt_limit_waits_a_month_and_is_never_dropped(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "unit.db")
    db, queue = archive.db, frontier.Frontier(archive, "s")
    for _ in range(frontier.MAX_ATTEMPTS + 2):
        queue.failed("https://a.gov.vn/x", Reason.TIMEOUT_TOTAL)
    attempts, next_at, gave_up = db.execute(
        "SELECT attempts, next_attempt_at, gave_up_at FROM frontier"
    ).fetchone()
    assert attempts == frontier.MAX_ATTEMPTS + 2 and gave_up is not None
    assert next_at > utc_iso(datetime.now(UTC) + timedelta(days=29))
    assert queue.pending(frontier.Pending.ARTICLE, now="2999-01-01T00:00:00Z") == ["https://a.gov.vn/x"]


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["SIGKILL", "SIGTERM", "time-limit"])
def test_a_real_process_stopped_again_and_again_loses_no_article(
    portal: FaultServer, tmp_path: Path, stop: str
) -> None:
    config = config_for(tmp_path, portal, delay=0.01)  # slow enough for a stop to land mid-walk
    chance = random.Random(stop)
    for _ in range(4):
        command = [sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--quiet"]
        if stop == "time-limit":
            command += ["--time-limit", f"{chance.uniform(0.2, 0.6):.2f}"]
        child = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if stop != "time-limit":
            wait_until_archived(tmp_path / "archive.db", chance.randint(1, 6), child)
            child.send_signal(getattr(signal, stop))
        child.wait(timeout=60)
    crawl_once(config)
    assert archived(tmp_path / "archive.db") == (ARTICLES, ARTICLES)


def wait_until_archived(db: Path, more: int, child: subprocess.Popen[bytes]) -> None:
    """Until `more` articles were added since the call (or the child ended, or 20 s passed)."""
    deadline, start = time.monotonic() + 20, articles(db)
    while time.monotonic() < deadline and child.poll() is None and articles(db) < start + more:
        time.sleep(0.01)


def publish(out: Path, server: FaultServer, base: int, new: int) -> None:
    """The portal publishes `new` articles on top of its listing: every listed article slides down."""
    build_portal(out, base, per_page=PER_PAGE, new=new, pager_window=2)
    server.routes.update(load_manifest(out)[0])


def test_articles_sliding_down_the_listing_during_a_backfill_are_all_archived(tmp_path: Path) -> None:
    out, base = tmp_path / "site", 40
    build_portal(out, base, per_page=PER_PAGE, pager_window=2)  # pager: 2 pages either side, next, last
    with serve_site(out) as server:
        config = config_for(tmp_path, server, "max_listing_pages = 3")
        for run in range(1, 9):  # a nightly cron while the backfill is under way; 3 new articles a night
            crawl_once(config)
            publish(out, server, base, 3 * run)
        for _ in range(6):
            crawl_once(config)
    assert archived(tmp_path / "archive.db") == (base + 24, base + 24)


def test_articles_sliding_past_a_listing_page_that_failed_once_are_all_archived(tmp_path: Path) -> None:
    out, base = tmp_path / "site", 20
    build_portal(out, base, per_page=PER_PAGE, pager_window=2)
    with serve_site(out) as server:
        third = LISTING + f"?start={2 * PER_PAGE}"
        server.set_route(third, **server.routes[route_key(third)], status=503)  # until the portal changes
        config = config_for(tmp_path, server, "retries = 0")
        crawl_once(config)
        publish(out, server, base, 3)
        with sqlite3.connect(tmp_path / "archive.db") as conn:  # a night later: the retry is due
            conn.execute("UPDATE frontier SET next_attempt_at = '2000-01-01T00:00:00.000000Z'")
        crawl_once(config)
    assert archived(tmp_path / "archive.db") == (base + 3, base + 3)
