"""Real receivers on loopback for notifier tests and benchmarks: an HTTP server that
records what it gets and answers what it is told to, and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import json
import pathlib
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

from tests.integration.live import free_port


@dataclasses.dataclass
class Received:
    """One request a receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


class HTTPReceiver:
    """A threaded HTTP/1.1 server on 127.0.0.1 (keep-alive) recording every POST.

    ``answers`` is consumed one status per request (200 once it is empty); while
    ``hold`` is clear, requests wait for it (to catch a sender mid-delivery).
    """

    def __init__(self, port: int | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.port = port or free_port()
        self.tls = tls
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.hold = threading.Event()
        self.hold.set()
        self.arrived = threading.Condition()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> HTTPReceiver:
        """Listen (again, on the same port)."""
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.arrived:
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.arrived.notify_all()
                receiver.hold.wait(60)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self.hold.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, count: int, seconds: float = 60.0,
                 where: Callable[[Received], bool] = lambda _r: True) -> list[Received]:
        """Block until ``count`` matching requests arrived (bounded); return them."""
        deadline = time.monotonic() + seconds
        with self.arrived:
            while True:
                matching = [r for r in self.received if where(r)]
                left = deadline - time.monotonic()
                if len(matching) >= count or left <= 0:
                    return matching
                self.arrived.wait(min(left, 1.0))


def self_signed(directory: pathlib.Path, name: str = "localhost") -> tuple[str, str]:
    """A self-signed certificate for ``name`` (and 127.0.0.1): (cert path, key path)."""
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return str(cert), str(key)


def server_tls(cert: str, key: str) -> ssl.SSLContext:
    """A server-side TLS context presenting ``cert``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@contextlib.contextmanager
def http_receiver(port: int | None = None, tls: ssl.SSLContext | None = None
                  ) -> Iterator[HTTPReceiver]:
    """A running HTTPReceiver (HTTPS with ``tls``), stopped after."""
    receiver = HTTPReceiver(port, tls).start()
    try:
        yield receiver
    finally:
        receiver.stop()


class SMTPReceiver:
    """Messages an aiosmtpd server on 127.0.0.1 accepted."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Condition()
        self.port = free_port()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        """aiosmtpd's hook: keep the message."""
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 60.0) -> list[Message]:
        """Block until ``count`` messages arrived (bounded); return them."""
        deadline = time.monotonic() + seconds
        with self.arrived:
            while len(self.messages) < count and time.monotonic() < deadline:
                self.arrived.wait(min(1.0, max(0.0, deadline - time.monotonic())))
            return list(self.messages)


@contextlib.contextmanager
def smtp_receiver() -> Iterator[SMTPReceiver]:
    """A running SMTP server recording messages."""
    from aiosmtpd.controller import Controller

    receiver = SMTPReceiver()
    controller = Controller(receiver, hostname="127.0.0.1", port=receiver.port)
    controller.start()
    try:
        yield receiver
    finally:
        controller.stop()
