"""Nothing one URL or one site does stops the run: any exception becomes a recorded failure; archive faults end it.

Two real servers on 127.0.0.1 serve two copies of the fixture portal; a fault is injected into one URL or one
site, and the other must be archived whole.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scraper import pipeline
from scraper.config import load_config
from scraper.errors import StorageError
from scraper.models import RunSummary
from scraper.pipeline import MAX_FAILING_STREAK, SiteCrawl, run_crawl
from scraper.progress import LogProgress
from scraper.store import SiteArchive
from tests.conftest import LISTING, SITE, expected_articles
from tests.faultsrv import FaultServer, serve_site
from tests.test_cli import rows
from tests.test_durability import build_portal

ALL = len(expected_articles())
BUSY_TIMEOUT = 30  # seconds, the archive's busy_timeout
SEED = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


@pytest.fixture
def two_portals() -> Iterator[tuple[FaultServer, FaultServer]]:
    with serve_site(SITE) as first, serve_site(SITE) as second:
        yield first, second


def config_for(directory: Path, servers: tuple[FaultServer, ...], extra: str = "") -> Path:
    sites = "".join(
        f'[[sites]]\nname = "site{i}"\nstart_urls = ["{server.url(LISTING)}"]\nallow_private = true\n'
        for i, server in enumerate(servers)
    )
    path = directory / "config.toml"
    path.write_text(
        f'[crawl]\ndb = "{directory / "archive.db"}"\ndelay = 0\ntimeout = 10\n{extra}\n{sites}',
        encoding="utf-8",
    )
    return path


def crawl_once(config: Path) -> RunSummary:
    loaded = load_config(config)
    return run_crawl(loaded, loaded.crawl.db, loaded.sites, LogProgress())


def per_site(db: Path) -> dict[str, int]:
    return dict(rows(db, "SELECT site, count(*) FROM articles GROUP BY site"))


def raising_for(url_part: str, error: BaseException, original: Any) -> Any:
    """A stand-in for a stage function that raises `error` for URLs containing url_part."""

    def stage(*args: Any, **kwargs: Any) -> Any:
        if any(isinstance(a, str) and url_part in a for a in args):
            raise error
        return original(*args, **kwargs)

    return stage


@pytest.mark.parametrize(
    "error",
    [
        RecursionError("maximum recursion depth"),
        OverflowError("int too big"),
        KeyError("x"),
        ValueError("bad"),
    ],
    ids=["recursion", "overflow", "key", "value"],
)
def test_any_exception_while_extracting_one_article_is_recorded_and_the_run_goes_on(
    two_portals: tuple[FaultServer, FaultServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
) -> None:
    first, _ = two_portals
    config = config_for(tmp_path, two_portals)
    broken = first.url(SEED)
    monkeypatch.setattr(pipeline, "extract_article", raising_for(broken, error, pipeline.extract_article))
    summary = crawl_once(config)
    db = tmp_path / "archive.db"
    assert per_site(db) == {"site0": ALL - 1, "site1": ALL}
    assert rows(db, "SELECT error FROM fetches WHERE url = ? AND kind = 'internal'", broken) == [
        ("internal_error",)
    ]
    assert rows(db, "SELECT last_error FROM frontier WHERE url = ?", broken) == [("internal_error",)]
    assert summary.status in ("ok", "degraded")
    monkeypatch.undo()
    with_retry_due(db)
    crawl_once(config)
    assert per_site(db) == {"site0": ALL, "site1": ALL}


def with_retry_due(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE frontier SET next_attempt_at = '2000-01-01T00:00:00.000000Z'")


def test_a_listing_page_that_breaks_link_discovery_is_retried_and_the_other_site_is_archived(
    two_portals: tuple[FaultServer, FaultServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = two_portals
    config = config_for(tmp_path, two_portals)
    original = pipeline.discover_links

    def discover(page: Any, site: Any, hosts: Any, shapes: Any) -> Any:
        if page.url == first.url(LISTING):
            raise RecursionError("nested too deep")
        return original(page, site, hosts, shapes)

    monkeypatch.setattr(pipeline, "discover_links", discover)
    summary = crawl_once(config)
    db = tmp_path / "archive.db"
    assert per_site(db) == {"site1": ALL}
    assert rows(db, "SELECT kind, last_error FROM frontier WHERE url = ?", first.url(LISTING)) == [
        ("listing", "internal_error")
    ]
    assert "site0" in summary.degraded and "site1" not in summary.degraded
    monkeypatch.undo()
    with_retry_due(db)
    crawl_once(config)
    assert per_site(db) == {"site0": ALL, "site1": ALL}


def test_an_exception_escaping_a_site_ends_that_site_only(
    two_portals: tuple[FaultServer, FaultServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_for(tmp_path, two_portals)
    original = SiteCrawl._walk_listings

    async def walk(self: SiteCrawl, fetcher: Any) -> None:
        if self.site.name == "site0":
            raise AttributeError("a bug in the walk")
        await original(self, fetcher)

    monkeypatch.setattr(SiteCrawl, "_walk_listings", walk)
    summary = crawl_once(config)
    assert per_site(tmp_path / "archive.db") == {"site1": ALL}
    assert summary.status == "degraded"
    assert summary.degraded == {"site0": "internal error (AttributeError)"}


def test_an_archive_fault_still_ends_the_run(
    two_portals: tuple[FaultServer, FaultServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_for(tmp_path, two_portals)
    monkeypatch.setattr(
        SiteArchive,
        "save_article",
        raising_for("view-article", StorageError("disk full"), SiteArchive.save_article),
    )
    with pytest.raises(StorageError):
        crawl_once(config)
    assert rows(tmp_path / "archive.db", "SELECT status FROM runs") == [("aborted",)]


def test_a_site_whose_pages_keep_failing_waits_for_the_next_run_and_the_others_go_on(
    site_server: FaultServer, tmp_path: Path
) -> None:
    out = tmp_path / "failing"
    build_portal(out, MAX_FAILING_STREAK + 5, per_page=100)  # one listing page: the failures come in a row
    with serve_site(out) as failing:
        for path, route in list(failing.routes.items()):
            if "view-article" in path:
                failing.set_route(path, **route, status=500)
        summary = crawl_once(config_for(tmp_path, (failing, site_server), "retries = 0"))
    db = tmp_path / "archive.db"
    assert per_site(db) == {"site1": ALL}
    failed = rows(db, "SELECT count(*) FROM fetches WHERE site = 'site0' AND error = 'http_500'")
    assert failed == [(MAX_FAILING_STREAK,)]
    assert summary.degraded["site0"] == f"{MAX_FAILING_STREAK} pages failed in a row"
    assert rows(db, "SELECT count(*) FROM frontier WHERE site = 'site0' AND kind = 'article'") == [
        (MAX_FAILING_STREAK + 5,)
    ]


def test_a_sitemap_that_fails_is_not_queued_as_an_article(site_server: FaultServer, tmp_path: Path) -> None:
    robots = tmp_path / "robots.txt"
    robots.write_text(f"User-agent: *\nSitemap: {site_server.url('/sitemap.xml')}\n", encoding="utf-8")
    site_server.set_route("/robots.txt", file=str(robots), type="text/plain")
    site_server.set_route("/sitemap.xml", status=500)
    config = config_for(tmp_path, (site_server,), "retries = 0")
    crawl_once(config)
    db = tmp_path / "archive.db"
    assert rows(db, "SELECT count(*) FROM frontier WHERE url LIKE '%sitemap%'") == [(0,)]
    assert rows(db, "SELECT error FROM fetches WHERE url LIKE '%sitemap.xml'") == [("http_500",)]


def test_listings_with_no_article_link_make_the_run_degraded_and_say_why(
    site_server: FaultServer, tmp_path: Path
) -> None:
    config = config_for(tmp_path, (site_server,))
    text = config.read_text(encoding="utf-8")
    config.write_text(text + 'article_pattern = "/no-such-shape/"\n', encoding="utf-8")
    summary = crawl_once(config)
    assert summary.status == "degraded"
    assert summary.degraded["site0"].startswith("no article links on its")


def test_an_analyst_holding_a_read_transaction_does_not_hold_up_the_end_of_a_run(
    site_server: FaultServer, tmp_path: Path
) -> None:
    config = config_for(tmp_path, (site_server,))
    crawl_once(config)
    reader = sqlite3.connect(tmp_path / "archive.db")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM articles").fetchone()  # a read transaction stays open
    done = threading.Thread(target=crawl_once, args=(config,), daemon=True)
    done.start()
    done.join(timeout=BUSY_TIMEOUT / 2)  # a checkpoint that waited for the reader would wait it all out
    finished = not done.is_alive()
    reader.rollback()
    reader.close()
    done.join()
    assert finished
