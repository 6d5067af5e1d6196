"""Bounded transfers: an overall deadline per request, a cap on decompressed bodies, and a
way to end every transfer in flight at once.

A :class:`Watchdog` knows every response being read. Its thread shuts the socket of one
that passes its deadline, and :meth:`Watchdog.interrupt` shuts them all (the run is
stopping): the blocked read then fails at once instead of after the socket timeout. Before
the response headers arrive each socket operation is bounded by the request's timeout,
which never exceeds the time left. :func:`read_body` decompresses ``gzip`` / ``deflate``
itself, in bounded steps, so a small compressed body that inflates to gigabytes is an error
after ``cap`` bytes, not a ``MemoryError``.
"""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from core.errors import PayloadError, TransientError

__all__ = ["ACCEPT_ENCODING", "Interrupted", "ResponseTooLarge", "Watchdog", "read_body"]

ACCEPT_ENCODING = "gzip, deflate"
TICK = 0.2  # how often the watchdog looks at deadlines


class Interrupted(TransientError):
    """The run is stopping: the transfer in flight was abandoned, nothing of it is kept."""


class ResponseTooLarge(PayloadError):
    """A response body inflated past ``max_response_mb``: nothing of it is kept."""


class Watchdog:
    """Ends overdue transfers, or every transfer on :meth:`interrupt` (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: dict[int, tuple[float, httpx.Response]] = {}
        self._cut: set[int] = set()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def interrupted(self) -> bool:
        """True once :meth:`interrupt` was called."""
        return self._stopping.is_set()

    def check(self, where: str) -> None:
        """Raise :class:`Interrupted` when the run is stopping."""
        if self._stopping.is_set():
            raise Interrupted(f"{where}: abandoned, the run is stopping")

    def interrupt(self) -> None:
        """End every transfer in flight now and refuse new ones (from any thread)."""
        self._stopping.set()
        with self._lock:
            live = list(self._live.items())
            self._cut.update(key for key, _ in live)
        for _, (_, response) in live:
            _shut(response)

    @contextmanager
    def guard(self, response: httpx.Response, deadline: float) -> Iterator[int]:
        """Watch ``response`` until the block ends; yields the key :meth:`was_cut` takes."""
        key = id(response)
        with self._lock:
            self._live[key] = (deadline, response)
            self._cut.discard(key)
            # a transfer that began while interrupt() was cutting the others is cut too
            stopping = self._stopping.is_set()
            if stopping:
                self._cut.add(key)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="zoom-watchdog", daemon=True)
                self._thread.start()
        if stopping:
            _shut(response)
        try:
            yield key
        finally:
            with self._lock:
                self._live.pop(key, None)

    def was_cut(self, key: int) -> bool:
        """Whether the watchdog ended the transfer ``key`` (deadline or interrupt)."""
        with self._lock:
            return key in self._cut

    def _run(self) -> None:
        while True:
            time.sleep(TICK)
            now = time.monotonic()
            with self._lock:
                if not self._live:
                    self._thread = None
                    return
                overdue = [(k, r) for k, (d, r) in self._live.items() if d <= now]
                self._cut.update(k for k, _ in overdue)
            for _, response in overdue:
                _shut(response)


def _shut(response: httpx.Response) -> None:
    stream: Any = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _decoder(response: httpx.Response, where: str) -> Any:
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS)
    raise PayloadError(f"{where}: unsupported Content-Encoding {encoding!r}")


def read_body(response: httpx.Response, cap: int, deadline: float, where: str) -> bytes:
    """The whole (decompressed) body; ``ResponseTooLarge`` past ``cap`` bytes,
    ``TransientError`` past ``deadline`` (``time.monotonic()``) or a broken body."""
    decoder = _decoder(response, where)
    out = bytearray()

    def add(data: bytes) -> None:
        out.extend(data)
        if len(out) > cap:
            raise ResponseTooLarge(f"{where}: response larger than {cap >> 20} MiB decompressed")

    try:
        for chunk in response.iter_raw():
            if time.monotonic() > deadline:
                raise TransientError(f"{where}: no complete answer within the deadline")
            if decoder is None:
                add(chunk)
                continue
            while chunk:
                add(decoder.decompress(chunk, cap + 1 - len(out)))
                chunk = decoder.unconsumed_tail
        if decoder is not None:
            add(decoder.flush())
    except zlib.error:
        raise PayloadError(f"{where}: compressed body is corrupt") from None
    return bytes(out)
