"""The fetch stage against a real HTTP server on 127.0.0.1: discovery, retries, caps, scope, robots."""

from __future__ import annotations

import asyncio
import gzip
import time
from pathlib import Path

import pytest

from scraper.crawler import Fetcher, discover_links, parse_retry_after
from scraper.errors import FetchError
from scraper.models import CrawlSettings, Page, Site
from scraper.sitesrv import SiteServer
from tests.conftest import LISTING, MISSING_ARTICLE

ARTICLE = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


def make_fetcher(server: SiteServer, **settings: object) -> tuple[Fetcher, list[float]]:
    """A fetcher for the fixture site whose backoff sleeps are recorded instead of slept."""
    site = Site(name="fixture", start_urls=(server.url(LISTING),))
    fetcher = Fetcher(site, CrawlSettings(**{"delay": 0, "timeout": 5} | settings))  # type: ignore[arg-type]
    waits: list[float] = []

    async def record(seconds: float) -> None:
        if seconds > 0:
            waits.append(seconds)

    fetcher.sleep = record
    return fetcher, waits


def fetch(fetcher: Fetcher, url: str) -> Page:
    async def go() -> Page:
        async with fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def fetch_error(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(fetcher, url)
    return caught.value


def test_listing_page_yields_articles_in_page_order_and_its_other_pages(site_server: SiteServer) -> None:
    fetcher, _ = make_fetcher(site_server)
    page = fetch(fetcher, site_server.url(LISTING))
    links = discover_links(page, fetcher.site, fetcher.hosts)
    assert len(links.articles) == 6
    assert links.articles[0] == site_server.url(ARTICLE)
    assert links.listings == (site_server.url(LISTING + "?start=6"), site_server.url(LISTING + "?start=12"))


def test_share_links_with_tracking_parameters_and_other_hosts_are_not_new_articles(
    site_server: SiteServer,
) -> None:
    fetcher, _ = make_fetcher(site_server)
    links = discover_links(fetch(fetcher, site_server.url(LISTING + "?start=6")), fetcher.site, fetcher.hosts)
    assert site_server.url(ARTICLE) in links.articles  # the utm_* variant, canonicalised
    assert not any("www.quangtri.gov.vn" in url for url in links.articles)
    assert not any("tim-kiem" in url for url in links.articles + links.listings)


def test_gzip_pages_are_decoded_and_the_charset_recorded(site_server: SiteServer) -> None:
    fetcher, _ = make_fetcher(site_server)
    page = fetch(fetcher, site_server.url(ARTICLE))
    assert "UBND Phường 1" in page.text
    assert page.encoding == "utf-8"
    assert site_server.requests[-1][2]["Accept-Encoding"] == "gzip, deflate"
    assert [a.kind for a in fetcher.attempts] == ["robots", "page"]


def test_503_then_200_is_retried_with_backoff_and_every_attempt_recorded(site_server: SiteServer) -> None:
    site_server.set_route(ARTICLE, file=f"pages/{ARTICLE.rsplit('/', 1)[1]}.html", statuses=[503, 503, 200])
    fetcher, waits = make_fetcher(site_server)
    page = fetch(fetcher, site_server.url(ARTICLE))
    assert page.status == 200
    assert site_server.hits(ARTICLE) == 3
    assert [(a.status, a.error) for a in fetcher.attempts if a.kind == "page"] == [
        (503, "http_503"),
        (503, "http_503"),
        (200, None),
    ]
    assert len(waits) == 2


def test_retry_after_is_honoured(site_server: SiteServer) -> None:
    site_server.set_route(
        ARTICLE,
        file=f"pages/{ARTICLE.rsplit('/', 1)[1]}.html",
        statuses=[429, 200],
        headers={"Retry-After": "7"},
    )
    fetcher, waits = make_fetcher(site_server)
    fetch(fetcher, site_server.url(ARTICLE))
    assert waits and waits[0] >= 7


def test_a_long_retry_after_defers_the_url_to_the_next_run(site_server: SiteServer) -> None:
    site_server.set_route(ARTICLE, status=503, headers={"Retry-After": "3600"})
    fetcher, waits = make_fetcher(site_server)
    assert fetch_error(fetcher, site_server.url(ARTICLE)).reason == "deferred_retry_after"
    assert site_server.hits(ARTICLE) == 1 and waits == []


def test_persistent_5xx_gives_up_after_the_configured_attempts(site_server: SiteServer) -> None:
    site_server.set_route(ARTICLE, status=502)
    fetcher, _ = make_fetcher(site_server, retries=2)
    assert fetch_error(fetcher, site_server.url(ARTICLE)).reason == "http_502"
    assert site_server.hits(ARTICLE) == 3


def test_404_is_final_after_one_request(site_server: SiteServer) -> None:
    fetcher, waits = make_fetcher(site_server)
    error = fetch_error(fetcher, site_server.url(MISSING_ARTICLE))
    assert (error.reason, error.status) == ("http_404", 404)
    assert site_server.hits(MISSING_ARTICLE) == 1 and waits == []


def test_robots_disallowed_paths_are_never_requested(site_server: SiteServer) -> None:
    fetcher, _ = make_fetcher(site_server)
    assert fetch_error(fetcher, site_server.url("/tim-kiem?q=an+ninh")).reason == "robots_disallowed"
    assert site_server.hits("/tim-kiem?q=an+ninh") == 0


def test_robots_5xx_means_disallow_all_for_the_run(site_server: SiteServer) -> None:
    site_server.set_route("/robots.txt", status=500)
    fetcher, _ = make_fetcher(site_server, retries=0)
    assert fetch_error(fetcher, site_server.url(ARTICLE)).reason == "robots_unreachable"
    assert site_server.hits(ARTICLE) == 0


def test_robots_404_allows_everything(site_server: SiteServer) -> None:
    site_server.set_route("/robots.txt", status=404)
    fetcher, _ = make_fetcher(site_server)
    assert fetch(fetcher, site_server.url(ARTICLE)).status == 200


def test_redirects_are_followed_within_the_site(site_server: SiteServer) -> None:
    site_server.set_route("/old-link", redirect=ARTICLE)
    fetcher, _ = make_fetcher(site_server)
    page = fetch(fetcher, site_server.url("/old-link"))
    assert page.final_url == site_server.url(ARTICLE)


def test_a_redirect_to_another_host_is_refused(site_server: SiteServer) -> None:
    site_server.set_route("/away", redirect="http://127.0.0.2:9/chi-tiet-tin/-/view-article/1/2/3")
    fetcher, _ = make_fetcher(site_server)
    assert fetch_error(fetcher, site_server.url("/away")).reason == "redirect_out_of_scope"


def test_a_redirect_loop_stops_at_our_limit(site_server: SiteServer) -> None:
    site_server.set_route("/loop", redirect="/loop")
    fetcher, _ = make_fetcher(site_server)
    assert fetch_error(fetcher, site_server.url("/loop")).reason == "redirect_limit"
    assert site_server.hits("/loop") == 6


def test_a_body_over_the_cap_is_refused(site_server: SiteServer) -> None:
    fetcher, _ = make_fetcher(site_server, max_bytes=2000)
    assert fetch_error(fetcher, site_server.url(ARTICLE)).reason.startswith("too_large")


def test_a_gzip_bomb_stops_at_the_decoded_cap(site_server: SiteServer, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.gz"
    bomb.write_bytes(gzip.compress(b"<html>" + b"\0" * (50 * 1024 * 1024), compresslevel=9))
    site_server.set_route("/bomb", file=str(bomb), raw=True, headers={"Content-Encoding": "gzip"})
    fetcher, _ = make_fetcher(site_server, max_bytes=1024 * 1024)
    assert fetch_error(fetcher, site_server.url("/bomb")).reason == "too_large_decoded"


def test_attachments_are_not_treated_as_pages(site_server: SiteServer, tmp_path: Path) -> None:
    pdf = tmp_path / "kh.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    site_server.set_route("/documents/1/0/kh.pdf", file=str(pdf), type="application/pdf")
    fetcher, _ = make_fetcher(site_server)
    assert fetch_error(fetcher, site_server.url("/documents/1/0/kh.pdf")).reason == "non_html:application/pdf"


def test_a_slow_drip_body_hits_the_total_deadline(site_server: SiteServer, tmp_path: Path) -> None:
    # httpx's read timeout is idle time only: a byte every 0.2 s never trips it (reliability.md P1).
    drip = tmp_path / "drip.html"
    drip.write_bytes(b"<html><body>" + b"x" * 40 + b"</body></html>")
    site_server.set_route("/drip", file=str(drip), raw=True, drip=0.2)
    fetcher, _ = make_fetcher(site_server, timeout=1, retries=0)
    started = time.monotonic()
    assert fetch_error(fetcher, site_server.url("/drip")).reason == "timeout_total"
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    ("value", "seconds"), [("120", 120.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None)]
)
def test_parse_retry_after(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds
