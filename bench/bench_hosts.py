"""Many hosts in one run: articles/s, peak memory and per-host politeness, against Scrapy.

    python bench/bench_hosts.py [HOSTS ...]          (default: 100 1000)
    python bench/bench_hosts.py --trace HOSTS ...    (also: where our crawl's memory goes, by tracemalloc)

One asyncio server in this process listens on HOSTS loopback addresses (127.1.x.y: all of 127.0.0.0/8 routes to
`lo` on Linux) at one port; each address is a small town portal (ARTICLES_PER_HOST fixture articles on listing
pages of PER_PAGE). `scraper crawl` gets one [[sites]] entry per address (allow_private = true, delay 0) and
Scrapy one start URL per address (1 request per domain). The server counts requests per host and URL and the
most requests ever in flight at once on one host. Peak memory is the child's maximum RSS (wait4).

With --trace, our crawl runs under tracemalloc (bench/trace_crawl.py) and the largest allocation sites at its
traced peak are printed for each size, and their growth from the first size to the last.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
sys.path.insert(0, str(ROOT / "bench"))
import build_site  # noqa: E402
from articles import ARTICLES  # noqa: E402
from bench_crawl import archived, run  # noqa: E402

from scraper.sitesrv import load_manifest, route_key  # noqa: E402

ARTICLES_PER_HOST = 6
PER_PAGE = 3
CRAWLERS = ("ours", "16", "100")  # ours, then Scrapy with this CONCURRENT_REQUESTS (16 is its default)


@dataclass
class Hosts:
    """The served portals: what every host answers, and what each host was asked."""

    routes: dict[str, tuple[bytes, bytes, str]]  # route key -> (body, gzipped body, content type)
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)  # (host, target) -> count
    in_flight: Counter[str] = field(default_factory=Counter)
    most_in_flight: Counter[str] = field(default_factory=Counter)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer GET requests on one keep-alive connection until the client closes it."""
        host = writer.get_extra_info("sockname")[0]
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                await self.answer(host, head.decode("latin-1"), writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def answer(self, host: str, head: str, writer: asyncio.StreamWriter) -> None:
        target = head.split(" ", 2)[1]
        self.requests[(host, target)] += 1
        self.in_flight[host] += 1
        self.most_in_flight[host] = max(self.most_in_flight[host], self.in_flight[host])
        try:
            body, zipped, content_type = self.routes.get(route_key(target), (b"not found", b"", "text/plain"))
            status = "200 OK" if route_key(target) in self.routes else "404 Not Found"
            if zipped and "gzip" in head.lower():
                body, content_type = zipped, content_type + "\r\nContent-Encoding: gzip"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        finally:
            self.in_flight[host] -= 1


def portal(out: Path) -> dict[str, tuple[bytes, bytes, str]]:
    """Build one small portal and load its routes (every host serves the same pages, each its own site)."""
    specs = [
        dict(ARTICLES[i % len(ARTICLES)], id=1_600_000_000_000 - i * 3_600_000)
        for i in range(ARTICLES_PER_HOST)
    ]
    build_site.build(
        {
            "out": out,
            "name": "Xã mẫu",
            "articles": specs,
            "per_page": PER_PAGE,
            "counter": "seed",
            "missing": False,
        }
    )
    routes, _ = load_manifest(out)
    served = {}
    for key, route in routes.items():
        if "file" in route:
            body = (out / route["file"]).read_bytes()
            served[key] = (body, gzip.compress(body), route.get("type", "text/html; charset=utf-8"))
    return served


def addresses(n: int) -> list[str]:
    """n loopback addresses outside 127.0.0.1's /24."""
    return [f"127.1.{i // 250}.{i % 250 + 1}" for i in range(n)]


@contextmanager
def serve_hosts(hosts: Hosts, n: int) -> Iterator[int]:
    """Serve the portals on n addresses at one port, from a thread; yields the port."""
    loop = asyncio.new_event_loop()
    ready: list[int] = []
    started = threading.Event()

    async def main() -> None:
        first = await asyncio.start_server(hosts.handle, addresses(1)[0], 0, backlog=1024)
        port = first.sockets[0].getsockname()[1]
        await asyncio.start_server(hosts.handle, addresses(n)[1:] or None, port, backlog=1024)
        ready.append(port)
        started.set()

    thread = threading.Thread(
        target=lambda: (loop.run_until_complete(main()), loop.run_forever()), daemon=True
    )
    thread.start()
    started.wait(30)
    try:
        yield ready[0]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def config(tmp: Path, n: int, port: int, db: Path) -> Path:
    """A config with one site per address."""
    lines = [f'[crawl]\ndb = "{db}"\ndelay = 0\nmax_listing_pages = 1000\n']
    for i, address in enumerate(addresses(n)):
        lines.append(
            f'[[sites]]\nname = "h{i}"\nstart_urls = ["http://{address}:{port}{build_site.LISTING}"]\n'
            "allow_private = true\n"
        )
    path = tmp / f"hosts-{n}.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Row:
    """One crawler's run on n hosts."""

    label: str
    hosts: int
    articles: int
    seconds: float
    rss_mib: float
    most_in_flight: int
    repeated: int  # article URLs requested more than once


def measure(tmp: Path, routes: dict[str, tuple[bytes, bytes, str]], n: int, crawler: str) -> Row:
    """One crawler on n hosts."""
    hosts = Hosts(routes)
    with serve_hosts(hosts, n) as port:
        if crawler == "ours":
            db = tmp / f"hosts-{n}.db"
            db.unlink(missing_ok=True)
            command = [
                sys.executable,
                "-m",
                "scraper",
                "crawl",
                "--config",
                str(config(tmp, n, port, db)),
                "--quiet",
            ]
            seconds, rss, _ = run(command)
            articles, label = archived(db), "scraper crawl"
        else:
            starts = tmp / "starts.txt"
            starts.write_text("\n".join(f"http://{a}:{port}{build_site.LISTING}" for a in addresses(n)))
            spider = [sys.executable, str(ROOT / "bench" / "scrapy_spider.py"), f"@{starts}", "1", crawler]
            seconds, rss, out = run(spider)
            articles, label = (
                json.loads(out.strip().splitlines()[-1])["articles"],
                f"Scrapy, {crawler} in all",
            )
    repeated = sum(
        1 for (_, target), count in hosts.requests.items() if "view-article" in target and count > 1
    )
    return Row(label, n, articles, seconds, rss, max(hosts.most_in_flight.values()), repeated)


def trace(tmp: Path, routes: dict[str, tuple[bytes, bytes, str]], sizes: list[int]) -> None:
    """Our crawl under tracemalloc at each size: the top allocation sites at the peak, and their growth."""
    snapshots = []
    for n in sizes:
        with serve_hosts(Hosts(routes), n) as port:
            db, dump = tmp / f"trace-{n}.db", tmp / f"trace-{n}.snapshot"
            db.unlink(missing_ok=True)
            tracer = [sys.executable, str(ROOT / "bench" / "trace_crawl.py"), str(dump)]
            _, rss, out = run([*tracer, "crawl", "--config", str(config(tmp, n, port, db)), "--quiet"])
        snapshot = tracemalloc.Snapshot.load(str(dump))
        snapshots.append(snapshot)
        print(f"\n{n} hosts: peak RSS {rss:.0f} MiB; {out.strip()}; top allocation sites at the traced peak:")
        for stat in snapshot.statistics("filename")[:8]:
            print(f"  {stat.size / 2**20:7.1f} MiB {stat.count:8d} blocks  {stat.traceback[0].filename}")
    print(f"\ngrowth from {sizes[0]} to {sizes[-1]} hosts, by line:")
    for stat in snapshots[-1].compare_to(snapshots[0], "lineno")[:12]:
        frame = stat.traceback[0]
        print(
            f"  {stat.size_diff / 2**20:+7.1f} MiB {stat.count_diff:+8d} blocks  {frame.filename}:{frame.lineno}"
        )


def main(args: list[str]) -> None:
    tracing = args[:1] == ["--trace"]
    sizes = [int(a) for a in args[tracing:]] or [100, 1000]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        routes = portal(tmp / "site")
        if tracing:
            trace(tmp, routes, sizes)
            return
        print(f"{ARTICLES_PER_HOST} articles per host on listing pages of {PER_PAGE}; delay 0; 2 cores")
        print(
            f"{'crawler':22s} {'hosts':>6s} {'articles':>8s} {'seconds':>8s} {'art/s':>6s} {'peak MiB':>9s} "
            f"{'max in flight/host':>18s} {'repeated':>8s}"
        )
        for n in sizes:
            for crawler in CRAWLERS:
                r = measure(tmp, routes, n, crawler)
                print(
                    f"{r.label:22s} {r.hosts:6d} {r.articles:8d} {r.seconds:8.2f} {r.articles / r.seconds:6.0f} "
                    f"{r.rss_mib:9.0f} {r.most_in_flight:18d} {r.repeated:8d}"
                )
                time.sleep(1)  # let the closed connections of the last crawl leave TIME_WAIT's way


if __name__ == "__main__":
    main(sys.argv[1:])
