"""A counting webhook receiver for benchmarks, in its own process: HTTP/1.1 keep-alive,
answers 200 to every POST; GET / returns how many POSTs (and distinct idempotency keys)
it has received; GET /events what each event alarm notification carried: for every
event (``reason_data.event``) its message id, its ``sent_at`` trait (the publisher's
clock) and when the first notification for it arrived, plus how many arrived again.

    python bench/receiver.py PORT
"""

from __future__ import annotations

import http.server
import json
import sys
import threading
import time
from typing import Any

LOCK = threading.Lock()
KEYS: set[str] = set()
COUNT = [0]
#: message id -> [sent_at, received_at] of the first notification naming that event.
EVENTS: dict[str, list[float]] = {}
REPEATED = [0]


def record_event(body: bytes, received: float) -> None:
    """Remember the event an event alarm's notification names (bodies of other
    notifications are ignored)."""
    try:
        event = json.loads(body)["reason_data"]["event"]
    except (ValueError, KeyError, TypeError):
        return
    sent = next((float(t[2]) for t in event.get("traits", []) if t[0] == "sent_at"), 0.0)
    with LOCK:
        if event["message_id"] in EVENTS:
            REPEATED[0] += 1
        else:
            EVENTS[event["message_id"]] = [sent, received]


class Handler(http.server.BaseHTTPRequestHandler):
    """Counts POSTs."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        received = time.time()
        with LOCK:
            COUNT[0] += 1
            KEYS.add(self.headers.get("Idempotency-Key", ""))
        record_event(body, received)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        with LOCK:
            if self.path.startswith("/events"):
                found: dict[str, Any] = {"events": EVENTS, "repeated": REPEATED[0]}
            else:
                found = {"received": COUNT[0], "keys": len(KEYS), "events": len(EVENTS)}
            body = json.dumps(found).encode()
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
