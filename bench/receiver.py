"""A counting webhook receiver for benchmarks, in its own process: HTTP/1.1 keep-alive,
answers 200 to every POST; GET / returns how many POSTs (and distinct idempotency keys)
it has received.

    python bench/receiver.py PORT
"""

from __future__ import annotations

import http.server
import json
import sys
import threading
from typing import Any

LOCK = threading.Lock()
KEYS: set[str] = set()
COUNT = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    """Counts POSTs."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with LOCK:
            COUNT[0] += 1
            KEYS.add(self.headers.get("Idempotency-Key", ""))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        with LOCK:
            body = json.dumps({"received": COUNT[0], "keys": len(KEYS)}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.serve_forever()
