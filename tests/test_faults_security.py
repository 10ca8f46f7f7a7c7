"""Security (reliability.md §3 X): nothing outside the site's hosts is ever contacted, nothing scraped runs.

Promise: only allow-listed hosts are fetched, by any route; scraped text is stored through parameterised SQL
only; no file is ever named after a URL.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
from pathlib import Path

import pytest

from tests.conftest import LISTING, SITE, make_fetcher, outcome, write_config
from tests.faultsrv import FaultServer
from tests.rawserver import OK_PAGE, raw_server, response
from tests.test_cli import crawl, rows

SEED = "/chi-tiet-tin/-/view-article/1/1651191623178/1661778300000"


@pytest.fixture
def canary():
    """A server that must never be contacted: it counts connections."""

    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(response(OK_PAGE))

    with raw_server(script) as server:
        yield server


def listing_with_links(server: FaultServer, tmp_path: Path, links: list[str]) -> None:
    html = (SITE / "listing-1.html").read_text(encoding="utf-8")
    anchors = "".join(f'<div><a href="{link}">Tin {i}</a></div>' for i, link in enumerate(links))
    page = tmp_path / "listing.html"
    page.write_text(
        html.replace("<h2>Thông tin tuyên truyền</h2>", "<h2>Thông tin tuyên truyền</h2>" + anchors),
        encoding="utf-8",
    )
    server.set_route(LISTING, file=str(page))


def test_x1_links_and_redirects_to_internal_addresses_are_never_followed(
    config_file: Path, site_server: FaultServer, tmp_path: Path, canary
) -> None:
    port, article = canary.port, "/chi-tiet-tin/-/view-article/1/2/3"
    spellings = [
        "127.0.0.1",
        "2130706433",
        "0x7f.1",
        "127.1",
        "017700000001",
        "[::ffff:127.0.0.1]",
        "localhost",
    ]
    links = [f"http://{host}:{port}{article}" for host in spellings]
    listing_with_links(site_server, tmp_path, [*links, "/chi-tiet-tin/-/view-article/1/2/99"])
    site_server.set_route(
        "/chi-tiet-tin/-/view-article/1/2/99", redirect=f"http://127.0.0.1:{port}{article}", status=302
    )
    db = crawl(config_file)
    assert canary.connections == 0
    assert rows(db, "SELECT error FROM fetches WHERE url LIKE '%/1/2/99'") == [("redirect_out_of_scope",)]


def test_x1_a_host_name_that_resolves_inward_is_blocked(tmp_path: Path, site_server: FaultServer) -> None:
    # A portal configured by name whose DNS answers with a loopback address: refused before connecting.
    config = write_config(tmp_path, site_server, allow_private=False)
    config.write_text(config.read_text().replace("http://127.0.0.1:", "http://localhost:"))
    db = crawl(config)
    assert len(site_server.requests) == 0
    assert {r[0] for r in rows(db, "SELECT error FROM fetches")} == {"blocked_ssrf"}


def test_x1_a_host_refused_as_private_names_the_setting_that_allows_it(
    tmp_path: Path, site_server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = write_config(tmp_path, site_server, allow_private=False)
    config.write_text(config.read_text().replace("http://127.0.0.1:", "http://localhost:"))
    crawl(config)
    assert "resolves to a private address" in caplog.text and "allow_private = true" in caplog.text
    assert "robots.txt unreachable" not in caplog.text


def test_x3_a_bomb_in_a_redirect_body_is_never_read() -> None:
    bomb = gzip.compress(b"\0" * (100 * 1024 * 1024), compresslevel=9)

    def script(conn: socket.socket, n: int) -> None:
        if n == 1:
            head = f"HTTP/1.1 302 Found\r\nLocation: /ok\r\nContent-Encoding: gzip\r\nContent-Length: {len(bomb)}\r\n\r\n"
            conn.sendall(head.encode() + bomb)
        else:
            conn.sendall(response(OK_PAGE))

    with raw_server(script) as server:
        started = time.monotonic()
        result = outcome(make_fetcher(server.url)[0], server.url + "/start")
    assert getattr(result, "body", None) == OK_PAGE and time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10737418240\r\n\r\n",
            "too_large_declared",
        ),
        ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n", "too_large_raw"),
    ],
    ids=["declared-10-GiB", "endless-chunked-stream"],
)
def test_x4_huge_responses_are_refused_without_reading_them_whole(head: str, reason: str) -> None:
    def script(conn: socket.socket, n: int) -> None:
        conn.sendall(head.encode())
        chunk = b"<p>" + b"x" * 65536 + b"</p>"
        try:
            for _ in range(400):  # 26 MB at most, then stop: bounded either way
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except OSError:
            return

    with raw_server(script) as server:
        result = outcome(make_fetcher(server.url, max_bytes=1024 * 1024)[0], server.url + "/big")
    assert getattr(result, "reason", None) == reason


def test_x5_a_pager_that_repeats_itself_forever_is_walked_a_bounded_number_of_times(
    tmp_path: Path, site_server: FaultServer
) -> None:
    listing = (SITE / "listing-3.html").read_text(encoding="utf-8")
    for n in range(1, 200):  # every page of this "listing" shows the same items and a next link
        page = tmp_path / f"trap-{n}.html"
        page.write_text(
            listing.replace("</h2>", f'</h2><a href="{LISTING}?start={6 * (n + 1)}">Trang sau</a>'),
            encoding="utf-8",
        )
        site_server.set_route(f"{LISTING}?start={6 * n}", file=str(page))
    db = crawl(write_config(tmp_path, site_server))
    assert rows(db, "SELECT count(*) FROM fetches WHERE kind = 'listing'")[0][0] < 10


def test_x6_scripts_and_event_handlers_never_reach_the_stored_text(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    html = (SITE / "pages" / "1661778300000.html").read_text(encoding="utf-8")
    hostile = (
        '<script>alert(document.cookie)</script><style>p{}</style><img src=x onerror="alert(1)">'
        '<a href="javascript:alert(2)">Xem chi tiết tại đây</a><iframe src="http://evil/"></iframe>'
    )
    page = tmp_path / "hostile.html"
    page.write_text(html.replace("<p>Bình Nguyên</p>", hostile + "<p>Bình Nguyên</p>"), encoding="utf-8")
    site_server.set_route(SEED, file=str(page))
    db = crawl(config_file)
    body = rows(db, "SELECT body FROM articles WHERE url = ?", site_server.url(SEED))[0][0]
    assert "<" not in body and "javascript:" not in body and "alert(" not in body


def test_x7_hostile_text_is_stored_literally(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    html = (SITE / "pages" / "1661778300000.html").read_text(encoding="utf-8")
    evil = "x'); DROP TABLE articles;-- \"Robert'); --"
    page = tmp_path / "evil.html"
    page.write_text(html.replace("UBND Phường 1 tổ chức hội nghị tổng kết", evil), encoding="utf-8")
    site_server.set_route(SEED, file=str(page))
    db = crawl(config_file)
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 14
    assert rows(db, "SELECT count(*) FROM articles WHERE title LIKE ?", f"{evil}%")[0][0] == 1


def test_x8_no_file_is_ever_named_after_a_url(
    config_file: Path, site_server: FaultServer, tmp_path: Path
) -> None:
    listing_with_links(site_server, tmp_path, ["/a/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd"])
    crawl(config_file)
    made = {p.name for p in tmp_path.iterdir()}
    assert made <= {
        "archive.db",
        "archive.db-shm",
        "archive.db-wal",
        "archive.db.lock",
        "config.toml",
        "listing.html",
    }


def test_x2_dns_rebinding_cannot_move_a_connection_after_the_check(site_server: FaultServer) -> None:
    port = site_server.base_url.rsplit(":", 1)[1]
    canary = socket.socket()
    try:
        canary.bind(("127.0.0.2", int(port)))  # the address a rebinding DNS would switch to
    except OSError:
        pytest.skip("cannot bind 127.0.0.2 here")
    canary.listen(8)
    canary.settimeout(0.1)
    answers = iter([["127.0.0.1"], ["127.0.0.2"], ["127.0.0.2"], ["127.0.0.2"]])
    asked: list[str] = []

    async def rebinding_dns(host: str) -> list[str]:
        asked.append(host)
        return next(answers)

    base = f"http://portal.test:{port}"
    fetcher = make_fetcher(base)[0]
    fetcher.site = type(fetcher.site)(name="intranet", start_urls=(base + "/",), allow_private=True)
    fetcher.resolve = rebinding_dns

    async def three_pages() -> list[object]:
        async with fetcher:
            return [await fetcher.fetch(f"{base}{path}") for path in (LISTING, SEED, LISTING + "?start=6")]

    pages = asyncio.run(three_pages())
    try:
        canary.accept()
        contacted = True
    except TimeoutError:
        contacted = False
    canary.close()
    assert [getattr(p, "status", None) for p in pages] == [200, 200, 200]
    assert asked == ["portal.test"] and not contacted
    assert {headers.get("Host") for _, _, headers in site_server.requests} == {f"portal.test:{port}"}


def test_x1_private_addresses_need_the_site_to_allow_them(tmp_path: Path, site_server: FaultServer) -> None:
    config = write_config(tmp_path, site_server, allow_private=True)
    config.write_text(config.read_text().replace("http://127.0.0.1:", "http://localhost:"))
    db = crawl(config)
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 14  # an intranet portal, named on purpose
