"""Shared fixtures: a real HTTP server on 127.0.0.1 serving the fixture site, configs, archives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.sitesrv import SiteServer, serve_site

FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "site"
LISTING = "/th%C3%B4ng-tin-tuy%C3%AAn-truy%E1%BB%81n"
MISSING_ARTICLE = "/chi-tiet-tin/-/view-article/1/1651191623178/1769000000000"


def expected_articles(site: Path = SITE) -> list[dict]:
    """The expected extraction of every article page of a fixture site."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((site / "expected").glob("*.json"))]


@pytest.fixture
def site_server() -> Iterator[SiteServer]:
    """The fixture site, served fresh for each test on a port the OS picks."""
    with serve_site(SITE) as server:
        yield server


def write_config(
    directory: Path, server: SiteServer, crawl: str = "", site: str = "", delay: float = 0
) -> Path:
    """A config.toml for the fixture site; politeness delay 0 unless asked, so tests run fast."""
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
{site}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config_file(tmp_path: Path, site_server: SiteServer) -> Path:
    """A valid config for the served fixture site, in a temp dir."""
    return write_config(tmp_path, site_server)
