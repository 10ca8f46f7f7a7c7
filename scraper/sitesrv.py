"""The demo's web server: a static site described by a manifest, on 127.0.0.1 only (`scraper demo`).

manifest.json maps "path?query" to a route: {"file": ..., "type": ..., "status": ..., "redirect": ...,
"headers": {...}}. Paths are compared percent-decoded and queries sorted, as the crawler canonicalises them.
The tests' fault server (tests/faultsrv.py) is built on this one: it logs requests and scripts faults.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote, urlsplit


def route_key(target: str) -> str:
    """The lookup key of a request target: decoded path plus sorted query."""
    parts = urlsplit(target)
    query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return unquote(parts.path or "/") + (f"?{query}" if query else "")


@dataclass
class SiteServer:
    """A served site: its folder, its routes, its start paths and, once running, its base URL."""

    root: Path
    routes: dict[str, dict[str, Any]]
    start: list[str] = field(default_factory=list)
    base_url: str = ""

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return self.base_url + path

    def answer(self, target: str, headers: dict[str, str]) -> tuple[dict[str, Any] | None, int]:
        """The route of a request and the status to answer it with (no route: 404)."""
        route = self.routes.get(route_key(target))
        return route, int(route.get("status", 200)) if route else 404


def load_manifest(root: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """A site folder's routes (keyed by route_key) and start paths, from its manifest.json."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return {route_key(path): route for path, route in manifest["routes"].items()}, manifest.get(
        "start", ["/"]
    )


class SiteHandler(BaseHTTPRequestHandler):
    """Answers GET from the site's routes: files, redirects, 404; HTML gzipped when the client accepts it."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, keep-alive clients wait 40 ms per request
    # for the delayed ACK (measured: 22 pages/s instead of hundreds, bench/bench_crawl.py).
    disable_nagle_algorithm = True
    site: ClassVar[SiteServer]  # set by bind() on a subclass per server

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        route, status = self.site.answer(self.path, dict(self.headers.items()))
        if route is None:
            self.send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8")
        elif "redirect" in route:
            self.send(route.get("status", 301), b"", "text/html", {"Location": route["redirect"]})
        else:
            self.send_file(route, status)

    def send_file(self, route: dict[str, Any], status: int) -> None:
        """A route's file with an ETag, or 304 when the client already holds that version."""
        body = (self.site.root / route["file"]).read_bytes() if "file" in route else b""
        content_type = route.get("type", "text/html; charset=utf-8")
        headers = {"ETag": f'"{hashlib.sha1(body).hexdigest()[:16]}"'} | route.get("headers", {})
        if status == 200 and self.headers.get("If-None-Match") == headers["ETag"]:
            self.send(304, b"", content_type, {"ETag": headers["ETag"]})
        else:
            self.send(status, body, content_type, headers, route)

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        route: dict[str, Any] | None = None,
    ) -> None:
        """One whole answer; text is gzipped when the client accepts it, like the nginx in front of portals."""
        if body and content_type.startswith("text/") and self.gzips(route or {}):
            body = gzip.compress(body)
            headers = {**(headers or {}), "Content-Encoding": "gzip"}
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.write_body(body, route or {})

    def gzips(self, route: dict[str, Any]) -> bool:
        """Whether to gzip this answer's body."""
        return "gzip" in self.headers.get("Accept-Encoding", "")

    def write_body(self, body: bytes, route: dict[str, Any]) -> None:
        """Send the body."""
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the http.server API
        pass


def bind(site: SiteServer, handler: type[SiteHandler] = SiteHandler) -> ThreadingHTTPServer:
    """A server for a site on 127.0.0.1 at a port the OS chooses, not yet running."""
    bound = type("BoundHandler", (handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), bound)
    server.daemon_threads = True
    return server


@contextmanager
def running(server: ThreadingHTTPServer, site: SiteServer, scheme: str = "http") -> Iterator[None]:
    """Run a bound server in a thread for the block, the site knowing its base URL."""
    site.base_url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="site-server", daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_site(root: Path) -> Iterator[SiteServer]:
    """Serve a site folder on 127.0.0.1 for the block."""
    routes, start = load_manifest(root)
    site = SiteServer(root=root, routes=routes, start=start)
    with running(bind(site), site):
        yield site
