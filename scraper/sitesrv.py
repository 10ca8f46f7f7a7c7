"""A small real HTTP server for a static site described by a manifest (the demo and the test fixtures).

manifest.json maps "path?query" to a route: {"file": ..., "type": ..., "status": ..., "redirect": ...,
"headers": {...}, "statuses": [503, 200], "raw": true, "drip": 0.5}. "statuses" answers successive requests with
successive codes (the last repeats); "raw" sends the file as stored, never gzipped; "drip" sends the body
one byte every that many seconds (a slowloris server). Paths are compared percent-decoded and queries sorted, as the crawler canonicalises them.
Routes can be changed while the server runs, which is how tests inject faults. Bound to 127.0.0.1 only.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit


def route_key(target: str) -> str:
    """The lookup key of a request target: decoded path plus sorted query."""
    parts = urlsplit(target)
    query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return unquote(parts.path or "/") + (f"?{query}" if query else "")


@dataclass
class SiteServer:
    """A running server: its base URL, its routes and the log of requests it received."""

    root: Path
    routes: dict[str, dict[str, Any]]
    start: list[str] = field(default_factory=list)
    base_url: str = ""
    requests: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return self.base_url + path

    def hits(self, path: str) -> int:
        """How many requests arrived for a path (compared as route keys)."""
        key = route_key(path)
        with self.lock:
            return sum(1 for _, target, _ in self.requests if route_key(target) == key)

    def set_route(self, path: str, **route: Any) -> None:
        """Add or replace the route for a path."""
        with self.lock:
            self.routes[route_key(path)] = route


def load_manifest(root: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """A site folder's routes (keyed by route_key) and start paths, from its manifest.json."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return {route_key(path): route for path, route in manifest["routes"].items()}, manifest.get(
        "start", ["/"]
    )


def _handler(site: SiteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle on, keep-alive clients wait 40 ms per request
        # for the delayed ACK (measured: 22 pages/s instead of hundreds, bench/bench_crawl.py).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            with site.lock:
                site.requests.append((time.monotonic(), self.path, dict(self.headers.items())))
                route = site.routes.get(route_key(self.path))
                status = _next_status(route) if route else 404
            if route is None:
                self._send(
                    404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8"
                )
            elif "redirect" in route:
                self._send(route.get("status", 301), b"", "text/html", {"Location": route["redirect"]})
            else:
                body = (site.root / route["file"]).read_bytes() if "file" in route else b""
                content_type = route.get("type", "text/html; charset=utf-8")
                headers = {"ETag": f'"{hashlib.sha1(body).hexdigest()[:16]}"'} | route.get("headers", {})
                if status == 200 and self.headers.get("If-None-Match") == headers["ETag"]:
                    self._send(304, b"", content_type, {"ETag": headers["ETag"]})
                    return
                self._send(
                    status,
                    body,
                    content_type,
                    headers,
                    raw=route.get("raw", False),
                    drip=route.get("drip", 0),
                )

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
            raw: bool = False,
            drip: float = 0,
        ) -> None:
            # Like the nginx in front of real portals: gzip HTML when the client accepts it.
            accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
            if body and not raw and accepts_gzip and content_type.startswith("text/"):
                body = gzip.compress(body)
                headers = {**(headers or {}), "Content-Encoding": "gzip"}
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not drip:
                self.wfile.write(body)
                return
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(drip)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on the slow body, as it should

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the http.server API
            pass

    return Handler


def _next_status(route: dict[str, Any]) -> int:
    statuses = route.get("statuses")
    if not statuses:
        return int(route.get("status", 200))
    return int(statuses.pop(0) if len(statuses) > 1 else statuses[0])


@contextmanager
def serve_site(root: Path, tls: ssl.SSLContext | None = None) -> Iterator[SiteServer]:
    """Serve a site folder on 127.0.0.1 at a port the OS chooses (HTTPS with a tls context), for the block."""
    routes, start = load_manifest(root)
    site = SiteServer(root=root, routes=routes, start=start)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    site.base_url = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="site-server", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
