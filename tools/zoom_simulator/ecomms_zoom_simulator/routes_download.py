"""Archive file downloads: Bearer auth, optional 302 hop, Range requests, download faults."""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import re
import time
from collections.abc import Iterator
from urllib.parse import quote

from ecomms_zoom_simulator.http import ApiError, Request, Response
from ecomms_zoom_simulator.media import Blob
from ecomms_zoom_simulator.model import ArchiveFile, Attachment

__all__ = [
    "CONTENT_TYPES",
    "attachment_response",
    "corrupt",
    "file_response",
    "parse_range",
    "serve",
    "sign",
]

CONTENT_TYPES = {
    "MP4": "video/mp4",
    "M4A": "audio/mp4",
    "TXT": "text/plain; charset=utf-8",
    "VTT": "text/vtt; charset=utf-8",
    "JSON": "application/json",
}
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_HTML = (
    b"<!DOCTYPE html><html><head><title>Zoom</title></head><body><h1>Sorry, this page is "
    b"no longer available.</h1><p>Please sign in again.</p></body></html>"
)


def sign(secret: str, file_id: str, expires: int) -> str:
    """The signature of a pre-signed redirect target."""
    return hmac.new(secret.encode(), f"{file_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def check_signature(secret: str, file_id: str, req: Request) -> None:
    """Refuse a redirect target whose signature is wrong or expired (403)."""
    expires = req.arg("expires", "0")
    good = expires.isdigit() and int(expires) >= time.time()
    if not good or not hmac.compare_digest(
        sign(secret, file_id, int(expires)), req.arg("signature", "")
    ):
        raise ApiError(403, 403, "The link is invalid or has expired.")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``[start, end)`` of a ``Range`` header; ``None`` without one; 416 if unsatisfiable."""
    if not header:
        return None
    found = _RANGE.fullmatch(header.strip())
    bad = ApiError(
        416, 416, "Requested range not satisfiable.", {"Content-Range": f"bytes */{size}"}
    )
    if found is None or found.group(1) == found.group(2) == "":
        raise bad
    first, last = found.groups()
    if first == "":
        start, end = max(0, size - int(last)), size
    else:
        start, end = int(first), min(size, int(last) + 1 if last else size)
    if start >= size or start >= end:
        raise bad
    return start, end


def corrupt(chunks: Iterator[bytes], position: int) -> Iterator[bytes]:
    """Yield ``chunks`` with the byte at ``position`` flipped."""
    seen = 0
    for chunk in chunks:
        if seen <= position < seen + len(chunk):
            at = position - seen
            chunk = chunk[:at] + bytes([chunk[at] ^ 0xFF]) + chunk[at + 1 :]
        seen += len(chunk)
        yield chunk


def _cut(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    sent = 0
    for chunk in chunks:
        if sent + len(chunk) >= limit:
            yield chunk[: limit - sent]
            return
        sent += len(chunk)
        yield chunk


def file_response(f: ArchiveFile, req: Request, fault: str | None) -> Response:
    """The answer to one download of ``f``, with ``fault`` (a download fault name) applied."""
    if f.status != "completed":
        raise ApiError(404, 3001, f"File {f.id} is not available ({f.status}).")
    kind = CONTENT_TYPES.get(f.extension, "application/octet-stream")
    return serve(f.blob, f"{f.id}.{f.extension.lower()}", kind, req, fault)


def attachment_response(a: Attachment, req: Request, fault: str | None) -> Response:
    """The answer to one download of a file shared in the chat (``physical_files``)."""
    kind = mimetypes.guess_type(a.name)[0] or "application/octet-stream"
    return serve(a.blob, a.name, kind, req, fault)


def _disposition(name: str) -> str:
    if name.isascii() and '"' not in name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename*=UTF-8''{quote(name)}"


def serve(blob: Blob, name: str, kind: str, req: Request, fault: str | None) -> Response:
    """Bytes of ``blob`` (a ``Range`` of them) as ``name``, with a download fault applied."""
    size = blob.size
    if fault == "html_download":
        return Response(200, _HTML, {"Content-Type": "text/html;charset=utf-8"}, len(_HTML))
    span = parse_range(req.headers.get("range", ""), size)
    start, end = span or (0, size)
    headers = {
        "Content-Type": kind,
        "Content-Disposition": _disposition(name),
        "Accept-Ranges": "bytes",
    }
    if span:
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    chunks = blob.iter_range(start, end)
    length = end - start
    if fault == "corrupt_download":
        chunks = corrupt(chunks, length // 2)
    elif fault == "truncated_download":
        length = length // 2
        chunks = _cut(chunks, length)
    elif fault == "dropped_download":
        chunks = _cut(chunks, length // 2)
    return Response(206 if span else 200, chunks, headers, length)
