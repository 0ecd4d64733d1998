"""A webhook receiver for trying alarmapi out: prints every POST it gets (path and JSON
body) and answers 200. Binds 127.0.0.1 only.

    python3 tools/webhook_receiver.py 9000
"""

from __future__ import annotations

import http.server
import json
import sys


class Printer(http.server.BaseHTTPRequestHandler):
    """Print the request, answer 200 with an empty body."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            shown = json.dumps(json.loads(body), indent=2, sort_keys=True)
        except ValueError:
            shown = body.decode("utf-8", "replace")
        print(f"POST {self.path}\n{shown}", flush=True)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the POSTs are printed above."""


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Printer)
    print(f"listening on http://127.0.0.1:{port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
