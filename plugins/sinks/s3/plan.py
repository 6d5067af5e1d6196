"""Planning one write: what each object will be, and what the bucket already holds.

An artifact already stored must carry the SHA-256 its key names (single-part: the server's
checksum; multipart: the composite of its parts, recomputed from the spool file when there
is one). A record whose latest version differs at most by ``captured_at`` is not written
again; otherwise its next version number is chosen. Objects that an interrupted write left
unlisted are found again from the journal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import msgspec

from core.errors import IntegrityError, RecordRejected
from core.records import Record, encode_record

from .bucket import Bucket
from .layout import is_valid_record_id, is_valid_sha256
from .objects import Lock, Stored, composite_checksum, head, hex_to_b64, read_lock

__all__ = ["Planned", "Planner", "latest_version", "rejections", "same_content"]

_generic = msgspec.json.Decoder()
_REPLAY = "run `ecomms audit verify`"


def same_content(stored: bytes, new: bytes) -> bool:
    """True when two encoded records differ at most by ``captured_at`` (a replay)."""
    old_doc, new_doc = _generic.decode(stored), _generic.decode(new)
    old_doc.pop("captured_at", None)
    new_doc.pop("captured_at", None)
    return bool(old_doc == new_doc)


@dataclass
class Planned:
    """One object a write covers (a blob or a record version); ``stored`` once it exists."""

    key: str
    sha256: str
    lock: Lock
    record_id: str = ""
    path: Path | None = None
    data: bytes = b""
    media_type: str = "application/octet-stream"
    stored: Stored | None = None
    new: bool = False


def rejections(records: Sequence[Record], artifacts: Mapping[str, Path]) -> dict[str, str]:
    """Reasons to refuse records before anything is sent (bad ids, missing spool files)."""
    reasons: dict[str, str] = {}
    for sha, path in artifacts.items():
        if not is_valid_sha256(sha):
            reasons[sha] = "artifact key is not a lowercase hex SHA-256"
        elif not Path(path).is_file():
            reasons[sha] = f"artifact file {Path(path).name} is missing from the spool"
    for record in records:
        if not is_valid_record_id(record.id):
            reasons[record.id] = "record id is not usable in an object key"
    return reasons


def latest_version(bucket: Bucket, record_id: str) -> tuple[str, int, str] | None:
    """``(key, number, sha256)`` of a record's latest stored version, or ``None``."""
    latest = None
    for item in bucket.list_keys(bucket.layout.record_prefix(record_id)):
        parsed = bucket.layout.parse_version(item["Key"])
        if parsed and parsed[0] == record_id and (latest is None or parsed[1] > latest[1]):
            latest = (item["Key"], parsed[1], parsed[2])
    return latest


def _composite_of(path: Path, stored: Stored) -> str:
    """The composite checksum ``path`` would have uploaded with the stored part size."""
    part_size = int(stored.metadata.get("part-size", "0") or 0)
    if part_size <= 0:
        return ""
    digests = []
    with path.open("rb") as fh:
        while chunk := fh.read(part_size):
            digests.append(hashlib.sha256(chunk).digest())
    return composite_checksum(digests)


class Planner:
    """Plans the objects of one write, at one moment (the locks run from ``now``)."""

    def __init__(
        self,
        bucket: Bucket,
        records: Sequence[Record],
        artifacts: Mapping[str, Path],
        now: datetime,
    ) -> None:
        self.b, self.records, self.artifacts, self.now = bucket, records, artifacts, now

    def lock(self, kinds: list[str]) -> Lock:
        """The lock an object referenced by records of ``kinds`` needs."""
        config = self.b.config
        return Lock(config.retention_mode, config.until(config.retention_for(kinds), self.now))

    def blobs(self) -> list[Planned]:
        """Every artifact provided or referenced, with its lock (not looked up yet)."""
        kinds: dict[str, list[str]] = {sha: [] for sha in self.artifacts}
        media: dict[str, str] = {}
        for record in self.records:
            for artifact in record.artifacts:
                kinds.setdefault(artifact.sha256, []).append(record.kind)
                media.setdefault(artifact.sha256, artifact.media_type)
        return [
            Planned(
                key=self.b.layout.blob(sha),
                sha256=sha,
                lock=self.lock(kinds[sha]),
                path=Path(self.artifacts[sha]) if sha in self.artifacts else None,
                media_type=media.get(sha) or "application/octet-stream",
            )
            for sha in sorted(kinds)
        ]

    def look_up(self, item: Planned | Record) -> Planned:
        """A blob looked up (:meth:`look_up_blob`) or a record planned (:meth:`record`)."""
        return self.look_up_blob(item) if isinstance(item, Planned) else self.record(item)

    def refuse_absent(self, blobs: list[Planned]) -> None:
        """RecordRejected naming the records whose artifacts are neither given nor stored."""
        missing = {o.sha256 for o in blobs if o.stored is None and o.path is None}
        if not missing:
            return
        reasons = {
            record.id: f"artifact {artifact.sha256} was not provided"
            for record in self.records
            for artifact in record.artifacts
            if artifact.sha256 in missing
        }
        raise RecordRejected(
            "the archive refused records: " + "; ".join(f"{k}: {v}" for k, v in reasons.items()),
            reasons=reasons,
            sink=self.b.sink,
        )

    def look_up_blob(self, obj: Planned) -> Planned:
        """``obj`` with ``stored`` set when its key exists (and holds the right bytes)."""
        try:
            obj.stored = head(self.b.client, self.b.name, obj.key)
        except Exception as exc:
            raise self.b.fail(exc, f"look up blob {obj.sha256}") from exc
        if obj.stored is not None:
            self._check_blob(obj, obj.stored)
        return obj

    def _check_blob(self, obj: Planned, stored: Stored) -> None:
        if stored.checksum == hex_to_b64(obj.sha256):
            return
        composite = "-" in stored.checksum and stored.metadata.get("sha256") == obj.sha256
        if composite and (obj.path is None or _composite_of(obj.path, stored) == stored.checksum):
            return
        raise IntegrityError(
            f"a stored blob does not match its name; {_REPLAY}", sink=self.b.sink, key=obj.key
        )

    def record(self, record: Record) -> Planned:
        """The record's latest version when it has the same content, else its next version."""
        data = encode_record(record)
        lock = self.lock([record.kind])
        try:
            latest = latest_version(self.b, record.id)
            same = self._stored_if_same(latest[0], latest[2], data) if latest else None
        except IntegrityError:
            raise
        except Exception as exc:
            raise self.b.fail(exc, f"read record {record.id}") from exc
        if latest is not None and same is not None:
            return Planned(
                key=latest[0], sha256=latest[2], lock=lock, record_id=record.id, stored=same
            )
        sha = hashlib.sha256(data).hexdigest()
        key = self.b.layout.record_version(record.id, latest[1] + 1 if latest else 1, sha)
        return Planned(
            key=key,
            sha256=sha,
            lock=lock,
            record_id=record.id,
            data=data,
            media_type="application/json",
        )

    def _stored_if_same(self, key: str, sha: str, data: bytes) -> Stored | None:
        got = self.b.client.get_object(Bucket=self.b.name, Key=key)
        stored = got["Body"].read()
        if hashlib.sha256(stored).hexdigest() != sha:
            raise IntegrityError(
                f"a stored record version does not match its name; {_REPLAY}",
                sink=self.b.sink,
                key=key,
            )
        try:
            same = same_content(stored, data)
        except msgspec.DecodeError:
            raise IntegrityError(
                f"a stored record version is not valid JSON; {_REPLAY}", sink=self.b.sink, key=key
            ) from None
        if not same:
            return None
        version = got.get("VersionId") or ""
        return Stored(key=key, version_id=version, size=len(stored), checksum=hex_to_b64(sha))

    def leftovers(self, keys: list[str]) -> list[Planned]:
        """The objects of ``keys`` (an interrupted write's) that exist, to be listed now."""
        return [o for o in self.b.each(self._leftover, keys) if o is not None]

    def _leftover(self, key: str) -> Planned | None:
        layout = self.b.layout
        version, blob = layout.parse_version(key), layout.parse_blob(key)
        sha = blob or (version[2] if version else "")
        if not sha:
            return None
        try:
            stored = head(self.b.client, self.b.name, key)
            if stored is not None:
                stored.lock = read_lock(self.b.client, self.b.name, key, stored.version_id)
        except Exception as exc:
            raise self.b.fail(exc, f"look up {key}") from exc
        if stored is None or stored.lock is None:
            return None  # gone, or not ours: every object we write carries a retention
        record_id = version[0] if version else ""
        return Planned(
            key=key, sha256=sha, lock=stored.lock, stored=stored, new=True, record_id=record_id
        )
