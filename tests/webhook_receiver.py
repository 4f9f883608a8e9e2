"""A real HTTP receiver on loopback for webhook tests and benchmarks: it answers
with the statuses it is told, in order, and records every request it gets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    path: str
    at: float


@dataclass
class Receiver:
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    default: int = 204
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/criba"

    def answer(self, statuses: Iterable[int | tuple[int, dict[str, str]]]) -> None:
        for status in statuses:
            self.answers.append(status if isinstance(status, tuple) else (status, {}))

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.02)
        raise AssertionError(
            f"the receiver got {len(self.requests)} requests, not {count}"
        )


def receiver_start(receiver: Receiver | None = None) -> Receiver:
    receiver = receiver or Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.requests.append(
                    Received(
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        self.path,
                        time.monotonic(),
                    )
                )
                status, headers = (
                    receiver.answers.pop(0)
                    if receiver.answers
                    else (receiver.default, {})
                )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_PATCH = do_POST  # noqa: N815 - the name http.server calls

        def log_message(self, *args):
            pass

    receiver.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    return receiver


def receiver_stop(receiver: Receiver) -> None:
    receiver.server.shutdown()
    receiver.server.server_close()


class RawReceiver:
    """Answers one request with the given bytes as they are (a malformed or hostile
    answer the HTTP server above would not write), one byte every ``drip``
    seconds when given."""

    def __init__(self, answer: bytes, *, drip: float = 0.0):
        self.answer = answer
        self.drip = drip
        self.server = socket.create_server(("127.0.0.1", 0))
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}/hooks"

    def _serve(self) -> None:
        self.server.settimeout(10)
        try:
            connection, _address = self.server.accept()
        except OSError:
            return
        with connection:
            connection.recv(65536)
            chunks = (
                [bytes([byte]) for byte in self.answer] if self.drip else [self.answer]
            )
            for chunk in chunks:
                if self.stopped.is_set():
                    return
                try:
                    connection.sendall(chunk)
                except OSError:
                    return  # the client hung up
                time.sleep(self.drip)

    def stop(self) -> None:
        self.stopped.set()
        self.server.close()
        self.thread.join(timeout=10)
