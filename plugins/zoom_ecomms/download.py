"""Streaming archive files and chat attachments to the spool and verifying them.

Redirects are followed by hand: only to ``http(s)``, never from ``https`` down to ``http``,
at most five hops; the bearer token goes only where :func:`.hosts.bearer_allowed` allows
(HTTPS to the API host, ``zoom.us`` hosts, ZoomGov hosts for a ZoomGov account), so a
pre-signed storage URL never sees it. A broken transfer resumes with ``Range`` when the
server answers 206; a body of the wrong size or hash, or an HTML page, is never accepted.
Each attempt has an overall deadline (the request deadline plus one second per
``download_min_bytes_per_second`` bytes); the client's watchdog ends a transfer that passes
it, or every transfer when the run is interrupted. An archive file must match Zoom's
``encryption_fingerprint``; a chat attachment has none, so its SHA-256 is computed on
receipt (``fingerprint="computed"``) and only its size is checked; a failed attempt of one
is never resumed (without a fingerprint, bytes spliced from two answers could not be told
from the file), and bytes the server itself corrupted cannot be detected.
"""

from __future__ import annotations

import hashlib
import time
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import msgspec

from core.errors import IntegrityError, PayloadError, TransientError
from core.protocols import Meter, SpooledFile
from plugins.zoom_ecomms.auth import S2SAuth
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.hosts import bearer_allowed
from plugins.zoom_ecomms.models import ArchiveFile, PhysicalFile
from plugins.zoom_ecomms.parts import part_path
from plugins.zoom_ecomms.retry import backoff_seconds
from plugins.zoom_ecomms.selection import file_name, media_type
from plugins.zoom_ecomms.streaming import CHUNK, BadAttempt, write_body
from plugins.zoom_ecomms.transfer import Interrupted, Watchdog

__all__ = ["Downloader", "object_meta"]

MAX_REDIRECTS = 5


def object_meta(item: msgspec.Struct) -> dict[str, Any]:
    """A Zoom object as the JSON-able ``meta`` of its part (fields Zoom left out omitted)."""
    return {k: v for k, v in msgspec.to_builtins(item).items() if v is not None}


class _Want(msgspec.Struct, frozen=True):
    """What one download must deliver."""

    what: str
    url: str
    size: int | None
    sha256: str | None


class Downloader:
    """Downloads the archive files and attachments of one account into the spool.

    ``meter`` counts each download answer under the rate label ``download``.
    """

    def __init__(
        self,
        http: httpx.Client,
        auth: S2SAuth,
        config: ZoomConfig,
        watchdog: Watchdog,
        meter: Meter | None = None,
    ) -> None:
        self.meter = meter or Meter.off()
        self.http = http
        self.auth = auth
        self.api_base_url = config.api_base_url
        self.attempts = config.download_attempts
        self.deadline_seconds = config.request_deadline_seconds
        self.min_rate = config.download_min_bytes_per_second
        self.timeout = config.timeout_seconds
        self.watchdog = watchdog

    def fetch(self, file: ArchiveFile, directory: Path) -> SpooledFile:
        """Download an archive file and return it verified against Zoom's fingerprint.

        ``IntegrityError`` when the bytes never match, ``TransientError`` when the transfer
        kept failing, ``PayloadError`` when the file object itself is unusable.
        """
        want = _file_expectations(file)
        target = part_path(directory, "file", file.id, file.file_extension or "bin")
        digest, size = self._download(want, target)
        return SpooledFile(
            file_id=file.id,
            path=str(target),
            sha256=digest,
            size=size,
            media_type=media_type(file),
            name=file_name(file),
            meta=object_meta(file),
        )

    def fetch_attachment(self, file: PhysicalFile, directory: Path) -> SpooledFile:
        """Download a chat attachment; its SHA-256 is computed on receipt (Zoom gives none)."""
        where = f"attachment {file.file_id}"
        if not file.download_url:
            raise PayloadError(f"{where}: field 'download_url' missing")
        if file.file_size is not None and file.file_size < 0:
            raise PayloadError(f"{where}: field 'file_size' is negative")
        extension = file.file_name.rsplit(".", 1)[-1] if "." in file.file_name else "bin"
        target = part_path(directory, "attachment", file.file_id, extension)
        digest, size = self._download(_Want(where, file.download_url, file.file_size, None), target)
        return SpooledFile(
            file_id=file.file_id,
            path=str(target),
            sha256=digest,
            size=size,
            media_type="application/octet-stream",
            name=file.file_name or file.file_id,
            meta=object_meta(file),
            role="attachment",
            fingerprint="computed",
        )

    def _download(self, want: _Want, target: Path) -> tuple[str, int]:
        part = target.with_name(target.name + ".part")
        last, mismatched = "", False
        for attempt in range(1, self.attempts + 1):
            self.watchdog.check(want.what)
            try:
                digest, size = self._transfer(want, part)
            except BadAttempt as exc:
                last, mismatched = str(exc), exc.restart
                if exc.restart or want.sha256 is None:  # no fingerprint: resume nothing
                    part.unlink(missing_ok=True)
                if attempt < self.attempts:
                    time.sleep(backoff_seconds(attempt, base=0.2, cap=5.0))
                continue
            except Interrupted:
                part.unlink(missing_ok=True)
                raise
            if want.sha256 is None or digest == want.sha256:
                part.replace(target)
                return digest, size
            last, mismatched = "SHA-256 differs from encryption_fingerprint", True
            part.unlink(missing_ok=True)
        part.unlink(missing_ok=True)
        error = IntegrityError if mismatched else TransientError
        raise error(f"{want.what}: {last} after {self.attempts} attempts")

    def _transfer(self, want: _Want, part: Path) -> tuple[str, int]:
        size = want.size
        have = part.stat().st_size if part.exists() else 0
        if size is None or have >= size:
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
        deadline = time.monotonic() + self.deadline_seconds + (size or 0) / self.min_rate
        try:
            with (
                closing(self._open(want.url, headers, deadline)) as response,
                self.watchdog.guard(response, deadline) as key,
            ):
                mode, have, hasher = _mode(response, have, hasher)
                room = None if size is None else size - have
                try:
                    html = want.sha256 is not None
                    written = write_body(response, part, mode, hasher, room, deadline, html)
                except httpx.TransportError:
                    self.watchdog.check(want.what)
                    if self.watchdog.was_cut(key):
                        raise BadAttempt("no complete body within the deadline", False) from None
                    raise
                if self.watchdog.was_cut(key):  # ended by the watchdog, not by the server
                    self.watchdog.check(want.what)
                    raise BadAttempt("no complete body within the deadline", restart=False)
        except httpx.TransportError as exc:
            self.watchdog.check(want.what)
            raise BadAttempt(f"transfer broke ({type(exc).__name__})", restart=False) from None
        if size is not None and have + written < size:
            raise BadAttempt(f"short body: {have + written} of {size} bytes", restart=False)
        return hasher.hexdigest(), have + written

    def _open(self, url: str, headers: dict[str, str], deadline: float) -> httpx.Response:
        """Open a streamed GET, following redirects by the rules in the module docstring."""
        for _ in range(MAX_REDIRECTS + 1):
            auth = self.auth if bearer_allowed(url, self.api_base_url) else None
            left = max(0.1, deadline - time.monotonic())
            timeout = httpx.Timeout(min(self.timeout, left), connect=min(10.0, left))
            request = self.http.build_request("GET", url, headers=headers, timeout=timeout)
            response = self.http.send(request, auth=auth, stream=True)
            self.meter.request("download", response.status_code)
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            location = response.headers.get("Location", "")
            response.close()
            nxt = urljoin(url, location)
            if urlsplit(nxt).scheme not in ("http", "https") or (
                urlsplit(url).scheme == "https" and urlsplit(nxt).scheme != "https"
            ):
                raise BadAttempt("download redirected to a non-HTTP(S) or downgraded URL", False)
            url = nxt
        raise BadAttempt(f"download redirected more than {MAX_REDIRECTS} times", restart=False)


def _mode(response: httpx.Response, have: int, hasher: Any) -> tuple[str, int, Any]:
    if response.status_code == 206 and have and _range_start(response) == have:
        return "ab", have, hasher
    if response.status_code == 200:
        return "wb", 0, hashlib.sha256()
    raise BadAttempt(f"download answered HTTP {response.status_code}", restart=False)


def _file_expectations(file: ArchiveFile) -> _Want:
    where = f"file {file.id}"
    if not file.download_url:
        raise PayloadError(f"{where}: field 'download_url' missing (on-prem file_path?)")
    if file.file_size is None or file.file_size < 0:
        raise PayloadError(f"{where}: field 'file_size' expected integer, got {file.file_size!r}")
    sha = file.encryption_fingerprint.lower()
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise PayloadError(f"{where}: field 'encryption_fingerprint' is not a SHA-256 hex")
    return _Want(where, file.download_url, file.file_size, sha)


def _range_start(response: httpx.Response) -> int:
    value = response.headers.get("Content-Range", "")  # "bytes START-END/TOTAL"
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return -1
