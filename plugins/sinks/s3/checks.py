"""``check()`` of the s3 sink: bucket, Object Lock, versioning and the permissions it needs.

Nothing is stored by a check: the write permission is probed with a PUT whose checksum is
deliberately wrong (the server authorises it, then refuses the bytes with ``BadDigest``), and
the read permissions with requests on a key that does not exist (``NoSuchKey`` means
permitted). A locked probe object would otherwise stay in the bucket for the whole
retention period, once per ``ecomms check``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from core.errors import ConfigError, EcommsError
from core.protocols import Finding

from .bucket import Bucket
from .client import error_code
from .objects import Lock, lock_args

__all__ = ["bucket_findings", "ensure_object_lock", "require_object_lock"]

_CREATE = (
    "create a bucket with Object Lock enabled (aws s3api create-bucket --bucket NAME"
    " --object-lock-enabled-for-bucket; docs/s3.md) and set bucket to it"
)


def _finding(bucket: Bucket, check: str, ok: bool, detail: str, action: str = "") -> Finding:
    return Finding(component=bucket.sink, check=check, ok=ok, detail=detail, action=action)


def _failed(bucket: Bucket, check: str, exc: BaseException, what: str) -> Finding:
    # our messages say what happened, then "; " and what to do
    detail, _, action = bucket.fail(exc, what).message.partition("; ")
    return _finding(bucket, check, False, detail, action)


def require_object_lock(bucket: Bucket) -> list[Finding]:
    """The bucket exists, has Object Lock enabled and versioning on (one finding each)."""
    client, name = bucket.client, bucket.name
    try:
        status = client.get_bucket_versioning(Bucket=name).get("Status", "")
    except Exception as exc:
        return [_failed(bucket, "bucket", exc, f"read bucket {name}")]
    out = [_finding(bucket, "bucket", True, bucket.where)]
    try:
        config = client.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"]
        enabled = config.get("ObjectLockEnabled") == "Enabled"
    except Exception as exc:
        if "ObjectLockConfiguration" not in error_code(exc):
            return [*out, _failed(bucket, "object lock", exc, f"read bucket {name}")]
        enabled = False
    if not enabled:
        out.append(
            _finding(
                bucket,
                "object lock",
                False,
                f"bucket {name} has no Object Lock: nothing stored there would be write-once",
                _CREATE,
            )
        )
        return out
    out.append(_finding(bucket, "object lock", True, "enabled"))
    out.append(
        _finding(
            bucket,
            "versioning",
            status == "Enabled",
            status or "never enabled",
            "" if status == "Enabled" else "enable versioning on the bucket",
        )
    )
    return out


def _probe(bucket: Bucket, check: str, call: Callable[[], Any], allowed: set[str]) -> Finding:
    """Run a request that must fail with one of ``allowed`` codes (permitted, nothing done)."""
    try:
        call()
    except Exception as exc:
        if error_code(exc) in allowed:
            return _finding(bucket, check, True, "permitted")
        return _failed(bucket, check, exc, check)
    return _finding(bucket, check, True, "permitted")


def permission_findings(bucket: Bucket) -> list[Finding]:
    """Put with retention, read, read retention, legal hold: each permitted, nothing stored."""
    client, name, config = bucket.client, bucket.name, bucket.config
    key = f"{bucket.layout.prefix}check/probe-never-stored"
    lock = Lock(config.retention_mode, config.until(config.default_retention()))
    wrong = base64.b64encode(b"\0" * 32).decode()
    missing = {"NoSuchKey", "404", "NoSuchVersion"}
    return [
        _probe(
            bucket,
            "put with retention",
            lambda: client.put_object(
                Bucket=name,
                Key=key,
                Body=b"probe",
                ChecksumSHA256=wrong,
                IfNoneMatch="*",
                **lock_args(lock),
            ),
            {"BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch"},
        ),
        _probe(bucket, "get", lambda: client.get_object(Bucket=name, Key=key), missing),
        _probe(
            bucket,
            "get retention",
            lambda: client.get_object_retention(Bucket=name, Key=key),
            missing,
        ),
        _probe(
            bucket,
            "legal hold",
            lambda: client.get_object_legal_hold(Bucket=name, Key=key),
            missing,
        ),
    ]


def bucket_findings(bucket: Bucket) -> list[Finding]:
    """Every finding of ``check()``; never raises for a failed check."""
    try:
        found = require_object_lock(bucket)
        if not all(f.ok for f in found):
            return found
        return [*found, *permission_findings(bucket)]
    except EcommsError as exc:
        return [_finding(bucket, "bucket", False, exc.one_line())]
    except Exception as exc:
        return [_failed(bucket, "bucket", exc, f"reach bucket {bucket.name}")]


def ensure_object_lock(bucket: Bucket) -> None:
    """Raise ``ConfigError`` (or the translated error) unless the bucket can keep WORM objects."""
    client, name = bucket.client, bucket.name
    try:
        status = client.get_bucket_versioning(Bucket=name).get("Status", "")
        try:
            config = client.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"]
            enabled = config.get("ObjectLockEnabled") == "Enabled"
        except Exception as exc:
            if "ObjectLockConfiguration" not in error_code(exc):
                raise
            enabled = False
    except Exception as exc:
        raise bucket.fail(exc, f"read bucket {name}") from exc
    if not enabled:
        raise ConfigError(
            f"bucket {name} has no Object Lock, so nothing there would be write-once; {_CREATE}",
            sink=bucket.sink,
        )
    if status != "Enabled":
        raise ConfigError(
            f"bucket {name} has versioning {status or 'never enabled'}; enable it (docs/s3.md)",
            sink=bucket.sink,
        )
