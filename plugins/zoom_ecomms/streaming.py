"""Writing a download's body to the spool while hashing it.

Speed: the receiving thread writes in 64 KiB slices (steadier in the kernel than 1 MiB
writes) while a second thread hashes, so hashing overlaps both reading and writing.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Any

import httpx

__all__ = ["CHUNK", "BadAttempt", "write_body"]

CHUNK = 1 << 20
THREAD_ABOVE = 8 << 20  # bodies larger than this are hashed on a second thread
WRITE_BYTES = 1 << 16  # per file write
_HTML_MARKS = (b"<!doctype html", b"<html")


class BadAttempt(Exception):
    """One failed download attempt; ``restart`` drops the partial file instead of resuming."""

    def __init__(self, message: str, restart: bool) -> None:
        super().__init__(message)
        self.restart = restart


def _looks_html(chunk: bytes) -> bool:
    return chunk.lstrip()[:16].lower().startswith(_HTML_MARKS)


def write_body(
    response: httpx.Response,
    part: Path,
    mode: str,
    hasher: Any,
    room: int | None,
    deadline: float,
    reject_html: bool = True,
) -> int:
    """Stream the body into ``part``; a second thread hashes while we read and write.

    ``room`` is how many bytes may come (``None``: unknown); ``reject_html`` refuses a body
    that starts like an HTML page (an error page served with 200) — not for chat
    attachments, which may be HTML files.
    """
    written = 0
    threaded = room is None or room > THREAD_ABOVE
    with part.open(mode) as out, _Hasher(hasher, threaded) as sink:
        for chunk in response.iter_raw():
            if time.monotonic() > deadline:
                raise BadAttempt("no complete body within the deadline", restart=False)
            if reject_html and not written and mode == "wb" and _looks_html(chunk):
                raise BadAttempt("server sent an HTML page instead of the file", restart=True)
            written += len(chunk)
            if room is not None and written > room:
                raise BadAttempt("body longer than file_size", restart=True)
            _store(out, chunk)
            sink.put(chunk)
        sink.flush()
    return written


def _store(out: Any, chunk: bytes) -> None:
    """Write ``chunk`` in ``WRITE_BYTES`` slices (page-cache writes of 1 MiB cost more)."""
    if len(chunk) <= WRITE_BYTES:
        out.write(chunk)
        return
    view = memoryview(chunk)
    for start in range(0, len(view), WRITE_BYTES):
        out.write(view[start : start + WRITE_BYTES])


class _Hasher:
    """Hashes chunks in order on a worker thread (SHA-256 releases the GIL), bounded queue.

    Writing stays on the receiving thread, so hashing overlaps both the socket reads and
    the file writes; unthreaded (small bodies) it hashes inline.
    """

    def __init__(self, hasher: Any, threaded: bool) -> None:
        self._threaded = threaded
        self._queue: queue.Queue[list[bytes] | None] = queue.Queue(maxsize=8)
        self._pending: list[bytes] = []
        self._size = 0
        self._hasher = hasher
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Hasher:
        if self._threaded:
            self._thread.start()
        return self

    def put(self, chunk: bytes) -> None:
        """Collect ``chunk``; hand 1 MiB at a time to the worker (few thread switches)."""
        self._pending.append(chunk)
        self._size += len(chunk)
        if self._size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Hand what was collected to the worker (or hash it here when unthreaded)."""
        if not self._pending:
            return
        batch, self._pending, self._size = self._pending, [], 0
        if self._threaded:
            self._queue.put(batch)
        else:
            self._digest(batch)

    def _digest(self, batch: list[bytes]) -> None:
        for chunk in batch:
            self._hasher.update(chunk)

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            self._digest(batch)

    def __exit__(self, *exc: object) -> None:
        if self._threaded:
            self._queue.put(None)
            self._thread.join()
