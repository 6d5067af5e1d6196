"""Reading the archive back: records (latest or every version), all records, artifacts."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
from collections.abc import Collection, Iterator
from pathlib import Path

from core.errors import EcommsError, IntegrityError
from core.records import Record, decode_record

from .bucket import Bucket
from .client import is_missing
from .layout import RECORDS, is_valid_record_id, is_valid_sha256
from .plan import latest_version

__all__ = ["fetch_artifact", "iter_latest", "read_latest", "read_versions"]

_CHUNK = 1 << 20


def _read(bucket: Bucket, key: str) -> Record:
    data = bucket.client.get_object(Bucket=bucket.name, Key=key)["Body"].read()
    return decode_record(data)


def read_latest(bucket: Bucket, record_id: str) -> Record | None:
    """The latest version of a record, or ``None``."""
    if not is_valid_record_id(record_id):
        return None
    try:
        latest = latest_version(bucket, record_id)
        return _read(bucket, latest[0]) if latest else None
    except EcommsError:
        raise
    except Exception as exc:
        raise bucket.fail(exc, f"read record {record_id}") from exc


def read_versions(bucket: Bucket, record_id: str) -> list[Record]:
    """Every stored version of a record, oldest first."""
    if not is_valid_record_id(record_id):
        return []
    try:
        keys = []
        for item in bucket.list_keys(bucket.layout.record_prefix(record_id)):
            parsed = bucket.layout.parse_version(item["Key"])
            if parsed and parsed[0] == record_id:
                keys.append((parsed[1], item["Key"]))
        return [_read(bucket, key) for _, key in sorted(keys)]
    except Exception as exc:
        raise bucket.fail(exc, f"read record {record_id}") from exc


def _latest_keys(bucket: Bucket) -> Iterator[str]:
    """The latest version key of every record, in ascending record id order.

    Keys are listed in byte order, grouped by the id's first two characters; within a group
    ids are sorted in memory (one group at a time), as ``a.b`` must come after ``a``.
    """
    layout = bucket.layout
    parsed = (
        (p, item["Key"])
        for item in bucket.list_keys(layout.prefix + RECORDS)
        if (p := layout.parse_version(item["Key"])) is not None
    )
    for _, group in itertools.groupby(parsed, key=lambda pk: pk[0][0][:2]):
        latest: dict[str, tuple[int, str]] = {}
        for (record_id, number, _), key in group:
            if record_id not in latest or number > latest[record_id][0]:
                latest[record_id] = (number, key)
        for record_id in sorted(latest):
            yield latest[record_id][1]


def iter_latest(bucket: Bucket, kinds: Collection[str] = ()) -> Iterator[Record]:
    """The latest version of every record (of ``kinds``), ascending id order, streamed."""
    wanted = set(kinds)
    try:
        for record in bucket.stream(lambda key: _read(bucket, key), _latest_keys(bucket)):
            if not wanted or record.kind in wanted:
                yield record
    except EcommsError:
        raise
    except Exception as exc:
        raise bucket.fail(exc, "read the stored records") from exc


def fetch_artifact(bucket: Bucket, sha256: str, directory: Path) -> Path:
    """Download an artifact into ``directory`` (named by its SHA-256), verified; its path."""
    if not is_valid_sha256(sha256):
        raise IntegrityError("not a SHA-256", sink=bucket.sink, sha256=sha256)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / sha256
    tmp = directory / f".{sha256}.{os.getpid()}.part"
    digest = hashlib.sha256()
    try:
        body = bucket.client.get_object(Bucket=bucket.name, Key=bucket.layout.blob(sha256))["Body"]
        with tmp.open("wb") as out:
            for chunk in body.iter_chunks(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        if is_missing(exc):
            raise IntegrityError(
                f"artifact {sha256} is missing from the archive", sink=bucket.sink
            ) from None
        raise bucket.fail(exc, f"download artifact {sha256}") from exc
    if digest.hexdigest() != sha256:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise IntegrityError(
            f"artifact {sha256} was altered in the archive (its bytes hash to"
            f" {digest.hexdigest()})",
            sink=bucket.sink,
        )
    os.replace(tmp, final)
    return final
