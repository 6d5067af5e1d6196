"""The webhook receiver's HTTP server: one thread, one selector, hard bounds everywhere.

Every connection is a non-blocking socket in one ``selectors`` loop, so a slow client holds a
few kilobytes, never a thread. Each connection has a deadline: its headers must be in within
``header_timeout`` of the accept, its body within ``body_timeout`` after them, else it is
answered 408 and closed. At most ``max_connections`` are open; one more is answered 503 at
once and closed. Bodies are read in bounded slices up to ``max_body`` (see
:mod:`plugins.zoom_ecomms.webhook_http`). One request per connection (``Connection: close``).

Every refused request (status 400 or more, including the handler's own refusals) is one
warning log line with the peer, status, reason and bytes read — never a traceback, the body,
a header value or a secret.
"""

from __future__ import annotations

import errno
import json
import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from plugins.zoom_ecomms.webhook_http import Limits, Refused, Request, RequestReader

__all__ = ["Handler", "WebhookServer"]

log = logging.getLogger(__name__)

Handler = Callable[[Request], tuple[int, dict[str, Any]]]

LINGER_SECONDS = 1.0  # after answering, how long unread input is drained before closing
LINGER_BYTES = 64 << 10
SWEEP_SECONDS = 0.25  # how often deadlines are checked
ACCEPT_PAUSE = 0.5  # out of file descriptors: stop accepting this long


@dataclass(eq=False)
class _Connection:
    sock: socket.socket
    peer: str
    reader: RequestReader
    deadline: float
    phase: str = "headers"  # headers -> body -> answer -> linger
    out: bytes = b""
    bytes_read: int = 0
    drained: int = 0
    continued: bool = False
    refusal: dict[str, Any] = field(default_factory=dict)


class WebhookServer:
    """Serves ``handler`` on ``host:port`` in a background thread; bind errors raise OSError."""

    def __init__(self, host: str, port: int, handler: Handler, limits: Limits) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # a backlog as deep as the connection cap: a burst of connects is queued by the
        # kernel, not dropped (a dropped SYN costs the client a 1 s retransmission)
        self._listener = socket.create_server(
            (host, port), family=family, backlog=limits.max_connections
        )
        self._listener.setblocking(False)
        self._handler, self.limits = handler, limits
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._selector.register(self._listener, selectors.EVENT_READ, "accept")
        self._selector.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._connections: dict[socket.socket, _Connection] = {}
        self._stopping = threading.Event()
        self._accept_paused_until = 0.0
        self._thread = threading.Thread(target=self._serve, name="webhook-receiver", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        """The bound host and port."""
        host, port = self._listener.getsockname()[:2]
        return host, port

    @property
    def open_connections(self) -> int:
        """Connections currently open (for tests and diagnostics)."""
        return len(self._connections)

    def start(self) -> WebhookServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every connection and release the port."""
        self._stopping.set()
        if self._thread.is_alive():
            self._wake_w.send(b"x")
            self._thread.join(10)
        for conn in list(self._connections.values()):
            self._close(conn)
        self._selector.close()
        for sock in (self._listener, self._wake_r, self._wake_w):
            sock.close()

    def _serve(self) -> None:
        sweep_at = time.monotonic() + SWEEP_SECONDS
        while not self._stopping.is_set():
            now = time.monotonic()
            for key, events in self._selector.select(max(0.0, sweep_at - now)):
                if key.data == "accept":
                    self._accept()
                elif key.data == "wake":
                    self._wake_r.recv(64)
                else:
                    self._service(key.data, events)
            now = time.monotonic()
            if now >= sweep_at:
                self._sweep(now)
                sweep_at = now + SWEEP_SECONDS

    def _service(self, conn: _Connection, events: int) -> None:
        try:
            if events & selectors.EVENT_WRITE:
                self._send(conn)
            elif conn.phase == "linger":
                self._drain(conn)
            else:
                self._receive(conn)
        except OSError:  # reset by the peer, broken pipe: nothing left to answer
            self._close(conn, "connection reset by the client")
        except Exception:  # a bug: keep serving the others, report it once
            log.error("webhook: internal error on a request from %s", conn.peer, exc_info=True)
            self._close(conn)

    def _accept(self) -> None:
        for _ in range(64):
            try:
                sock, address = self._listener.accept()
            except BlockingIOError:
                return
            except OSError as exc:
                self._pause_accepting(exc)
                return
            sock.setblocking(False)
            peer = _peer(address)
            if len(self._connections) >= self.limits.max_connections:
                self._turn_away(sock, peer)
                continue
            deadline = time.monotonic() + self.limits.header_timeout
            conn = _Connection(sock, peer, RequestReader(self.limits), deadline)
            self._connections[sock] = conn
            self._selector.register(sock, selectors.EVENT_READ, conn)

    def _pause_accepting(self, exc: OSError) -> None:
        if exc.errno in (errno.ECONNABORTED, errno.EAGAIN):
            return
        log.warning("webhook: cannot accept connections (%s); pausing", exc.strerror or exc)
        self._selector.unregister(self._listener)
        self._accept_paused_until = time.monotonic() + ACCEPT_PAUSE

    def _turn_away(self, sock: socket.socket, peer: str) -> None:
        reason = f"too many open connections (limit {self.limits.max_connections})"
        received = 0
        try:
            sock.send(_answer(503, {"error": "too many connections"}))
            sock.shutdown(socket.SHUT_WR)
            received = len(sock.recv(LINGER_BYTES))  # what arrived, so closing does not reset
        except OSError:
            pass
        sock.close()
        _log_refusal(peer, 503, reason, received)

    def _receive(self, conn: _Connection) -> None:
        data = conn.sock.recv(conn.reader.want)
        conn.bytes_read += len(data)
        try:
            if not data:
                if conn.bytes_read == 0:  # a bare connect, e.g. a TCP health check
                    self._close(conn)
                    return
                conn.reader.feed_eof()
            request = conn.reader.feed(data)
        except Refused as refused:
            self._answer(conn, refused.status, {"error": refused.reason}, refused.reason)
            return
        if conn.phase == "headers" and conn.reader.head is not None:
            conn.phase, conn.deadline = "body", time.monotonic() + self.limits.body_timeout
            if conn.reader.expects_continue and request is None and not conn.continued:
                conn.continued = True
                conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        if request is not None:
            status, reply = self._handle(conn, request)
            self._answer(conn, status, reply, str(reply.get("error", "")))

    def _handle(self, conn: _Connection, request: Request) -> tuple[int, dict[str, Any]]:
        try:
            return self._handler(request)
        except Exception:  # a bug in the handler: answer 500, keep serving, report it
            log.error("webhook: internal error on a request from %s", conn.peer, exc_info=True)
            return 500, {"error": "internal error"}

    def _answer(self, conn: _Connection, status: int, reply: dict[str, Any], why: str) -> None:
        if status >= 400:
            _log_refusal(conn.peer, status, why or HTTPStatus(status).phrase, conn.bytes_read)
        conn.phase, conn.out = "answer", _answer(status, reply)
        conn.deadline = time.monotonic() + self.limits.body_timeout
        self._selector.modify(conn.sock, selectors.EVENT_WRITE, conn)
        self._send(conn)

    def _send(self, conn: _Connection) -> None:
        sent = conn.sock.send(conn.out)
        conn.out = conn.out[sent:]
        if conn.out:
            return
        conn.sock.shutdown(socket.SHUT_WR)
        conn.phase, conn.deadline = "linger", time.monotonic() + LINGER_SECONDS
        self._selector.modify(conn.sock, selectors.EVENT_READ, conn)

    def _drain(self, conn: _Connection) -> None:
        data = conn.sock.recv(LINGER_BYTES)
        conn.drained += len(data)
        if not data or conn.drained >= LINGER_BYTES:
            self._close(conn)

    def _sweep(self, now: float) -> None:
        if self._accept_paused_until and now >= self._accept_paused_until:
            self._accept_paused_until = 0.0
            self._selector.register(self._listener, selectors.EVENT_READ, "accept")
        for conn in [c for c in self._connections.values() if c.deadline <= now]:
            try:
                self._expire(conn)
            except OSError:
                self._close(conn)

    def _expire(self, conn: _Connection) -> None:
        if conn.phase == "headers":
            seconds = self.limits.header_timeout
            self._answer(conn, 408, {"error": "request timeout"}, f"headers not in {seconds:g} s")
        elif conn.phase == "body":
            seconds = self.limits.body_timeout
            self._answer(conn, 408, {"error": "request timeout"}, f"body not in {seconds:g} s")
        else:  # the answer was not read, or the client keeps sending after it
            self._close(conn)

    def _close(self, conn: _Connection, why: str = "") -> None:
        if why and conn.phase in ("headers", "body") and conn.bytes_read:
            _log_refusal(conn.peer, 0, why, conn.bytes_read)
        self._connections.pop(conn.sock, None)
        try:
            self._selector.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        conn.sock.close()


def _answer(status: int, reply: dict[str, Any]) -> bytes:
    body = json.dumps(reply).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def _peer(address: Any) -> str:
    host, port = address[:2]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _log_refusal(peer: str, status: int, reason: str, bytes_read: int) -> None:
    answer = f"answered {status}" if status else "not answered"
    log.warning(
        "webhook: refused a request from %s, %s: %s (%d bytes read)",
        peer,
        answer,
        reason,
        bytes_read,
        extra={
            "context": {
                "peer": peer,
                "status": status,
                "reason": reason,
                "bytes_read": bytes_read,
            }
        },
    )
