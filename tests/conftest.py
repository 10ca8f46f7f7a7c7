"""Shared fixtures: a real HTTP server on 127.0.0.1 serving the fixture site, configs, archives."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.crawler import Fetcher
from scraper.errors import FetchError
from scraper.models import CrawlSettings, Page, Site
from tests.faultsrv import FaultServer, serve_site

FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "site"
LISTING = "/th%C3%B4ng-tin-tuy%C3%AAn-truy%E1%BB%81n"
MISSING_ARTICLE = "/chi-tiet-tin/-/view-article/1/1651191623178/1769000000000"


def expected_articles(site: Path = SITE) -> list[dict]:
    """The expected extraction of every article page of a fixture site."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((site / "expected").glob("*.json"))]


@pytest.fixture
def site_server() -> Iterator[FaultServer]:
    """The fixture site, served fresh for each test on a port the OS picks."""
    with serve_site(SITE) as server:
        yield server


def write_config(
    directory: Path,
    server: FaultServer,
    crawl: str = "",
    site: str = "",
    delay: float = 0,
    allow_private: bool = True,
) -> Path:
    """A config.toml for the fixture site; politeness delay 0 unless asked, so tests run fast.

    The fixture site is on 127.0.0.1, an address only a site with allow_private may reach.
    """
    path = directory / "config.toml"
    path.write_text(
        f"""
[crawl]
db = "{directory / "archive.db"}"
delay = {delay}
timeout = 10
{crawl}

[[sites]]
name = "thixaquangtri"
start_urls = ["{server.url(LISTING)}"]
allow_private = {str(allow_private).lower()}
{site}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config_file(tmp_path: Path, site_server: FaultServer) -> Path:
    """A valid config for the served fixture site, in a temp dir."""
    return write_config(tmp_path, site_server)


def make_fetcher(start_url: str, **settings: object) -> tuple[Fetcher, list[float]]:
    """A fetcher for the site starting at start_url; its backoff and politeness sleeps are recorded, not slept."""
    site = Site(name="fixture", start_urls=(start_url,), allow_private=True)  # loopback is private
    fetcher = Fetcher(site, CrawlSettings(**{"delay": 0, "timeout": 5} | settings))  # type: ignore[arg-type]
    waits: list[float] = []

    async def record(seconds: float) -> None:
        if seconds > 0:
            waits.append(seconds)

    fetcher.sleep = record
    return fetcher, waits


def outcome(fetcher: Fetcher, url: str) -> Page | FetchError:
    """Fetch one URL with the fetcher: the page, or the FetchError that ended it."""

    async def go() -> Page | FetchError:
        async with fetcher:
            try:
                return await fetcher.fetch(url)
            except FetchError as error:
                return error

    return asyncio.run(go())
