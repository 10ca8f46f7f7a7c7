"""The tests' site server: the demo's server (scraper/sitesrv.py) plus a request log and scripted faults.

Beyond the demo's route keys, a route may say "statuses": [503, 200] (successive requests get successive codes,
the last repeats), "raw": true (the file as stored, never gzipped) or "drip": 0.5 (the body one byte every that
many seconds: a slowloris server). Routes can be changed while the server runs, which is how tests inject
faults; HTTPS with a TLS context. Bound to 127.0.0.1 only.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.sitesrv import SiteHandler, SiteServer, bind, load_manifest, route_key, running


@dataclass
class FaultServer(SiteServer):
    """A running server whose routes tests change, with the log of requests it received."""

    requests: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, target: str, headers: dict[str, str]) -> tuple[dict[str, Any] | None, int]:
        """Log the request; the route's next status when it scripts several."""
        with self.lock:
            self.requests.append((time.monotonic(), target, headers))
            route = self.routes.get(route_key(target))
            return route, _next_status(route) if route else 404

    def hits(self, path: str) -> int:
        """How many requests arrived for a path (compared as route keys)."""
        key = route_key(path)
        with self.lock:
            return sum(1 for _, target, _ in self.requests if route_key(target) == key)

    def set_route(self, path: str, **route: Any) -> None:
        """Add or replace the route for a path."""
        with self.lock:
            self.routes[route_key(path)] = route


def _next_status(route: dict[str, Any]) -> int:
    statuses = route.get("statuses")
    if not statuses:
        return int(route.get("status", 200))
    return int(statuses.pop(0) if len(statuses) > 1 else statuses[0])


class FaultHandler(SiteHandler):
    """The demo's handler, with raw (never gzipped) and dripping bodies."""

    def gzips(self, route: dict[str, Any]) -> bool:
        return not route.get("raw", False) and super().gzips(route)

    def write_body(self, body: bytes, route: dict[str, Any]) -> None:
        drip = route.get("drip", 0)
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


@contextmanager
def serve_site(root: Path, tls: ssl.SSLContext | None = None) -> Iterator[FaultServer]:
    """Serve a site folder on 127.0.0.1 at a port the OS chooses (HTTPS with a tls context), for the block."""
    routes, start = load_manifest(root)
    site = FaultServer(root=root, routes=routes, start=start)
    server = bind(site, FaultHandler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    with running(server, site, "https" if tls else "http"):
        yield site
