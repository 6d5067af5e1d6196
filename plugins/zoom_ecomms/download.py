"""Streaming archive files to the spool and verifying size and SHA-256.

Redirects are followed by hand: only to ``http(s)``, never from ``https`` down to ``http``,
at most five hops; the bearer token goes only to the API host and to Zoom's own hosts
(``zoom.us`` and its subdomains), so a pre-signed storage URL never sees it. A broken
transfer resumes with ``Range`` when the server answers 206; a body of the wrong size or
hash, or an HTML page, is never accepted as the file.

Speed: the receiving thread writes in 64 KiB slices (steadier in the kernel than 1 MiB
writes) while a second thread hashes, so hashing overlaps both reading and writing.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from core.errors import IntegrityError, PayloadError, TransientError
from core.protocols import SpooledFile
from plugins.zoom_ecomms.auth import S2SAuth
from plugins.zoom_ecomms.retry import backoff_seconds
from plugins.zoom_ecomms.selection import file_name, media_type

__all__ = ["Downloader"]

CHUNK = 1 << 20
THREAD_ABOVE = 8 << 20  # bodies larger than this are hashed on a second thread
MAX_REDIRECTS = 5
WRITE_BYTES = 1 << 16  # per file write
_HTML_MARKS = (b"<!doctype html", b"<html")


class _Bad(Exception):
    """One failed attempt; ``restart`` drops the partial file instead of resuming."""

    def __init__(self, message: str, restart: bool) -> None:
        super().__init__(message)
        self.restart = restart


class Downloader:
    """Downloads archive files of one account into a spool directory."""

    def __init__(self, http: httpx.Client, auth: S2SAuth, api_host: str, attempts: int) -> None:
        self.http = http
        self.auth = auth
        self.api_host = api_host
        self.attempts = attempts

    def fetch(self, file: dict[str, Any], directory: Path) -> SpooledFile:
        """Download ``file`` (an archive file object) and return it verified.

        Raises ``IntegrityError`` when the bytes never match, ``TransientError`` when the
        transfer kept failing, ``PayloadError`` when the file object itself is unusable.
        """
        file_id, url, size, sha = _expectations(file)
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / file_name(file)
        part = target.with_name(target.name + ".part")
        last = ""
        mismatched = False
        for attempt in range(1, self.attempts + 1):
            try:
                digest = self._transfer(url, part, size)
            except _Bad as exc:
                last, mismatched = str(exc), exc.restart
                if exc.restart:
                    part.unlink(missing_ok=True)
                if attempt < self.attempts:
                    time.sleep(backoff_seconds(attempt, base=0.2, cap=5.0))
                continue
            if digest == sha:
                part.replace(target)
                return SpooledFile(
                    file_id=file_id,
                    path=str(target),
                    sha256=sha,
                    size=size,
                    media_type=media_type(file),
                    name=target.name,
                    meta=file,
                )
            last, mismatched = "SHA-256 differs from encryption_fingerprint", True
            part.unlink(missing_ok=True)
        part.unlink(missing_ok=True)
        error = IntegrityError if mismatched else TransientError
        raise error(f"file {file_id}: {last} after {self.attempts} attempts", file=file_id)

    def _transfer(self, url: str, part: Path, size: int) -> str:
        have = part.stat().st_size if part.exists() else 0
        if have >= size:
            part.unlink(missing_ok=True)
            have = 0
        hasher = hashlib.sha256()
        if have:
            with part.open("rb") as existing:
                while block := existing.read(CHUNK):
                    hasher.update(block)
        headers = {"Accept-Encoding": "identity"}
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            with closing(self._open(url, headers)) as response:
                if response.status_code == 206 and have and _range_start(response) == have:
                    mode = "ab"
                elif response.status_code == 200:
                    mode, have, hasher = "wb", 0, hashlib.sha256()
                else:
                    raise _Bad(f"download answered HTTP {response.status_code}", restart=False)
                written = _write(response, part, mode, hasher, size - have)
        except httpx.TransportError as exc:
            raise _Bad(f"transfer broke ({type(exc).__name__})", restart=False) from None
        if have + written < size:
            raise _Bad(f"short body: {have + written} of {size} bytes", restart=False)
        return hasher.hexdigest()

    def _open(self, url: str, headers: dict[str, str]):
        """Open a streamed GET, following redirects by the rules in the module docstring."""
        for _ in range(MAX_REDIRECTS + 1):
            auth = self.auth if self._trusted(url) else None
            request = self.http.build_request("GET", url, headers=headers)
            response = self.http.send(request, auth=auth, stream=True)
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            location = response.headers.get("Location", "")
            response.close()
            nxt = urljoin(url, location)
            if urlsplit(nxt).scheme not in ("http", "https") or (
                urlsplit(url).scheme == "https" and urlsplit(nxt).scheme != "https"
            ):
                raise _Bad("download redirected to a non-HTTP(S) or downgraded URL", False)
            url = nxt
        raise _Bad(f"download redirected more than {MAX_REDIRECTS} times", restart=False)

    def _trusted(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host == self.api_host or host == "zoom.us" or host.endswith(".zoom.us")


def _expectations(file: dict[str, Any]) -> tuple[str, str, int, str]:
    file_id = file.get("id")
    if not isinstance(file_id, str) or not file_id:
        raise PayloadError("archive file: field 'id' expected string")
    where = f"archive file {file_id}"
    url = file.get("download_url")
    if not isinstance(url, str) or not url:
        raise PayloadError(f"{where}: field 'download_url' missing (on-prem file_path?)")
    size = file.get("file_size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise PayloadError(f"{where}: field 'file_size' expected integer, got {size!r}")
    sha = file.get("encryption_fingerprint")
    if not isinstance(sha, str) or len(sha) != 64:
        raise PayloadError(f"{where}: field 'encryption_fingerprint' is not a SHA-256 hex")
    return file_id, url, size, sha.lower()


def _range_start(response: httpx.Response) -> int:
    value = response.headers.get("Content-Range", "")  # "bytes START-END/TOTAL"
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return -1


def _looks_html(chunk: bytes) -> bool:
    return chunk.lstrip()[:16].lower().startswith(_HTML_MARKS)


def _write(response: httpx.Response, part: Path, mode: str, hasher: Any, room: int) -> int:
    """Stream the body into ``part``; a second thread hashes while we read and write."""
    written = 0
    with part.open(mode) as out, _Hasher(hasher, room > THREAD_ABOVE) as sink:
        for chunk in response.iter_raw():
            if not written and mode == "wb" and _looks_html(chunk):
                raise _Bad("server sent an HTML page instead of the file", restart=True)
            written += len(chunk)
            if written > room:
                raise _Bad("body longer than file_size", restart=True)
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
