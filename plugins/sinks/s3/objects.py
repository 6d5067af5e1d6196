"""Single-object operations of the sink: look up, write once, read the lock back.

Every write sends ``If-None-Match: *`` (never replaces a key), the object's SHA-256
(``x-amz-checksum-sha256``, verified by the server against the bytes it receives) and an
explicit retention (``x-amz-object-lock-mode`` and ``-retain-until-date``): a bucket's
default retention is not relied on. The lock is read back with ``GetObjectRetention`` on the
exact version (not ``HEAD``, which some servers answer without lock headers for older
versions).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

import msgspec

from .client import is_missing, is_precondition_failed

__all__ = ["Lock", "Stored", "b64_sha256", "composite_checksum", "hex_to_b64"]


def hex_to_b64(sha256_hex: str) -> str:
    """The base64 form S3 uses for a hex SHA-256."""
    return base64.b64encode(bytes.fromhex(sha256_hex)).decode()


def b64_sha256(data: bytes) -> str:
    """The base64 SHA-256 of ``data``."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def composite_checksum(part_digests: list[bytes]) -> str:
    """The checksum S3 reports for a multipart object: SHA-256 of the part SHA-256s, ``-N``."""
    joined = hashlib.sha256(b"".join(part_digests)).digest()
    return f"{base64.b64encode(joined).decode()}-{len(part_digests)}"


class Lock(msgspec.Struct, frozen=True):
    """A retention: mode (``COMPLIANCE`` / ``GOVERNANCE``) and retain-until date (UTC)."""

    mode: str
    until: datetime

    def covers(self, other: Lock) -> bool:
        """True when this lock is at least as strong and as long as ``other``."""
        strong = self.mode == "COMPLIANCE" or other.mode == "GOVERNANCE"
        return strong and self.until >= other.until

    def joined(self, other: Lock | None) -> Lock:
        """The weakest lock covering both: the stronger mode, the later date."""
        if other is None:
            return self
        mode = "COMPLIANCE" if "COMPLIANCE" in (self.mode, other.mode) else "GOVERNANCE"
        return Lock(mode, max(self.until, other.until))


class Stored(msgspec.Struct, kw_only=True):
    """One object version as the server confirmed it."""

    key: str
    version_id: str
    size: int
    checksum: str = ""  # ChecksumSHA256 as the server reports it ("...=-N" for multipart)
    metadata: dict[str, str] = {}
    lock: Lock | None = None


def head(client: Any, bucket: str, key: str, version_id: str = "") -> Stored | None:
    """The current (or given) version of ``key`` with its checksum, or ``None`` if absent."""
    extra = {"VersionId": version_id} if version_id else {}
    try:
        got = client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED", **extra)
    except Exception as exc:
        if is_missing(exc) or _status(exc) == 404:
            return None
        raise
    return Stored(
        key=key,
        version_id=got.get("VersionId") or "",
        size=int(got.get("ContentLength", 0)),
        checksum=got.get("ChecksumSHA256") or "",
        metadata=dict(got.get("Metadata") or {}),
    )


def _status(exc: BaseException) -> int:
    response = getattr(exc, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def read_lock(client: Any, bucket: str, key: str, version_id: str) -> Lock | None:
    """The retention of one version (``GetObjectRetention``), ``None`` when it has none."""
    try:
        got = client.get_object_retention(Bucket=bucket, Key=key, VersionId=version_id)
    except Exception as exc:
        if _code(exc) in ("NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFound"):
            return None
        raise
    retention = got.get("Retention") or {}
    until = retention.get("RetainUntilDate")
    if not retention.get("Mode") or until is None:
        return None
    return Lock(mode=retention["Mode"], until=until.astimezone(UTC))


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def read_legal_hold(client: Any, bucket: str, key: str, version_id: str) -> bool:
    """Whether a legal hold is on for one version."""
    try:
        got = client.get_object_legal_hold(Bucket=bucket, Key=key, VersionId=version_id)
    except Exception as exc:
        if _code(exc) in ("NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFound"):
            return False
        raise
    return (got.get("LegalHold") or {}).get("Status") == "ON"


def lock_args(lock: Lock) -> dict[str, Any]:
    """The retention arguments of a PUT or CreateMultipartUpload."""
    return {"ObjectLockMode": lock.mode, "ObjectLockRetainUntilDate": lock.until}


def put_once(
    client: Any, bucket: str, key: str, data: bytes, lock: Lock, content_type: str
) -> Stored | None:
    """Write ``data`` as a new key with its SHA-256 and ``lock``; ``None`` if the key exists."""
    checksum = b64_sha256(data)
    try:
        got = client.put_object(
            Bucket=bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            ChecksumSHA256=checksum,
            IfNoneMatch="*",
            **lock_args(lock),
        )
    except Exception as exc:
        if is_precondition_failed(exc):
            return None
        raise
    return Stored(
        key=key,
        version_id=got.get("VersionId") or "",
        size=len(data),
        checksum=got.get("ChecksumSHA256") or checksum,
    )


def set_lock(client: Any, bucket: str, key: str, version_id: str, lock: Lock) -> None:
    """Extend (or set) the retention of one version; the server refuses any shortening."""
    client.put_object_retention(
        Bucket=bucket,
        Key=key,
        VersionId=version_id,
        Retention={"Mode": lock.mode, "RetainUntilDate": lock.until},
    )


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)
