"""Small HTTP servers on 127.0.0.1 (port 0) that misbehave on purpose, for tests.

    with scripted_server({"/a": Reply(200, body=b"hi"), "/b": flaky}) as srv:
        requests.get(srv.url("/a"))
        srv.log            # every request: (path, headers, monotonic time)

A route is a `Reply` or a function `(hit: Hit) -> Reply`, where `hit.count` is
how many times that path was asked (1 for the first).  A Reply can stall,
reset the connection, or stream a body lazily from an iterator.
`static_server(folder)` serves a folder with the standard library's handler
(which answers If-Modified-Since with 304).
"""

from __future__ import annotations

import functools
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    stall_s: float = 0.0  # sleep before answering (past a client's read timeout)
    reset: bool = False  # close the connection with RST instead of answering
    content_length: bool = True  # False: close-delimited body (no Content-Length)


@dataclass(frozen=True)
class Hit:
    path: str
    count: int
    headers: dict[str, str]


@dataclass(frozen=True)
class Logged:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived


Route = Reply | Callable[[Hit], Reply]


class _ScriptedHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        srv = self.server
        path = self.path
        with srv.lock:
            srv.counts[path] += 1
            count = srv.counts[path]
            srv.log.append(Logged(path, dict(self.headers), time.monotonic()))
        route = srv.routes.get(path) or srv.routes.get(path.split("?", 1)[0])
        if route is None:
            reply = Reply(404, b"not found")
        elif isinstance(route, Reply):
            reply = route
        else:
            reply = route(Hit(path, count, dict(self.headers)))
        if reply.stall_s:
            time.sleep(reply.stall_s)
        if reply.reset:
            # SO_LINGER with a zero timeout makes close() send RST: "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for k, v in reply.headers.items():
            self.send_header(k, v)
        if isinstance(reply.body, bytes):
            if reply.content_length:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            return
        self.end_headers()
        try:
            for chunk in reply.body:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: exactly what a body cap should do

    def log_message(self, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes: dict[str, Route]):
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        self.routes = routes
        self.counts: Counter[str] = Counter()
        self.log: list[Logged] = []
        self.lock = threading.Lock()


@dataclass
class Running:
    base: str  # http://127.0.0.1:PORT
    server: ThreadingHTTPServer

    def url(self, path: str = "/") -> str:
        return self.base + path

    @property
    def host(self) -> str:
        return self.base.split("//", 1)[1]

    @property
    def log(self) -> list[Logged]:
        return getattr(self.server, "log", [])

    def hits(self, path: str) -> int:
        return sum(1 for entry in self.log if entry.path == path)


@contextmanager
def _running(server: ThreadingHTTPServer) -> Iterator[Running]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Running(f"http://127.0.0.1:{server.server_address[1]}", server)
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def scripted_server(routes: dict[str, Route]) -> Iterator[Running]:
    with _running(_Server(routes)) as running:
        yield running


class _QuietStatic(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def static_server(folder: Path | str) -> Iterator[Running]:
    handler = functools.partial(_QuietStatic, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with _running(server) as running:
        yield running


def lazy_body(total_bytes: int, chunk: bytes = b"<p>" + b"x" * 65533 + b"\n") -> Iterator[bytes]:
    """`total_bytes` of HTML-ish filler, generated as it is sent."""
    sent = 0
    while sent < total_bytes:
        piece = chunk[: total_bytes - sent]
        sent += len(piece)
        yield piece


def sequence(*replies: Reply) -> Callable[[Hit], Reply]:
    """A route answering the n-th request with the n-th reply (the last one repeats)."""
    return lambda hit: replies[min(hit.count, len(replies)) - 1]
