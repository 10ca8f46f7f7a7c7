"""The fetch stage against a real HTTP server on 127.0.0.1: discovery, retries, caps, scope, robots."""

from __future__ import annotations

import asyncio
import gzip
import ssl
import time
from pathlib import Path

import pytest

from scraper.crawler import Fetcher, parse_retry_after
from scraper.discovery import discover_links, feed_links
from scraper.errors import FetchError
from scraper.models import CrawlSettings, Page, Site
from tests.conftest import LISTING, MISSING_ARTICLE, SITE, make_fetcher, outcome
from tests.faultsrv import FaultServer, serve_site

SITE_ROOT = SITE

ARTICLE = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


def fetch(fetcher: Fetcher, url: str) -> Page:
    result = outcome(fetcher, url)
    if isinstance(result, FetchError):
        raise result
    return result


def fetch_error(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(fetcher, url)
    return caught.value


def test_listing_page_yields_articles_in_page_order_and_its_other_pages(site_server: FaultServer) -> None:
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    page = fetch(fetcher, site_server.url(LISTING))
    links = discover_links(page, fetcher.site, fetcher.hosts)
    assert len(links.articles) == 6
    assert links.articles[0] == site_server.url(ARTICLE)
    assert links.listings == (site_server.url(LISTING + "?start=6"), site_server.url(LISTING + "?start=12"))


def test_share_links_with_tracking_parameters_and_other_hosts_are_not_new_articles(
    site_server: FaultServer,
) -> None:
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    links = discover_links(fetch(fetcher, site_server.url(LISTING + "?start=6")), fetcher.site, fetcher.hosts)
    assert site_server.url(ARTICLE) in links.articles  # the utm_* variant, canonicalised
    assert not any("www.quangtri.gov.vn" in url for url in links.articles)
    assert not any("tim-kiem" in url for url in links.articles + links.listings)


def test_gzip_pages_are_decoded_and_the_charset_recorded(site_server: FaultServer) -> None:
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    page = fetch(fetcher, site_server.url(ARTICLE))
    assert "UBND Phường 1" in page.text
    assert page.encoding == "utf-8"
    assert site_server.requests[-1][2]["Accept-Encoding"] == "gzip, deflate"
    assert [a.kind for a in fetcher.attempts] == ["robots", "page"]


def test_503_then_200_is_retried_with_backoff_and_every_attempt_recorded(site_server: FaultServer) -> None:
    site_server.set_route(ARTICLE, file=f"pages/{ARTICLE.rsplit('/', 1)[1]}.html", statuses=[503, 503, 200])
    fetcher, waits = make_fetcher(site_server.url(LISTING))
    page = fetch(fetcher, site_server.url(ARTICLE))
    assert page.status == 200
    assert site_server.hits(ARTICLE) == 3
    assert [(a.status, a.error) for a in fetcher.attempts if a.kind == "page"] == [
        (503, "http_503"),
        (503, "http_503"),
        (200, None),
    ]
    assert len(waits) >= 2  # backoff before each retry
    gate = fetcher.politeness.gates[site_server.base_url.split("//")[1]]
    assert gate.delays == [0, 0.5, 1.0, 0.5]  # the host slowed by each 503, and less slow after the 200


def test_retry_after_is_honoured(site_server: FaultServer) -> None:
    site_server.set_route(
        ARTICLE,
        file=f"pages/{ARTICLE.rsplit('/', 1)[1]}.html",
        statuses=[429, 200],
        headers={"Retry-After": "7"},
    )
    fetcher, waits = make_fetcher(site_server.url(LISTING))
    fetch(fetcher, site_server.url(ARTICLE))
    assert waits and waits[0] >= 7


def test_a_long_retry_after_defers_the_url_to_the_next_run(site_server: FaultServer) -> None:
    site_server.set_route(ARTICLE, status=503, headers={"Retry-After": "3600"})
    fetcher, waits = make_fetcher(site_server.url(LISTING))
    assert fetch_error(fetcher, site_server.url(ARTICLE)).reason == "deferred_retry_after"
    assert site_server.hits(ARTICLE) == 1 and waits == []


def test_persistent_5xx_gives_up_after_the_configured_attempts(site_server: FaultServer) -> None:
    site_server.set_route(ARTICLE, status=502)
    fetcher, _ = make_fetcher(site_server.url(LISTING), retries=2)
    assert fetch_error(fetcher, site_server.url(ARTICLE)).reason == "http_502"
    assert site_server.hits(ARTICLE) == 3


def test_404_is_final_after_one_request(site_server: FaultServer) -> None:
    fetcher, waits = make_fetcher(site_server.url(LISTING))
    error = fetch_error(fetcher, site_server.url(MISSING_ARTICLE))
    assert (error.reason, error.status) == ("http_404", 404)
    assert site_server.hits(MISSING_ARTICLE) == 1 and waits == []


def test_robots_disallowed_paths_are_never_requested(site_server: FaultServer) -> None:
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    assert fetch_error(fetcher, site_server.url("/tim-kiem?q=an+ninh")).reason == "robots_disallowed"
    assert site_server.hits("/tim-kiem?q=an+ninh") == 0


def test_robots_5xx_means_disallow_all_for_the_run(site_server: FaultServer) -> None:
    site_server.set_route("/robots.txt", status=500)
    fetcher, _ = make_fetcher(site_server.url(LISTING), retries=0)
    assert fetch_error(fetcher, site_server.url(ARTICLE)).reason == "robots_unreachable"
    assert site_server.hits(ARTICLE) == 0


def test_robots_404_allows_everything(site_server: FaultServer) -> None:
    site_server.set_route("/robots.txt", status=404)
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    assert fetch(fetcher, site_server.url(ARTICLE)).status == 200


def test_redirects_are_followed_within_the_site(site_server: FaultServer) -> None:
    site_server.set_route("/old-link", redirect=ARTICLE)
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    page = fetch(fetcher, site_server.url("/old-link"))
    assert page.final_url == site_server.url(ARTICLE)


def test_a_redirect_to_another_host_is_refused(site_server: FaultServer) -> None:
    site_server.set_route("/away", redirect="http://127.0.0.2:9/chi-tiet-tin/-/view-article/1/2/3")
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    assert fetch_error(fetcher, site_server.url("/away")).reason == "redirect_out_of_scope"


def test_a_redirect_loop_stops_at_our_limit(site_server: FaultServer) -> None:
    site_server.set_route("/loop", redirect="/loop")
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    assert fetch_error(fetcher, site_server.url("/loop")).reason == "redirect_limit"
    assert site_server.hits("/loop") == 6


def test_a_body_over_the_cap_is_refused(site_server: FaultServer) -> None:
    fetcher, _ = make_fetcher(site_server.url(LISTING), max_bytes=2000)
    assert fetch_error(fetcher, site_server.url(ARTICLE)).reason.startswith("too_large")


def test_a_gzip_bomb_stops_at_the_decoded_cap(site_server: FaultServer, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.gz"
    bomb.write_bytes(gzip.compress(b"<html>" + b"\0" * (50 * 1024 * 1024), compresslevel=9))
    site_server.set_route("/bomb", file=str(bomb), raw=True, headers={"Content-Encoding": "gzip"})
    fetcher, _ = make_fetcher(site_server.url(LISTING), max_bytes=1024 * 1024)
    assert fetch_error(fetcher, site_server.url("/bomb")).reason == "too_large_decoded"


def test_attachments_are_not_treated_as_pages(site_server: FaultServer, tmp_path: Path) -> None:
    pdf = tmp_path / "kh.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    site_server.set_route("/documents/1/0/kh.pdf", file=str(pdf), type="application/pdf")
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    error = fetch_error(fetcher, site_server.url("/documents/1/0/kh.pdf"))
    assert (error.reason, error.detail) == ("non_html", "application/pdf")


def test_a_slow_drip_body_hits_the_total_deadline(site_server: FaultServer, tmp_path: Path) -> None:
    # httpx's read timeout is idle time only: a byte every 0.2 s never trips it (reliability.md P1).
    drip = tmp_path / "drip.html"
    drip.write_bytes(b"<html><body>" + b"x" * 40 + b"</body></html>")
    site_server.set_route("/drip", file=str(drip), raw=True, drip=0.2)
    fetcher, _ = make_fetcher(site_server.url(LISTING), timeout=1, retries=0)
    started = time.monotonic()
    assert fetch_error(fetcher, site_server.url("/drip")).reason == "timeout_total"
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    ("value", "seconds"), [("120", 120.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None)]
)
def test_parse_retry_after(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_a_redirect_to_a_file_url_is_refused(site_server: FaultServer) -> None:
    site_server.set_route("/evil", redirect="file:///etc/passwd")
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    assert fetch_error(fetcher, site_server.url("/evil")).reason == "redirect_out_of_scope"


def test_a_lying_charset_header_does_not_garble_vietnamese(site_server: FaultServer) -> None:
    site_server.set_route(ARTICLE, file="pages/1661778300000.html", type="text/html; charset=iso-8859-1")
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    page = fetch(fetcher, site_server.url(ARTICLE))
    assert "UBND Phường 1" in page.text and page.encoding == "utf-8"


def test_requests_to_one_host_are_spaced_by_the_delay_and_never_overlap(site_server: FaultServer) -> None:
    fetcher, _ = make_fetcher(site_server.url(LISTING), delay=0.2)
    fetcher.sleep = asyncio.sleep  # real waiting: the server's clock is the judge

    async def go() -> None:
        async with fetcher:
            paths = [LISTING, LISTING + "?start=6", LISTING + "?start=12", ARTICLE]
            await asyncio.gather(*(fetcher.fetch(site_server.url(p)) for p in paths))

    asyncio.run(go())
    arrivals = [t for t, path, _ in site_server.requests if path != "/robots.txt"]
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    assert len(arrivals) == 4 and min(gaps) >= 0.19


def test_robots_crawl_delay_is_honoured(site_server: FaultServer, tmp_path: Path) -> None:
    robots = tmp_path / "robots.txt"
    robots.write_text("User-agent: *\nCrawl-delay: 0.3\n")
    site_server.set_route("/robots.txt", file=str(robots), type="text/plain")
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    fetcher.sleep = asyncio.sleep

    async def go() -> None:
        async with fetcher:
            for path in (LISTING, ARTICLE):
                await fetcher.fetch(site_server.url(path))

    asyncio.run(go())
    arrivals = [t for t, path, _ in site_server.requests]
    assert arrivals[2] - arrivals[1] >= 0.29


def test_a_host_asking_for_an_excessive_crawl_delay_is_skipped_this_run(
    site_server: FaultServer, tmp_path: Path
) -> None:
    robots = tmp_path / "robots.txt"
    robots.write_text("User-agent: *\nCrawl-delay: 3600\n")
    site_server.set_route("/robots.txt", file=str(robots), type="text/plain")
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    assert fetch_error(fetcher, site_server.url(ARTICLE)).reason == "robots_crawl_delay_too_long"
    assert site_server.hits(ARTICLE) == 0


def page_with_links(server: FaultServer, links: str, path: str = LISTING) -> Page:
    html = f"<html><head>{links}</head><body>{links}</body></html>"
    return Page(
        server.url(path), server.url(path), 200, (), html.encode(), html, "utf-8", "2026-11-29T00:00:00Z", 1
    )


def test_crawl_traps_are_not_followed(site_server: FaultServer) -> None:
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    traps = [
        "/a/a/a/chi-tiet-tin/-/view-article/1/2/3",
        "/" + "/".join(f"s{i}" for i in range(25)) + "/chi-tiet-tin/-/view-article/1/2/4",
        "/chi-tiet-tin/-/view-article/1/2/5?" + "&".join(f"p{i}=1" for i in range(10)),
        "/lich-cong-tac?ngay=2026-11-30",
        "/chi-tiet-tin/-/view-article/1/2/6?x=" + "y" * 2100,
    ]
    good = "/chi-tiet-tin/-/view-article/1/2/7"
    page = page_with_links(site_server, "".join(f'<a href="{t}">x</a>' for t in [*traps, good]))
    links = discover_links(page, fetcher.site, fetcher.hosts)
    assert links.articles == (site_server.url(good),)


def test_pager_links_by_text_and_rel_next_are_followed(site_server: FaultServer) -> None:
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    anchors = (
        '<a href="/tin-tuc/trang-2.html">Trang sau</a><a href="/tin-tuc/trang-3.html">»</a>'
        '<link rel="next" href="/tin-tuc/trang-4.html"><a href="/lien-he">Liên hệ</a>'
    )
    links = discover_links(
        page_with_links(site_server, anchors, "/tin-tuc/trang-1.html"), fetcher.site, fetcher.hosts
    )
    assert set(links.listings) == {site_server.url(f"/tin-tuc/trang-{n}.html") for n in (2, 3, 4)}


def test_feeds_are_announced_by_link_rel_alternate(site_server: FaultServer) -> None:
    fetcher, _ = make_fetcher(site_server.url(LISTING))
    page = page_with_links(
        site_server, '<link rel="alternate" type="application/rss+xml" href="/rss/tin-tuc.rss">'
    )
    assert discover_links(page, fetcher.site, fetcher.hosts).feeds == (site_server.url("/rss/tin-tuc.rss"),)


@pytest.mark.parametrize(
    ("document", "pages", "nested"),
    [
        (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://a/x </loc></url></urlset>',
            ["https://a/x"],
            [],
        ),
        (
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://a/s1.xml</loc>'
            "</sitemap></sitemapindex>",
            [],
            ["https://a/s1.xml"],
        ),
        (
            "<rss><channel><link>https://a/</link><item><link>https://a/y</link></item></channel></rss>",
            ["https://a/", "https://a/y"],
            [],
        ),
        (
            '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://a/z"/></entry></feed>',
            ["https://a/z"],
            [],
        ),
        ("<not xml", [], []),
    ],
    ids=["sitemap", "sitemap-index", "rss", "atom", "broken"],
)
def test_feed_links(document: str, pages: list[str], nested: list[str]) -> None:
    assert feed_links(document.encode()) == (pages, nested)


def tls_server(tmp_path: Path, send_chain: bool) -> tuple[object, Path, Path]:
    """An HTTPS fixture server whose certificate comes from a private CA through an intermediate."""
    trustme = pytest.importorskip("trustme")
    root = trustme.CA()
    intermediate = root.create_child_ca()
    leaf = intermediate.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    if send_chain:
        leaf.configure_cert(context)
    else:  # the misconfiguration common on .gov.vn portals: the leaf alone (reliability.md P9)
        leaf.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
        leaf.cert_chain_pems[0].write_to_path(str(tmp_path / "leaf.pem"))
        context.load_cert_chain(str(tmp_path / "leaf.pem"), str(tmp_path / "key.pem"))
    root.cert_pem.write_to_path(str(tmp_path / "root.pem"))
    (tmp_path / "root+intermediate.pem").write_bytes(root.cert_pem.bytes() + intermediate.cert_pem.bytes())
    return context, tmp_path / "root.pem", tmp_path / "root+intermediate.pem"


def tls_fetch(server: FaultServer, ca_bundle: Path | None) -> Fetcher:
    site = Site(
        name="tls",
        start_urls=(server.url(LISTING),),
        ca_bundle=str(ca_bundle) if ca_bundle else None,
        allow_private=True,
    )
    return Fetcher(site, CrawlSettings(delay=0, timeout=5))


def test_an_unknown_certificate_authority_fails_once_without_retries(tmp_path: Path) -> None:
    context, _, _ = tls_server(tmp_path, send_chain=True)
    with serve_site(SITE_ROOT, tls=context) as server:  # type: ignore[arg-type]
        error = fetch_error(tls_fetch(server, None), server.url(ARTICLE))
        assert error.reason == "robots_unreachable"  # robots.txt itself could not be verified
        assert len(server.requests) == 0


def test_ca_bundle_trusts_a_private_ca(tmp_path: Path) -> None:
    context, root_pem, _ = tls_server(tmp_path, send_chain=True)
    with serve_site(SITE_ROOT, tls=context) as server:  # type: ignore[arg-type]
        assert fetch(tls_fetch(server, root_pem), server.url(ARTICLE)).status == 200


def test_ca_bundle_supplies_a_missing_intermediate(tmp_path: Path) -> None:
    context, root_pem, chain_pem = tls_server(tmp_path, send_chain=False)
    with serve_site(SITE_ROOT, tls=context) as server:  # type: ignore[arg-type]
        fetcher = tls_fetch(server, root_pem)
        assert fetch_error(fetcher, server.url(ARTICLE)).reason == "robots_unreachable"
        # robots.txt's request recorded and not retried; the page itself refused without a request
        assert [(a.kind, a.error) for a in fetcher.attempts] == [
            ("robots", "tls_verify_failed"),
            ("page", "robots_unreachable"),
        ]
        assert fetch(tls_fetch(server, chain_pem), server.url(ARTICLE)).status == 200


@pytest.mark.parametrize("fault", ["expired", "wrong-host"])
def test_an_expired_or_misnamed_certificate_fails_even_with_the_right_ca(tmp_path: Path, fault: str) -> None:
    import datetime as dt

    trustme = pytest.importorskip("trustme")
    root = trustme.CA()
    if fault == "expired":
        now = dt.datetime.now(dt.UTC)
        leaf = root.issue_cert(
            "127.0.0.1", not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1)
        )
    else:
        leaf = root.issue_cert("portal.example.gov.vn")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(context)
    root.cert_pem.write_to_path(str(tmp_path / "root.pem"))
    with serve_site(SITE_ROOT, tls=context) as server:
        fetcher = tls_fetch(server, tmp_path / "root.pem")
        assert fetch_error(fetcher, server.url(ARTICLE)).reason == "robots_unreachable"
        assert [a.error for a in fetcher.attempts] == ["tls_verify_failed", "robots_unreachable"]
