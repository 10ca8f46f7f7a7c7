"""A scripted TCP server on 127.0.0.1 for protocol faults http.server cannot produce (reliability.md §3 N)."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

OK_PAGE = (
    b"<html><head><title>Chi tiet tin</title></head><body><h2>Tin an ninh trat tu</h2>"
    b"<div>9:30, Thu Sau, 2-1-2026</div><p>Noi dung bai viet.</p><div>Cac tin khac</div></body></html>"
)


def response(body: bytes, headers: str = "", status: str = "200 OK") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n{headers}\r\n"
    return head.encode() + body


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def reset(conn: socket.socket) -> None:
    """Close with RST instead of FIN."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


@dataclass
class RawServer:
    """Counts connections and requests; the behaviour of the n-th request comes from `script`."""

    script: Callable[[socket.socket, int], None]
    port: int = 0
    requests: int = 0
    connections: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    script_robots: bool = False  # robots.txt answered by the script too, not by ROBOTS

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


ROBOTS = response(b"User-agent: *\nDisallow:\n", "Content-Type: text/plain\r\n")
current = threading.local()  # .request: the request the script of this thread is answering


def request_path() -> str:
    """The path of the request being answered (for scripts that answer by path)."""
    line = current.request.split(b"\r\n", 1)[0].decode("latin-1")
    return line.split(" ")[1] if line.count(" ") >= 2 else "/"


def _serve(server: RawServer, listener: socket.socket) -> None:
    listener.settimeout(0.1)
    while not server.stop.is_set():
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        server.connections += 1
        threading.Thread(target=_handle, args=(server, conn), daemon=True).start()


def _handle(server: RawServer, conn: socket.socket) -> None:
    try:
        while not server.stop.is_set():
            request = read_request(conn)
            if not request:
                return
            if request.startswith(b"GET /robots.txt") and not server.script_robots:
                conn.sendall(ROBOTS)
                continue
            server.requests += 1
            current.request = request
            server.script(conn, server.requests)
            if conn.fileno() == -1:
                return
    except OSError:
        return
    finally:
        if conn.fileno() != -1:
            conn.close()


@contextmanager
def raw_server(script: Callable[[socket.socket, int], None], robots: bool = False) -> Iterator[RawServer]:
    """Serve `script` on 127.0.0.1 at a port the OS picks (robots.txt too when robots is True)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    server = RawServer(script=script, port=listener.getsockname()[1], script_robots=robots)
    thread = threading.Thread(target=_serve, args=(server, listener), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        thread.join(timeout=2)
        listener.close()


def hang(conn: socket.socket, seconds: float = 5.0) -> None:
    """Hold the connection without answering."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
