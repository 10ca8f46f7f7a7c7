"""Network faults (reliability.md §3 N): each against a real socket on 127.0.0.1, never a mock.

Promise: a transient fault is retried with backoff and recorded attempt by attempt; a permanent one is recorded
once; nothing partial is ever returned as a page. The slow-drip body (N4) is in test_crawler.py.
"""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

import tests.rawserver as raw
from scraper.crawler import Fetcher
from scraper.errors import FetchError
from scraper.models import Page
from tests.conftest import make_fetcher, outcome
from tests.faultsrv import FaultServer
from tests.rawserver import OK_PAGE, hang, raw_server, reset, response

ARTICLE = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


def page_attempts(fetcher: Fetcher) -> list[tuple[int | None, str | None]]:
    return [(a.status, a.error) for a in fetcher.attempts if a.kind != "robots"]


def test_n1_connection_refused_is_retried_then_recorded() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    fetcher = make_fetcher(f"http://127.0.0.1:{port}", retries=2)[0]
    result = outcome(fetcher, f"http://127.0.0.1:{port}{ARTICLE}")
    assert isinstance(result, FetchError) and result.reason == "robots_unreachable"
    robots = [a.error for a in fetcher.attempts if a.kind == "robots"]
    assert robots == ["connect_failed"]


def test_n2_a_full_accept_queue_times_out_at_connect() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):  # fill the backlog: further SYNs are dropped
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    fetcher = make_fetcher(f"http://127.0.0.1:{port}", timeout=1, retries=0)[0]
    started = time.monotonic()
    result = outcome(fetcher, f"http://127.0.0.1:{port}{ARTICLE}")
    elapsed = time.monotonic() - started
    for sock in [*fillers, listener]:
        sock.close()
    assert isinstance(result, FetchError)
    assert any("Timeout" in (a.error or "") or a.error == "timeout_total" for a in fetcher.attempts)
    assert elapsed < 3


@pytest.mark.parametrize("after_headers", [False, True], ids=["never-answers", "hangs-after-headers"])
def test_n3_a_server_that_stops_answering_hits_the_deadline(after_headers: bool) -> None:
    def script(conn: socket.socket, n: int) -> None:
        if after_headers:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n<html>")
        hang(conn, 3)

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url, timeout=0.5, retries=1)[0]
        result = outcome(fetcher, server.url + ARTICLE)
    assert isinstance(result, FetchError)
    assert [error for _, error in page_attempts(fetcher)] == ["timeout_total", "timeout_total"]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (lambda conn: reset(conn), {"read_error"}),
        (lambda conn: (conn.sendall(response(OK_PAGE)[:60]), reset(conn)), {"read_error", "protocol_error"}),
        (lambda conn: conn.close(), {"protocol_error"}),
    ],
    ids=["reset-before-response", "reset-mid-body", "closed-without-response"],
)
def test_n5_dropped_connections_are_retried_and_the_retry_succeeds(fault, expected: set[str]) -> None:
    def script(conn: socket.socket, n: int) -> None:
        if n == 1:
            fault(conn)
        else:
            conn.sendall(response(OK_PAGE))

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url)[0]
        result = outcome(fetcher, server.url + ARTICLE)
    assert isinstance(result, Page) and result.body == OK_PAGE
    first, second = page_attempts(fetcher)
    assert first[1] in expected and second == (200, None)


def test_n5_a_stale_keep_alive_connection_is_retried() -> None:
    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(response(OK_PAGE))  # keep-alive, then the server drops the idle connection
        conn.close()

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url)[0]

        async def twice() -> list[Page]:
            async with fetcher:
                first = await fetcher.fetch(server.url + ARTICLE)
                await asyncio.sleep(0.1)
                return [first, await fetcher.fetch(server.url + ARTICLE)]

        pages = asyncio.run(twice())
    assert [p.status for p in pages] == [200, 200]


@pytest.mark.parametrize(
    "truncated",
    [
        response(OK_PAGE)[: len(response(OK_PAGE)) - 40],
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<html\r\n",
    ],
    ids=["content-length-lies", "chunked-without-final-chunk"],
)
def test_n6_a_truncated_body_is_never_returned(truncated: bytes) -> None:
    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(truncated)
        conn.close()

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url, retries=1)[0]
        result = outcome(fetcher, server.url + ARTICLE)
    assert isinstance(result, FetchError)
    assert page_attempts(fetcher) == [(None, "truncated"), (None, "truncated")]


def test_n7_retry_after_as_an_http_date_is_honoured(site_server: FaultServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    site_server.set_route(
        ARTICLE, file="pages/1661778300000.html", statuses=[503, 200], headers={"Retry-After": when}
    )
    fetcher, waits = make_fetcher(site_server.base_url)
    assert isinstance(outcome(fetcher, site_server.url(ARTICLE)), Page)
    assert max(waits) >= 28


def test_n8_a_persistent_503_is_tried_exactly_max_attempts(site_server: FaultServer) -> None:
    site_server.set_route(ARTICLE, status=503)
    fetcher = make_fetcher(site_server.base_url, retries=3)[0]
    result = outcome(fetcher, site_server.url(ARTICLE))
    assert isinstance(result, FetchError) and result.reason == "http_503"
    assert site_server.hits(ARTICLE) == 4


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_n9_client_errors_are_asked_once(site_server: FaultServer, status: int) -> None:
    site_server.set_route(ARTICLE, status=status)
    fetcher = make_fetcher(site_server.base_url)[0]
    result = outcome(fetcher, site_server.url(ARTICLE))
    assert isinstance(result, FetchError) and result.reason == f"http_{status}"
    assert site_server.hits(ARTICLE) == 1


def test_n10_a_long_redirect_chain_stops_at_five_hops(site_server: FaultServer) -> None:
    for n in range(10):
        site_server.set_route(f"/chain/{n}", redirect=f"/chain/{n + 1}")
    fetcher = make_fetcher(site_server.base_url)[0]
    result = outcome(fetcher, site_server.url("/chain/0"))
    assert isinstance(result, FetchError) and result.reason == "redirect_limit"
    assert sum(site_server.hits(f"/chain/{n}") for n in range(10)) == 6


def test_n11_never_more_than_one_request_in_flight_per_host(site_server: FaultServer) -> None:
    in_flight, peak = 0, 0

    def script(conn: socket.socket, n: int) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        time.sleep(0.05)
        in_flight -= 1
        conn.sendall(response(OK_PAGE))

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url)[0]

        async def many() -> None:
            async with fetcher:
                await asyncio.gather(*(fetcher.fetch(f"{server.url}/p{i}") for i in range(8)))

        asyncio.run(many())
    assert server.requests == 8 and peak == 1


def test_x9_a_robots_txt_that_never_answers_means_no_crawl_this_run() -> None:
    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(response(OK_PAGE))

    with raw_server(script) as server:
        fetcher = make_fetcher(server.url, timeout=0.5, retries=0)[0]

        original, raw.ROBOTS = raw.ROBOTS, b""  # the robots.txt request gets no answer at all
        try:
            result = outcome(fetcher, server.url + ARTICLE)
        finally:
            raw.ROBOTS = original
    assert isinstance(result, FetchError) and result.reason == "robots_unreachable" and server.requests == 0


def test_x9_robots_txt_is_read_through_redirects_and_only_its_first_500_kib(
    site_server: FaultServer, tmp_path: Path
) -> None:
    huge = tmp_path / "robots.txt"
    huge.write_text("User-agent: *\nDisallow: /tim-kiem\n" + "# padding\n" * 60_000 + "Disallow: /\n")
    site_server.set_route("/robots.txt", redirect="/r1")
    site_server.set_route("/r1", redirect="/r2")
    site_server.set_route("/r2", file=str(huge), type="text/plain")
    fetcher = make_fetcher(site_server.base_url)[0]
    assert isinstance(outcome(fetcher, site_server.url(ARTICLE)), Page)  # "Disallow: /" lies past 500 KiB
    fetcher = make_fetcher(site_server.base_url)[0]
    result = outcome(fetcher, site_server.url("/tim-kiem?q=x"))
    assert isinstance(result, FetchError) and result.reason == "robots_disallowed"


def test_n1_a_name_that_does_not_resolve_is_retried_then_recorded() -> None:
    # The resolver is swapped (a real lookup of a .invalid name would leave this machine); the rest is real.
    async def no_such_name(host: str) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    fetcher = make_fetcher("http://portal.invalid", retries=2)[0]
    fetcher.resolve = no_such_name
    result = outcome(fetcher, "http://portal.invalid" + ARTICLE)
    assert isinstance(result, FetchError) and result.reason == "dns_failed"  # not "robots_unreachable"
    assert str(result) == f"dns_failed: http://portal.invalid{ARTICLE} (the host name did not resolve)"
    # robots.txt's request, then the page's own row (refused without a second lookup)
    assert [(a.kind, a.error) for a in fetcher.attempts] == [("robots", "dns_failed"), ("page", "dns_failed")]
