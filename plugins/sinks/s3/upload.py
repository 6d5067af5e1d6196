"""Uploading one artifact from the spool: one PUT, or a multipart upload for large files.

Explicit multipart calls rather than boto3's transfer manager, because the sink needs each
part's SHA-256 sent with the part, the retention and ``If-None-Match: *`` on the upload and
the version id of the result. Bytes stream from the spool file: a part is read once to hash
it (the whole file's SHA-256 is computed on the way, in order) and once more by the request
itself, so memory stays constant (a 1 MiB read buffer per part in flight) whatever the size.
The full SHA-256 must equal the artifact's name before the upload is completed; any failure
aborts the upload, so no partial object ever becomes visible. A process killed mid-upload
leaves an incomplete upload that :func:`abort_stale_uploads` removes on the next start.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import IntegrityError

from .client import is_precondition_failed
from .objects import Stored, composite_checksum, hex_to_b64, lock_args

if TYPE_CHECKING:
    from .plan import Planned

__all__ = ["FileRange", "Transfer", "abort_stale_uploads", "upload_file"]

log = logging.getLogger("ecomms.sinks.s3")

_READ = 1 << 20


class FileRange:
    """A read-only, seekable view of ``length`` bytes of a file from ``offset`` (a part body)."""

    def __init__(self, path: Path, offset: int, length: int) -> None:
        self._fh = path.open("rb")
        self._start, self._length, self._pos = offset, length, 0
        self._fh.seek(offset)

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative)."""
        left = self._length - self._pos
        size = left if size is None or size < 0 else min(size, left)
        data = self._fh.read(size) if size else b""
        self._pos += len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move within the range (botocore rewinds a body to retry it)."""
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._length}[whence]
        self._pos = max(0, min(self._length, base + offset))
        self._fh.seek(self._start + self._pos)
        return self._pos

    def tell(self) -> int:
        """Position within the range."""
        return self._pos

    def __len__(self) -> int:
        return self._length

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


def _hash_range(fh: Any, length: int, whole: Any) -> bytes:
    """SHA-256 of the next ``length`` bytes of ``fh``, also fed to ``whole``."""
    part = hashlib.sha256()
    left = length
    while left:
        chunk = fh.read(min(_READ, left))
        if not chunk:
            raise IntegrityError("the spool file is shorter than its recorded size")
        part.update(chunk)
        whole.update(chunk)
        left -= len(chunk)
    return part.digest()


@dataclass(frozen=True)
class Transfer:
    """How to upload one file: part size, multipart threshold, the part pool and its share."""

    part_size: int
    threshold: int
    pool: ThreadPoolExecutor
    in_flight: int


def upload_file(client: Any, bucket: str, obj: Planned, transfer: Transfer) -> Stored | None:
    """Upload ``obj.path`` as ``obj.key`` once; ``None`` when the key already existed."""
    assert obj.path is not None
    size = obj.path.stat().st_size
    if size < transfer.threshold:
        return _put_file(client, bucket, obj, size)
    upload = _Multipart(client, bucket, obj.key, transfer.pool, transfer.in_flight)
    return upload.run(obj, size, transfer.part_size)


def _put_file(client: Any, bucket: str, obj: Planned, size: int) -> Stored | None:
    assert obj.path is not None
    key, sha256 = obj.key, obj.sha256
    checksum = hex_to_b64(sha256)  # the server checks the bytes against the artifact's name
    with obj.path.open("rb") as body:
        try:
            got = client.put_object(
                Bucket=bucket,
                Key=key,
                Body=body,
                ContentLength=size,
                ContentType=obj.media_type,
                ChecksumSHA256=checksum,
                IfNoneMatch="*",
                Metadata={"sha256": sha256},
                **lock_args(obj.lock),
            )
        except Exception as exc:
            if is_precondition_failed(exc):
                return None
            raise
    return Stored(
        key=key,
        version_id=got.get("VersionId") or "",
        size=size,
        checksum=got.get("ChecksumSHA256") or checksum,
    )


class _Multipart:
    """One multipart upload with per-part SHA-256, at most ``in_flight`` parts at a time."""

    def __init__(
        self, client: Any, bucket: str, key: str, pool: ThreadPoolExecutor, in_flight: int
    ) -> None:
        self.client, self.bucket, self.key = client, bucket, key
        self.pool, self.in_flight = pool, in_flight
        self.upload_id = ""

    def run(self, obj: Planned, size: int, part_size: int) -> Stored | None:
        """Create, upload every part, check the whole SHA-256, complete; abort on any error."""
        assert obj.path is not None
        created = self.client.create_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            ContentType=obj.media_type,
            ChecksumAlgorithm="SHA256",
            Metadata={"sha256": obj.sha256, "part-size": str(part_size)},
            **lock_args(obj.lock),
        )
        self.upload_id = created["UploadId"]
        try:
            parts, digests = self._parts(obj.path, obj.sha256, size, part_size)
            got = self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self.key,
                UploadId=self.upload_id,
                MultipartUpload={"Parts": parts},
                IfNoneMatch="*",
            )
        except BaseException as exc:
            self._abort()
            if is_precondition_failed(exc):
                return None
            raise
        return Stored(
            key=self.key,
            version_id=got.get("VersionId") or "",
            size=size,
            checksum=got.get("ChecksumSHA256") or composite_checksum(digests),
        )

    def _parts(
        self, path: Path, sha256: str, size: int, part_size: int
    ) -> tuple[list[dict[str, Any]], list[bytes]]:
        whole = hashlib.sha256()
        digests: list[bytes] = []
        pending: deque[Future[dict[str, Any]]] = deque()
        done: list[dict[str, Any]] = []
        try:
            with path.open("rb") as fh:
                for number, offset in enumerate(range(0, size, part_size), start=1):
                    length = min(part_size, size - offset)
                    digests.append(_hash_range(fh, length, whole))
                    if len(pending) >= self.in_flight:
                        done.append(pending.popleft().result())
                    part = (path, number, offset, length, digests[-1])
                    pending.append(self.pool.submit(self._part, *part))
            if whole.hexdigest() != sha256:
                raise IntegrityError(
                    "artifact bytes do not match their SHA-256; nothing was stored",
                    file=path.name,
                    expected=sha256,
                    actual=whole.hexdigest(),
                )
            done.extend(future.result() for future in pending)
        except BaseException:
            _drain(pending)  # no part may still be arriving when the upload is aborted
            raise
        return done, digests

    def _part(self, path: Path, number: int, offset: int, length: int, digest: bytes) -> dict:
        checksum = base64.b64encode(digest).decode()
        body = FileRange(path, offset, length)
        try:
            got = self.client.upload_part(
                Bucket=self.bucket,
                Key=self.key,
                UploadId=self.upload_id,
                PartNumber=number,
                Body=body,
                ContentLength=length,
                ChecksumSHA256=checksum,
            )
        finally:
            body.close()
        return {"PartNumber": number, "ETag": got["ETag"], "ChecksumSHA256": checksum}

    def _abort(self) -> None:
        try:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self.upload_id
            )
        except Exception as exc:  # the next start aborts it; the original error matters
            log.warning(
                "could not abort upload of %s now (%r); aborted on next start", self.key, exc
            )


def _drain(pending: deque[Future[Any]]) -> None:
    """Cancel parts not started and wait for the others to end (their errors are moot)."""
    for future in pending:
        future.cancel()
    for future in pending:
        if not future.cancelled():
            future.exception()


def abort_stale_uploads(client: Any, bucket: str, prefix: str, before: datetime) -> int:
    """Abort incomplete uploads under ``prefix`` started before ``before``; return how many.

    They were never acknowledged (a receipt needs the completed object), so nothing that was
    promised is lost; what they held is uploaded again by the retried write.
    """
    aborted = 0
    paginator = client.get_paginator("list_multipart_uploads")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for upload in page.get("Uploads") or []:
            if upload["Initiated"] >= before:
                continue
            client.abort_multipart_upload(
                Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )
            aborted += 1
            log.warning("aborted an interrupted upload of %s (a killed run)", upload["Key"])
    return aborted
