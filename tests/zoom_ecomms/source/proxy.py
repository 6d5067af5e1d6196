"""A misbehaving Zoom for tests: a loopback proxy in front of the simulator that rewrites
the answers of chosen requests (a malformed body, a gzip bomb, an echoed token, a body that
trickles forever).

``rewrite(request)`` gets a :class:`Seen` request and returns ``None`` (forward Zoom's
answer unchanged), new body bytes (sent with Zoom's status), or a :class:`Reply`. URLs of
the simulator in answers (``download_url``) are rewritten to the proxy, so downloads pass
through it too. ``proxy.seen`` lists every request that reached the proxy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


@dataclass
class Seen:
    """A request the proxy received; ``answer`` is the simulator's answer body."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    answer: bytes = b""
    status: int = 200


@dataclass
class Reply:
    """What to send instead: a status, headers and a body, or ``chunks`` sent one by one
    ``every`` seconds (a trickle; an endless iterator never finishes)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Iterator[bytes] | None = None
    every: float = 0.0


Rewrite = Callable[[Seen], "bytes | Reply | None"]
KEEP = ("content-type", "retry-after", "content-range", "location", "x-ratelimit-type")


class ZoomProxy:
    """Forwards to ``target`` (the simulator's base URL), rewriting as ``rewrite`` says."""

    def __init__(self, target: str, rewrite: Rewrite) -> None:
        self.target, self.rewrite = target, rewrite
        self.seen: list[Seen] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                path, _, query = self.path.partition("?")
                keep = ("authorization", "content-type", "range")
                headers = {k: v for k, v in self.headers.items() if k.lower() in keep}
                seen = Seen(self.command, path, query, dict(self.headers.items()))
                proxy.seen.append(seen)
                upstream = httpx.request(
                    self.command, proxy.target + self.path, headers=headers, content=body
                )
                # the proxy *is* Zoom to the client: URLs in answers (download_url) name it
                content = upstream.content.replace(proxy.target.encode(), proxy.url.encode())
                seen.answer, seen.status = content, upstream.status_code
                reply = proxy.rewrite(seen)
                if reply is None:
                    kept = {k: v for k, v in upstream.headers.items() if k.lower() in KEEP}
                    reply = Reply(upstream.status_code, content, kept)
                elif isinstance(reply, bytes):
                    reply = Reply(upstream.status_code, reply, {"Content-Type": "application/json"})
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunks is None:
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    return
                self.end_headers()
                try:
                    for chunk in reply.chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        time.sleep(reply.every)
                except OSError:
                    return  # the client gave up

            do_GET = do_POST = do_PATCH = do_DELETE = _forward

            def log_message(self, *args: object) -> None:
                return

        return Handler

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
