"""Legal holds and retention extensions on the objects of selected units.

A unit's objects are found from what the custody ledger says the sink holds for it: the
artifacts by SHA-256, the record versions by digest (or, for entries written before digests
existed, every version of the unit's records). Every S3 version of each key is included,
so an overwrite planted beside one of ours is held too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .bucket import Bucket
from .client import error_code
from .objects import Lock, read_legal_hold, read_lock, set_lock

__all__ = ["ObjectRef", "Outcome", "extend_retention", "find_objects", "hold_status", "set_hold"]


@dataclass(frozen=True, order=True)
class ObjectRef:
    """One object version."""

    key: str
    version_id: str


@dataclass
class Outcome:
    """What an action did: objects changed, and one line per object the server refused."""

    done: int = 0
    refused: list[str] | None = None

    def refuse(self, line: str) -> None:
        """Record one refusal."""
        self.refused = [*(self.refused or []), line]


def _versions(bucket: Bucket, prefix: str, exact: bool) -> list[ObjectRef]:
    found = []
    paginator = bucket.client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket.name, Prefix=prefix):
        for v in page.get("Versions") or []:
            if not exact or v["Key"] == prefix:
                found.append(ObjectRef(v["Key"], v["VersionId"]))
    return found


def find_objects(
    bucket: Bucket,
    artifacts: Iterable[str],
    versions: Iterable[tuple[str, str]],
    record_ids: Iterable[str],
) -> list[ObjectRef]:
    """Every stored version of the named artifacts, record versions ``(id, digest)`` and
    records (every version of each of ``record_ids``), sorted, once each."""
    layout = bucket.layout
    digests: dict[str, set[str]] = {}
    for record_id, digest in versions:
        digests.setdefault(record_id, set()).add(digest)
    every = set(record_ids)
    found: set[ObjectRef] = set()
    try:
        for sha in set(artifacts):
            found.update(_versions(bucket, layout.blob(sha), exact=True))
        for record_id in every | set(digests):
            for ref in _versions(bucket, layout.record_prefix(record_id), exact=False):
                parsed = layout.parse_version(ref.key)
                if parsed and (record_id in every or parsed[2] in digests[record_id]):
                    found.add(ref)
    except Exception as exc:
        raise bucket.fail(exc, "list the objects to act on") from exc
    return sorted(found)


def set_hold(bucket: Bucket, refs: list[ObjectRef], on: bool) -> Outcome:
    """Place (``on``) or release the legal hold of every object."""
    outcome = Outcome()
    status = "ON" if on else "OFF"

    def one(ref: ObjectRef) -> None:
        try:
            bucket.client.put_object_legal_hold(
                Bucket=bucket.name,
                Key=ref.key,
                VersionId=ref.version_id,
                LegalHold={"Status": status},
            )
        except Exception as exc:
            if not error_code(exc):
                raise bucket.fail(exc, "set a legal hold") from exc
            outcome.refuse(f"{ref.key}: {bucket.fail(exc, 'set the legal hold').message}")
            return
        outcome.done += 1

    bucket.each(one, refs)
    return outcome


def hold_status(bucket: Bucket, refs: list[ObjectRef]) -> list[tuple[ObjectRef, bool]]:
    """Each object with whether its legal hold is on (read from the server)."""
    try:
        flags = bucket.each(
            lambda ref: read_legal_hold(bucket.client, bucket.name, ref.key, ref.version_id), refs
        )
    except Exception as exc:
        raise bucket.fail(exc, "read legal holds") from exc
    return list(zip(refs, flags, strict=True))


def extend_retention(bucket: Bucket, refs: list[ObjectRef], until: datetime) -> Outcome:
    """Set every object's retain-until date to ``until`` (mode kept); report refusals.

    The server refuses to shorten a retention (and to weaken its mode); each refusal is
    one line naming the object and its current lock, never retried with a bypass.
    """
    outcome = Outcome()

    def one(ref: ObjectRef) -> None:
        current = None
        try:
            current = read_lock(bucket.client, bucket.name, ref.key, ref.version_id)
            mode = current.mode if current else bucket.config.retention_mode
            set_lock(bucket.client, bucket.name, ref.key, ref.version_id, Lock(mode, until))
        except Exception as exc:
            if not error_code(exc):
                raise bucket.fail(exc, "extend a retention") from exc
            held = (
                f" (locked {current.mode} until {current.until:%Y-%m-%dT%H:%M:%SZ})"
                if current
                else ""
            )
            reason = bucket.fail(exc, "change the retention").message
            outcome.refuse(f"{ref.key}{held}: the server refused: {reason}")
            return
        outcome.done += 1

    bucket.each(one, refs)
    return outcome
