"""A local HTTP server for provider tests: it records each request and answers what the
test's handler returns. Bound to 127.0.0.1 on a free port; stopped after the test."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: dict
    body: bytes


@dataclass
class Stub:
    url: str
    requests: list[Seen] = field(default_factory=list)
    answer: object = None  # callable(Seen) -> (status, dict|bytes)


class _Handler(BaseHTTPRequestHandler):
    stub: Stub

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        parts = urlsplit(self.path)
        seen = Seen(method=self.command, path=parts.path, query=parts.query,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"")
        self.stub.requests.append(seen)
        status, payload = self.stub.answer(seen)
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = _serve

    def log_message(self, *args):  # keep the test output quiet
        pass


def start_stub(answer) -> tuple[Stub, ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    stub = Stub(url=f"http://127.0.0.1:{server.server_address[1]}", answer=answer)
    server.RequestHandlerClass = type("Handler", (_Handler,), {"stub": stub})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return stub, server
