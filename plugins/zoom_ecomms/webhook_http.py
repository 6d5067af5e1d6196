"""Reading one HTTP/1.1 request with hard bounds, whatever the client declares.

:class:`RequestReader` is fed the bytes a connection receives and returns the request once
it is complete. It never holds more than the header cap plus the body cap (plus one receive
buffer): the body is taken in bounded slices up to ``Limits.max_body`` whether it is framed
by ``Content-Length`` or ``Transfer-Encoding: chunked``. Anything else is refused
(:class:`Refused`, an HTTP status and a reason) as soon as it is seen, before more is read:

====  =====================================================================================
400   malformed request line, header, ``Content-Length`` (``-1``, ``1e6``...) or chunk;
      ``Content-Length`` together with ``Transfer-Encoding``; the client closed mid-request
405   a method other than POST
411   neither ``Content-Length`` nor ``Transfer-Encoding`` (no way to bound the body)
413   a declared length, a chunk or the sum of the chunks over ``max_body``
431   request line and headers (or chunked trailers) over ``max_header_bytes``
501   a ``Transfer-Encoding`` other than ``chunked``
====  =====================================================================================

Reasons are fixed phrases and numbers: nothing the client sent is echoed into them.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import msgspec

__all__ = ["Limits", "Refused", "Request", "RequestReader"]

RECEIVE_BYTES = 64 << 10  # one recv() at most
MAX_CHUNK_LINE = 1024  # a chunk-size line with extensions
_TOKEN = frozenset((string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~").encode())
_HEX = frozenset(b"0123456789abcdefABCDEF")


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    """Bounds of the webhook receiver; the defaults are what ``ecomms run`` uses.

    ``max_body`` bytes of body (however it is framed); ``max_header_bytes`` of request line
    and headers; ``header_timeout`` seconds from the connection's accept to the end of its
    headers and ``body_timeout`` seconds from there to the end of its body (also the time a
    client has to read the answer); ``max_connections`` open at once, beyond which a new
    connection is answered 503 at once and closed.
    """

    max_body: int = 1 << 20
    max_header_bytes: int = 16 << 10
    header_timeout: float = 10.0
    body_timeout: float = 10.0
    max_connections: int = 512


class Refused(Exception):
    """A request refused before it was complete: the HTTP ``status`` and a short ``reason``."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason


@dataclass
class Request:
    """One complete request; header names are lower-case, repeated ones joined by ``,``."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class _Chunks:
    state: str = "size"  # size -> data -> crlf -> size ... -> trailer
    remaining: int = 0
    trailer_bytes: int = 0


@dataclass
class RequestReader:
    """Incremental, bounded parser of one request: :meth:`feed` it what the socket gave."""

    limits: Limits
    methods: tuple[str, ...] = ("POST",)
    head: Request | None = None
    declared: int | None = None  # the Content-Length, once the headers are in
    _buffer: bytearray = field(default_factory=bytearray)
    _body: bytearray = field(default_factory=bytearray)
    _chunks: _Chunks | None = None

    @property
    def want(self) -> int:
        """How many bytes to receive next (never past a declared body)."""
        if self.head is not None and self._chunks is None and self.declared is not None:
            return max(1, min(RECEIVE_BYTES, self.declared - len(self._body)))
        return RECEIVE_BYTES

    @property
    def expects_continue(self) -> bool:
        """True when the client waits for ``100 Continue`` before sending its body."""
        return self.head is not None and self.head.headers.get("expect", "") == "100-continue"

    def feed(self, data: bytes) -> Request | None:
        """Take ``data``; return the request when complete, raise :class:`Refused` when not."""
        self._buffer += data
        if self.head is None:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > self.limits.max_header_bytes:
                    raise Refused(431, "request headers too large")
                return None
            if end + 4 > self.limits.max_header_bytes:
                raise Refused(431, "request headers too large")
            self.head = self._parse_head(bytes(self._buffer[:end]))
            del self._buffer[: end + 4]
            self._frame(self.head.headers)
        if self._chunks is not None:
            return self._request() if self._take_chunks() else None
        assert self.declared is not None  # _frame sets chunks or a declared length
        self._body += self._buffer[: self.declared - len(self._body)]
        self._buffer.clear()
        return self._request() if len(self._body) == self.declared else None

    def feed_eof(self) -> None:
        """The client closed its side: a request still incomplete is refused."""
        raise Refused(400, "connection closed before the request was complete")

    def _request(self) -> Request:
        assert self.head is not None
        self.head.body = bytes(self._body)
        return self.head

    def _parse_head(self, raw: bytes) -> Request:
        line, *lines = raw.split(b"\r\n")
        parts = line.split(b" ")
        if len(parts) != 3 or not parts[0] or not set(parts[0]) <= _TOKEN:
            raise Refused(400, "malformed request line")
        if parts[2] not in (b"HTTP/1.1", b"HTTP/1.0"):
            raise Refused(400, "unsupported HTTP version")
        method = parts[0].decode("ascii")
        if method not in self.methods:
            raise Refused(405, "method not allowed")
        return Request(method, parts[1].decode("latin-1"), _parse_headers(lines), b"")

    def _frame(self, headers: dict[str, str]) -> None:
        length, coding = headers.get("content-length"), headers.get("transfer-encoding")
        if coding is not None:
            if length is not None:
                raise Refused(400, "both Content-Length and Transfer-Encoding")
            if coding.lower() != "chunked":
                raise Refused(501, "unsupported Transfer-Encoding")
            self._chunks = _Chunks()
            return
        if length is None:
            raise Refused(411, "Content-Length required")
        if not (length.isascii() and length.isdigit()):
            raise Refused(400, "invalid Content-Length")
        self.declared = int(length)
        if self.declared > self.limits.max_body:
            raise Refused(413, f"body over {self.limits.max_body} bytes")

    def _take_chunks(self) -> bool:
        """Move complete chunk data from the buffer to the body; True after the last chunk."""
        chunks, buffer = self._chunks, self._buffer
        assert chunks is not None
        while True:
            if chunks.state == "data":
                take = bytes(buffer[: chunks.remaining])
                self._body += take
                del buffer[: len(take)]
                chunks.remaining -= len(take)
                if chunks.remaining:
                    return False
                chunks.state = "crlf"
            if chunks.state == "crlf":
                if len(buffer) < 2:
                    return False
                if buffer[:2] != b"\r\n":
                    raise Refused(400, "malformed chunk")
                del buffer[:2]
                chunks.state = "size"
            line = _line(buffer, MAX_CHUNK_LINE if chunks.state == "size" else None)
            if line is None:
                if chunks.state == "trailer" and chunks.trailer_bytes + len(buffer) > (
                    self.limits.max_header_bytes
                ):
                    raise Refused(431, "chunked trailers too large")
                return False
            if chunks.state == "trailer":
                chunks.trailer_bytes += len(line) + 2
                if chunks.trailer_bytes > self.limits.max_header_bytes:
                    raise Refused(431, "chunked trailers too large")
                if not line:
                    return True
                continue
            size = _chunk_size(line)
            if len(self._body) + size > self.limits.max_body:
                raise Refused(413, f"body over {self.limits.max_body} bytes")
            chunks.state, chunks.remaining = ("data", size) if size else ("trailer", 0)


def _line(buffer: bytearray, limit: int | None) -> bytes | None:
    """Cut one CRLF-terminated line off ``buffer``; None while it is incomplete."""
    end = buffer.find(b"\r\n")
    if end < 0:
        if limit is not None and len(buffer) > limit:
            raise Refused(400, "malformed chunk")
        return None
    line = bytes(buffer[:end])
    del buffer[: end + 2]
    return line


def _chunk_size(line: bytes) -> int:
    digits = line.split(b";", 1)[0].strip(b" \t")
    if not digits or len(digits) > 16 or not set(digits) <= _HEX:
        raise Refused(400, "malformed chunk")
    return int(digits, 16)


def _parse_headers(lines: list[bytes]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(b":")
        if not colon or not name or not set(name) <= _TOKEN:
            raise Refused(400, "malformed header line")
        key = name.decode("ascii").lower()
        text = value.strip(b" \t").decode("latin-1")
        if key in headers and key in ("content-length", "transfer-encoding"):
            raise Refused(400, f"repeated {key} header")
        headers[key] = f"{headers[key]},{text}" if key in headers else text
    return headers
