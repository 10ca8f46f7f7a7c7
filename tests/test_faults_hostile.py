"""Hostile answers (issue 11): whatever a server sends, a fetch ends in a Page or a typed FetchError.

Each case once ended the whole run with a traceback; each runs against a raw socket on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tests.rawserver as raw
from scraper.crawler import MAX_HOST_DELAY, Fetcher, Politeness, parse_retry_after
from scraper.discovery import MAX_LINKS, discover_links
from scraper.errors import FetchError, Reason
from scraper.models import CrawlSettings, Page, Site
from tests.conftest import LISTING, SITE, make_fetcher, outcome, write_config
from tests.faultsrv import FaultServer
from tests.rawserver import OK_PAGE, raw_server, response
from tests.test_cli import crawl, rows

ARTICLE = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


def page_errors(fetcher: Fetcher) -> list[str | None]:
    return [a.error for a in fetcher.attempts if a.kind != "robots"]


@pytest.mark.parametrize(
    "retry_after",
    ["Sun, 06 Nov 1994 08:49:37 -0000", "²", "٣", "1e9", "-5", "9" * 5000, "Mon, 99 Foo 2026 99:99:99 GMT"],
    ids=[
        "date-naive-zone",
        "superscript-two",
        "arabic-digit",
        "exponent",
        "negative",
        "5000-digits",
        "bad-date",
    ],
)
def test_any_retry_after_is_a_wait_or_ignored_never_a_crash(retry_after: str) -> None:
    def script(conn: socket.socket, n: int) -> None:
        head = f"Retry-After: {retry_after}\r\n"
        conn.sendall(response(b"", head, "503 Service Unavailable") if n == 1 else response(OK_PAGE))

    with raw_server(script) as server:
        fetcher, waits = make_fetcher(server.url)
        result = outcome(fetcher, server.url + ARTICLE)
    if retry_after == "9" * 5000:  # a day or more: left for the next run
        assert isinstance(result, FetchError) and result.reason == "deferred_retry_after"
    else:
        assert isinstance(result, Page) and page_errors(fetcher) == ["http_503", None]
        assert all(0 <= w <= MAX_HOST_DELAY for w in waits)


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(st.text(max_size=40), st.from_regex(r"[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{1,5} .{0,20}"))
)
def test_parse_retry_after_gives_a_clamped_wait_or_none_for_any_text(value: str) -> None:
    seconds = parse_retry_after(value)
    assert seconds is None or 0.0 <= seconds <= 86_400.0


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://127.0.0.1:99999/x", "redirect_invalid"),
        ("javascript:alert(1)", "redirect_out_of_scope"),
        ("http:\\\\127.0.0.1\\x", "redirect_invalid"),
        ("", "redirect_invalid"),
        ("http://[::1/x", "redirect_invalid"),
        ("http://%%%/", "redirect_invalid"),
        ("http://a b/", "redirect_invalid"),
        ("//:0", "redirect_invalid"),
        ("https://other.example/x", "redirect_out_of_scope"),
    ],
    ids=[
        "port-99999",
        "javascript",
        "backslashes",
        "empty",
        "broken-ipv6",
        "percents",
        "space",
        "port-0",
        "away",
    ],
)
def test_a_hostile_redirect_is_a_typed_error(location: str, reason: str) -> None:
    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(response(b"", f"Location: {location}\r\n", "302 Found"))

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url)[0]
        result = outcome(fetcher, server.url + ARTICLE)
    assert isinstance(result, FetchError) and result.reason == reason
    assert server.requests == 1  # nothing followed


def test_politeness_slows_down_on_503_and_429_and_comes_back_to_the_configured_delay() -> None:
    statuses = iter(["503 Service Unavailable", "503 Service Unavailable", "429 Too Many Requests"])

    def script(conn: socket.socket, n: int) -> None:
        status = next(statuses, "200 OK")
        conn.sendall(response(OK_PAGE if status == "200 OK" else b"", "Retry-After: 1\r\n", status))

    with raw_server(script) as server:
        fetcher, waits = make_fetcher(server.url, delay=0.5, retries=3)

        async def pages() -> list[Page]:
            async with fetcher:
                return [await fetcher.fetch(f"{server.url}/p{i}") for i in range(5)]

        assert len(asyncio.run(pages())) == 5
    gate = fetcher.politeness.gates[server.url.split("//")[1]]
    # doubled by each refusal (at least 1 s), then halved by each success, down to the configured 0.5 s
    assert gate.delays == [0.5, 1.0, 2.0, 4.0, 2.0, 1.0, 0.5]
    assert min(gate.delays) == 0.5 and max(gate.delays) <= MAX_HOST_DELAY
    assert any(w >= 1.0 for w in waits)  # the Retry-After of the URL that got the 429 was honoured


def test_politeness_slows_down_while_answers_get_slower_and_recovers() -> None:
    slow = {2, 5, 6, 7}  # one slow page alone, then the server struggles for a while

    def script(conn: socket.socket, n: int) -> None:
        if n in slow:
            time.sleep(1.0)
        conn.sendall(response(OK_PAGE))

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url, delay=0.1)[0]
        gate_delays = []

        async def pages() -> None:
            async with fetcher:
                for i in range(10):
                    await fetcher.fetch(f"{server.url}/p{i}")
                    gate_delays.append(fetcher.politeness.gates[server.url.split("//")[1]].delay)

        asyncio.run(pages())
    assert gate_delays[1:4] == [0.1, 0.1, 0.1]  # one slow page changes nothing
    assert max(gate_delays) >= 0.5  # several: requests are spaced by the time answers take
    assert gate_delays[-1] == 0.1  # and back once answers are quick again


def test_a_206_partial_body_is_not_a_page() -> None:
    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(response(OK_PAGE[:50], "Content-Range: bytes 0-49/400\r\n", "206 Partial Content"))

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url)[0]
        result = outcome(fetcher, server.url + ARTICLE)
    assert isinstance(result, FetchError) and result.reason == Reason.PARTIAL_CONTENT.value


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib-deflate", "raw-deflate"])
def test_a_deflate_body_is_read_as_browsers_read_it(wbits: int) -> None:
    packer = zlib.compressobj(wbits=wbits)
    body = packer.compress(OK_PAGE) + packer.flush()

    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(response(body, "Content-Encoding: deflate\r\n"))

    with raw_server(script) as server:
        result = outcome(make_fetcher(server.url)[0], server.url + ARTICLE)
    assert isinstance(result, Page) and result.body == OK_PAGE


def test_a_robots_txt_over_the_size_cap_is_read_up_to_500_kib_not_a_blocked_host() -> None:
    robots = b"User-agent: *\nDisallow: /private\n" + b"# padding\n" * 200_000  # 2 MB

    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(response(OK_PAGE))

    with raw_server(script) as server:
        original, raw.ROBOTS = raw.ROBOTS, response(robots, "Content-Type: text/plain\r\n")
        try:
            fetcher = make_fetcher(server.url, max_bytes=1024 * 1024)[0]
            allowed = outcome(fetcher, server.url + ARTICLE)
            fetcher = make_fetcher(server.url, max_bytes=1024 * 1024)[0]
            private = outcome(fetcher, server.url + "/private/x")
        finally:
            raw.ROBOTS = original
    assert isinstance(allowed, Page)
    assert isinstance(private, FetchError) and private.reason == "robots_disallowed"


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]"])
def test_a_start_url_on_a_loopback_ip_literal_needs_allow_private(host: str) -> None:
    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(response(OK_PAGE))

    with raw_server(script) as server:
        url = server.url.replace("127.0.0.1", host) + ARTICLE
        fetcher = Fetcher(Site(name="s", start_urls=(url,)), CrawlSettings(delay=0, timeout=2, retries=0))
        result = outcome(fetcher, url)
        assert server.connections == 0
    assert isinstance(result, FetchError) and result.reason == "blocked_ssrf"
    # robots.txt was not asked either: its row and the page's are refusals, without a request
    assert [(a.error, a.elapsed_ms, a.bytes) for a in fetcher.attempts] == [("blocked_ssrf", 0, 0)] * 2


@pytest.mark.parametrize(
    "host", ["10.1.2.3", "192.168.1.1", "169.254.169.254", "[fd00::1]", "[::ffff:10.0.0.1]"]
)
def test_a_private_ip_literal_is_refused_before_any_request_is_built(host: str) -> None:
    # Only loopback may be contacted from tests: this checks the refusal without sending (the request is not sent).
    url = f"http://{host}{ARTICLE}"
    fetcher = Fetcher(Site(name="s", start_urls=(url,)), CrawlSettings(delay=0, timeout=2, retries=0))
    with pytest.raises(FetchError) as refused:
        asyncio.run(fetcher._pinned_request(url, {}))
    assert refused.value.reason == "blocked_ssrf"


def test_malformed_links_sitemaps_and_locs_are_skipped_and_the_crawl_goes_on(
    tmp_path: Path, site_server: FaultServer
) -> None:
    port = site_server.base_url.rsplit(":", 1)[1]
    robots = tmp_path / "robots.txt"
    robots.write_text(
        f"User-agent: *\nDisallow: /tim-kiem\nSitemap: http://127.0.0.1:99999/sitemap.xml\n"
        f"Sitemap: http://[::1/sitemap.xml\nSitemap: http://127.0.0.1:{port}/sitemap.xml\n"
    )
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>http://127.0.0.1:99999/chi-tiet-tin/-/view-article/1/2/3</loc></url>"
        "<url><loc>http://[::1/chi-tiet-tin/-/view-article/1/2/4</loc></url></urlset>"
    )
    site_server.set_route("/robots.txt", file=str(robots), type="text/plain")
    site_server.set_route("/sitemap.xml", file=str(sitemap), type="application/xml")
    listing = (SITE / "listing-1.html").read_text(encoding="utf-8")
    hostile = (
        '<a href="http://[::1">a</a><a href="http://127.0.0.1:99999/x">b</a><a href="http://a\x01b/">c</a>'
    )
    (tmp_path / "listing.html").write_text(listing.replace("<body", hostile + "<body", 1), encoding="utf-8")
    site_server.set_route(LISTING, file=str(tmp_path / "listing.html"))
    db = crawl(write_config(tmp_path, site_server))
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 14
    assert rows(db, "SELECT status FROM runs") == [("ok",)]
    assert site_server.hits("/sitemap.xml") == 1


def test_a_listing_of_thousands_of_links_keeps_a_bounded_number_and_still_finds_its_pager() -> None:
    base = "http://a.gov.vn/tin"
    anchors = (
        "".join(f'<a href="/a/{i}">{i}</a>' for i in range(5_000)) + '<a href="/tin?page=2">Trang sau</a>'
    )
    page = Page(base, base, 200, (), b"", f"<html><body>{anchors}</body></html>", "utf-8", "", 0)
    links = discover_links(page, Site(name="a", start_urls=(base,), article_pattern=r"/a/\d+$"), ["a.gov.vn"])
    assert len(links.articles) == MAX_LINKS and links.articles[0] == "http://a.gov.vn/a/0"
    assert links.listings == ("http://a.gov.vn/tin?page=2",)


@pytest.mark.parametrize(
    "answer",
    [
        # "Connection: close": the retry must not race the server's close on a reused connection (a read_error
        # instead of the truncation under test, one run in ten).
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: 60\r\n\r\n"
        + OK_PAGE,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: 60\r\n\r\n" + gzip.compress(OK_PAGE * 20),
    ],
    ids=["plain", "gzip"],
)
def test_a_body_longer_than_its_content_length_is_truncated_not_a_page_missing_its_end(answer: bytes) -> None:
    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(answer)
        conn.close()

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url, retries=1)[0]
        result = outcome(fetcher, server.url + ARTICLE)
    assert isinstance(result, FetchError) and result.reason == "truncated"
    assert page_errors(fetcher) == ["truncated", "truncated"]


def test_bytes_after_a_whole_page_do_not_refuse_it() -> None:
    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(response(OK_PAGE) + b"<!-- debug output past the page -->")
        conn.close()

    with raw_server(script) as server:
        result = outcome(make_fetcher(server.url)[0], server.url + ARTICLE)
    assert isinstance(result, Page) and result.body == OK_PAGE


@settings(max_examples=200, deadline=None)
@given(
    floor=st.floats(min_value=0, max_value=70),
    events=st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=120)), max_size=40),
)
def test_a_host_delay_stays_between_the_floor_and_the_cap_and_comes_back(
    floor: float, events: list[float | None]
) -> None:
    gate = Politeness().gate("a.gov.vn", floor)
    for event in events:  # None: a 429/503; a number: a page answered in that many seconds
        if event is None:
            gate.throttled("http_503")
        else:
            gate.answered(event)
        assert min(floor, MAX_HOST_DELAY) <= gate.delay <= MAX_HOST_DELAY
    for _ in range(40):
        gate.answered(0.01)
    assert gate.delay == min(floor, MAX_HOST_DELAY)
