"""A hostile server (issue 11): each answer a random malformation of status line, headers, redirect, encoding,
body, size or connection, from a seeded generator on a raw socket on 127.0.0.1.

Promise: every fetch ends in a Page or a FetchError, never another exception; a whole crawl against such a
server ends with exit 0 and a sound archive. Bounded: a few seeds, tens of requests each, a time limit.
"""

from __future__ import annotations

import asyncio
import gzip
import random
import socket
import sqlite3
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from scraper.crawler import Fetcher
from scraper.errors import FetchError
from scraper.models import CrawlSettings, Page, Site
from tests.rawserver import raw_server, request_path, reset
from tests.test_cli import run

LISTING = "/tin-tuc"
ARTICLE = "/chi-tiet-tin/-/view-article/1/2/{}"
HOSTILE_HREFS = ["http://[::1", "http://127.0.0.1:99999/x", "javascript:alert(1)", "http:\\\\a\\b", "\x01"]


def listing(rng: random.Random, path: str) -> bytes:
    """A listing page: article links, a next page, hostile hrefs."""
    page = int(path.rsplit("=", 1)[1]) if "page=" in path else 1
    links = "".join(f'<li><a href="{ARTICLE.format(rng.randrange(40))}">Tin {i}</a></li>' for i in range(6))
    hostile = "".join(f'<a href="{h}">x</a>' for h in rng.sample(HOSTILE_HREFS, 2))
    pager = f'<a href="{LISTING}?page={page + 1}">Trang sau</a>' if page < 4 else ""
    return f"<html><head><title>Tin tức</title></head><body><ul>{links}</ul>{hostile}{pager}</body></html>".encode()


def robots(rng: random.Random, path: str) -> bytes:
    """A robots.txt with odd lines (a long Crawl-delay would only be recorded: the fetch test sleeps nothing)."""
    delay = rng.choice(["nan", "inf", "-1", "1e400", "abc", "0.01", "200", "²"])
    sitemap = rng.choice(HOSTILE_HREFS + ["http://127.0.0.1:99999/s.xml", "/sitemap.xml"])
    return f"User-agent: *\nDisallow: /private\nCrawl-delay: {delay}\nSitemap: {sitemap}\n\x00\xff".encode()


def article(rng: random.Random, path: str) -> bytes:
    """An article page of the simple kind the extractor reads."""
    body = "".join(
        f"<p>Nội dung đoạn {i} của bài viết số {path[-3:]}.</p>" for i in range(rng.randrange(1, 6))
    )
    return (
        f"<html><head><title>Tin {path}</title></head><body><h1>Tin {path}</h1>"
        f"<div>9:30, Thứ Sáu, 2-1-2026</div>{body}<div>Các tin khác</div></body></html>"
    ).encode()


def head(status: str, headers: list[str], body: bytes) -> bytes:
    return f"HTTP/1.1 {status}\r\n".encode() + "".join(f"{h}\r\n" for h in headers).encode() + b"\r\n" + body


def ok(body: bytes, *extra: str) -> bytes:
    return head(
        "200 OK", ["Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}", *extra], body
    )


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


# Each fault turns the page the server should have sent into what it does send (or does to the socket).
Fault = Callable[[random.Random, bytes], bytes | Callable[[socket.socket], None]]
FAULTS: list[tuple[str, Fault]] = [
    (
        "status-garbage",
        lambda r, b: r.choice([b"HTTP/1.1 999 Odd\r\n\r\n", b"ICY 200 OK\r\n\r\n", b"\x00\x01\r\n\r\n"]),
    ),
    ("status-no-reason", lambda r, b: b"HTTP/1.1 200\r\nContent-Length: %d\r\n\r\n" % len(b) + b),
    ("status-bare-lf", lambda r, b: b"HTTP/1.1 200 OK\nContent-Length: %d\n\n" % len(b) + b),
    ("status-http10-no-length", lambda r, b: b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + b),
    (
        "partial-206",
        lambda r, b: head("206 Partial Content", [f"Content-Length: {len(b) // 2}"], b[: len(b) // 2]),
    ),
    ("unsolicited-304", lambda r, b: head("304 Not Modified", [], b"")),
    ("204-with-body", lambda r, b: head("204 No Content", [f"Content-Length: {len(b)}"], b)),
    (
        "redirect-hostile",
        lambda r, b: head(
            r.choice(["301 Moved", "302 Found", "307 Temporary", "308 Permanent"]),
            [
                f"Location: {r.choice(HOSTILE_HREFS[:4] + ['', '/tin-tuc', 'http://127.0.0.1:0/'])}",
                "Content-Length: 0",
            ],
            b"",
        ),
    ),
    (
        "throttle",
        lambda r, b: head(
            r.choice(["429 Too Many", "503 Unavailable"]),
            [f"Retry-After: {r.choice(['1', '²', 'Sun, 06 Nov 1994 08:49:37 -0000', 'soon', '-1', '0'])}"],
            b"",
        ),
    ),
    ("server-error", lambda r, b: head("500 Internal", ["Content-Length: 0"], b"")),
    (
        "length-short",
        lambda r, b: ok(b)[: ok(b).index(b"Content-Length")] + b"Content-Length: 40\r\n\r\n" + b,
    ),
    (
        "length-long",
        lambda r, b: head("200 OK", ["Content-Type: text/html", f"Content-Length: {len(b) + 500}"], b),
    ),
    (
        "length-garbage",
        lambda r, b: head("200 OK", [f"Content-Length: {r.choice(['abc', '-5', '1e3', '²'])}"], b),
    ),
    ("length-twice", lambda r, b: head("200 OK", [f"Content-Length: {len(b)}", "Content-Length: 3"], b)),
    (
        "chunked-bad",
        lambda r, b: head("200 OK", ["Transfer-Encoding: chunked"], b"zz\r\n" + b + b"\r\n0\r\n\r\n"),
    ),
    (
        "chunked-unfinished",
        lambda r, b: head("200 OK", ["Transfer-Encoding: chunked"], b"%x\r\n" % len(b) + b),
    ),
    ("gzip-not-gzip", lambda r, b: ok(b, "Content-Encoding: gzip")),
    ("gzip-cut", lambda r, b: ok(gzip.compress(b)[: len(gzip.compress(b)) // 2], "Content-Encoding: gzip")),
    ("deflate-raw", lambda r, b: ok(raw_deflate(b), "Content-Encoding: deflate")),
    (
        "encoding-unknown",
        lambda r, b: ok(b, f"Content-Encoding: {r.choice(['br', 'zstd', 'gzip, gzip', 'x'])}"),
    ),
    (
        "type-odd",
        lambda r, b: head(
            "200 OK",
            [
                f"Content-Type: {r.choice(['application/pdf', 'text/html; charset=bogus', 'text/html; charset=utf-16', ''])}",
                f"Content-Length: {len(b)}",
            ],
            b,
        ),
    ),
    ("header-latin1", lambda r, b: ok(b)[:17] + b"X-Odd: \xe9\xff\xfe\r\n" + ok(b)[17:]),
    ("header-no-colon", lambda r, b: ok(b)[:17] + b"this is not a header\r\n" + ok(b)[17:]),
    ("header-huge", lambda r, b: ok(b, "X-Big: " + "a" * 70_000)),
    ("headers-many", lambda r, b: ok(b, *(f"X-H{i}: {i}" for i in range(300)))),
    ("body-random", lambda r, b: ok(r.randbytes(r.randrange(1, 3000)))),
    ("body-empty", lambda r, b: ok(b"")),
    ("body-cp1258", lambda r, b: ok(b.decode().encode("cp1258", errors="replace"))),
    ("body-nested", lambda r, b: ok(b"<html><body>" + b"<div><span>" * 3000 + b"x</body></html>")),
    ("body-nul", lambda r, b: ok(b.replace(b"<p>", b"<p>\x00", 1))),
    ("close-silent", lambda r, b: lambda conn: conn.close()),
    ("reset", lambda r, b: reset),
    ("close-mid-headers", lambda r, b: lambda conn: (conn.sendall(ok(b)[:30]), conn.close())),
    (
        "slow-drip",
        lambda r, b: (
            lambda conn: [
                (conn.sendall(ok(b)[i : i + 400]), time.sleep(0.05)) for i in range(0, len(ok(b)), 400)
            ]
        ),
    ),
]


def hostile_script(seed: int, fault_share: float) -> tuple[Callable[[socket.socket, int], None], list[str]]:
    """A server script answering each request with a random fault (or the right page); the faults it used."""
    rng, used = random.Random(seed), []

    def script(conn: socket.socket, n: int) -> None:
        path = request_path()
        kind = robots if path == "/robots.txt" else listing if path.startswith(LISTING) else article
        page = kind(rng, path)
        if rng.random() >= fault_share:
            conn.sendall(ok(page))
            return
        name, fault = rng.choice(FAULTS)
        used.append(name)
        answer = fault(rng, page)
        if callable(answer):
            answer(conn)
            return
        conn.sendall(answer)
        if rng.random() < 0.5:
            conn.close()

    return script, used


async def no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_fetch_from_a_hostile_server_is_a_page_or_a_fetch_error(seed: int) -> None:
    script, used = hostile_script(seed, fault_share=0.8)
    with raw_server(script, robots=True) as server:
        site = Site(name="hostile", start_urls=(server.url + LISTING,), allow_private=True)

        async def fetch_all() -> list[Page | FetchError]:
            results: list[Page | FetchError] = []
            for _ in range(4):  # a new fetcher now and then: robots.txt is asked (and fuzzed) again
                fetcher = Fetcher(site, CrawlSettings(delay=0, timeout=1, retries=0))
                fetcher.sleep = no_sleep  # politeness and backoff are not slept
                async with fetcher:
                    for i in range(10):
                        try:
                            results.append(await fetcher.fetch(server.url + ARTICLE.format(i)))
                        except FetchError as error:  # anything else fails the test
                            results.append(error)
                    fetcher.sitemaps()
            return results

        results = asyncio.run(fetch_all())
    assert len(results) == 40 and len(set(used)) >= 10  # many kinds of fault were met
    assert any(isinstance(r, FetchError) for r in results)


@pytest.mark.parametrize("seed", [11, 12])
def test_a_crawl_of_a_hostile_server_ends_cleanly_with_a_sound_archive(seed: int, tmp_path: Path) -> None:
    script, used = hostile_script(seed, fault_share=0.35)
    with raw_server(script) as server:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[crawl]\ndb = "{tmp_path / "archive.db"}"\ndelay = 0\ntimeout = 2\nretries = 1\n'
            f"max_listing_pages = 6\ntime_limit = 40\n\n"
            f'[[sites]]\nname = "hostile"\nstart_urls = ["{server.url}{LISTING}"]\nallow_private = true\n'
            f'article_pattern = "/view-article/"\n',
            encoding="utf-8",
        )
        code, _, err = run("crawl", "--config", str(config), "--quiet")
    assert code == 0, err
    assert "Traceback" not in err
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (status,) = conn.execute("SELECT status FROM runs").fetchone()
        failures = conn.execute("SELECT count(*) FROM fetches WHERE error IS NOT NULL").fetchone()[0]
    assert status in ("ok", "degraded", "time_limit") and failures > 0 and used
