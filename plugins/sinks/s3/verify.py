"""``verify()`` of the s3 sink: the manifest chain, every listed object, and the ledger's list.

What is checked, per object version the manifest lists (all of them, in parallel; two small
requests each):

- it still exists (``ListObjectVersions``) with its size, and is not hidden by a delete marker;
- the server's stored checksum (``HEAD``, ``x-amz-checksum-sha256``) is the one the upload
  was verified with — object versions are immutable, so this proves the bytes are unchanged
  without downloading them;
- ``GetObjectRetention`` shows a lock no weaker and no shorter than the one it was given, and
  not expired (a legal hold counts as a lock).

Then: every other object version under the prefix is *unlisted* (planted, or an overwrite of
one of ours), unless the writer's journal names it (a write in progress); every manifest
segment is locked and written once; and with an ``Expected`` from the custody ledger, every
artifact and record version it names must be among the verified objects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.errors import EcommsError
from core.protocols import Expected, Finding

from .bucket import Bucket
from .journal import Journal
from .manifest import GENESIS, Entry, line_hash, parse_segment
from .objects import Lock, head, now, read_legal_hold, read_lock

__all__ = ["verify_bucket"]

_RESTORE = "restore it from a replica or backup; the record of custody is broken"


@dataclass
class _Listing:
    """Every object version and delete marker under the prefix."""

    versions: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    markers: dict[str, list[str]] = field(default_factory=dict)  # key -> latest marker ids


@dataclass
class _Report:
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    bytes: int = 0
    records: int = 0
    blobs: int = 0

    def add(self, check: str, detail: str, action: str = _RESTORE) -> None:
        self.problems.append((check, detail, action))


def _list(bucket: Bucket) -> _Listing:
    listing = _Listing()
    paginator = bucket.client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket.name, Prefix=bucket.layout.prefix):
        for v in page.get("Versions") or []:
            listing.versions.setdefault(v["Key"], {})[v["VersionId"]] = v
        for m in page.get("DeleteMarkers") or []:
            if m.get("IsLatest"):
                listing.markers.setdefault(m["Key"], []).append(m["VersionId"])
    return listing


def _oldest(versions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return min(versions.values(), key=lambda v: v["LastModified"])


def _chain(bucket: Bucket, listing: _Listing, report: _Report) -> list[Entry]:
    """Read every segment (its first version: segments are written once) and check the chain."""
    layout = bucket.layout
    segments = sorted(k for k in listing.versions if layout.parse_segment(k) is not None)
    entries: list[Entry] = []
    prev, seq = GENESIS, 0
    for key in segments:
        versions = listing.versions[key]
        first = _oldest(versions)
        if len(versions) > 1:
            report.add(
                "changed", f"manifest segment {key} was overwritten ({len(versions)} versions)"
            )
        data = bucket.client.get_object(Bucket=bucket.name, Key=key, VersionId=first["VersionId"])[
            "Body"
        ].read()
        if layout.parse_segment(key) != seq + 1:
            report.add(
                "manifest", f"{key}: segment does not start at seq {seq + 1} (entries missing)"
            )
        for entry, line in parse_segment(data):
            if entry is None:
                report.add("manifest", f"{key}: a line is not a manifest entry")
            elif entry.prev != prev or entry.seq != seq + 1:
                report.add(
                    "manifest", f"{key}: entry {entry.seq} ({entry.key}) breaks the hash chain"
                )
            if entry is not None:
                entries.append(entry)
                seq = entry.seq
            prev = line_hash(line)
    return entries


def _check_lock(
    bucket: Bucket, key: str, version_id: str, given: Lock | None, report: _Report
) -> None:
    lock = read_lock(bucket.client, bucket.name, key, version_id)
    moment = now()
    if given is not None and lock is not None and not lock.covers(given):
        report.add(
            "unlocked",
            f"{key}: retention weakened to {lock.mode} until {_day(lock.until)}"
            f" (was given {given.mode} until {_day(given.until)})",
        )
    elif lock is None or lock.until <= moment:
        if read_legal_hold(bucket.client, bucket.name, key, version_id):
            return
        state = "has no retention" if lock is None else f"retention ended {_day(lock.until)}"
        report.add(
            "unlocked",
            f"{key}: {state}; it can be deleted",
            "extend its retention (`ecomms legal-hold extend`) or place a legal hold",
        )


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_entry(bucket: Bucket, listing: _Listing, entry: Entry, report: _Report) -> None:
    version = listing.versions.get(entry.key, {}).get(entry.version_id)
    if version is None:
        report.add("missing", f"{entry.key} (version {entry.version_id}) was deleted")
        return
    if entry.key in listing.markers:
        report.add(
            "missing",
            f"{entry.key} is hidden by a delete marker (its version still exists)",
            "delete the delete marker (DeleteObject with its version id) to make it readable",
        )
    stored = head(bucket.client, bucket.name, entry.key, entry.version_id)
    if stored is None or stored.size != entry.size or stored.checksum != entry.checksum:
        got = "gone" if stored is None else f"size {stored.size}, checksum {stored.checksum}"
        report.add("changed", f"{entry.key} no longer matches the manifest ({got})")
        return
    given = Lock(entry.mode, datetime.fromisoformat(entry.until.replace("Z", "+00:00")))
    _check_lock(bucket, entry.key, entry.version_id, given, report)


def _unlisted(
    bucket: Bucket, listing: _Listing, entries: list[Entry], pending: set[str], report: _Report
) -> None:
    listed = {(e.key, e.version_id) for e in entries}
    for key, versions in sorted(listing.versions.items()):
        if bucket.layout.parse_segment(key) is not None or key in pending:
            continue
        for version_id in sorted(versions):
            if (key, version_id) not in listed:
                report.add(
                    "unlisted",
                    f"{key} (version {version_id}) is not listed in the manifest",
                    "an object written behind the archive's back (or an overwrite): review it",
                )


def _segments_locked(bucket: Bucket, listing: _Listing, report: _Report) -> None:
    keys = [k for k in listing.versions if bucket.layout.parse_segment(k) is not None]
    bucket.each(
        lambda key: _check_lock(
            bucket, key, _oldest(listing.versions[key])["VersionId"], None, report
        ),
        keys,
    )


def _absent(listing: _Listing, key: str, what: str) -> tuple[str, str]:
    if key in listing.versions:
        return "unlisted", f"{what}, committed in the ledger, is stored but not in the manifest"
    return "missing", f"{what}, committed in the ledger, is not in the archive"


def _expected(
    expected: Expected, entries: list[Entry], bucket: Bucket, listing: _Listing, report: _Report
) -> None:
    layout = bucket.layout
    by_key = {e.key: e for e in entries}
    versions: dict[str, dict[str, str]] = defaultdict(dict)
    for e in entries:
        if e.record_id:
            versions[e.record_id][e.sha256] = e.key
    for sha, size in sorted(expected.artifacts.items()):
        key = layout.blob(sha)
        entry = by_key.get(key)
        if entry is None:
            report.add(*_absent(listing, key, f"artifact {sha} ({size} bytes)"))
        elif size and entry.size != size:  # 0: an older ledger entry recorded no size
            report.add("changed", f"artifact {sha} is {entry.size} bytes, the ledger says {size}")
    for record_id, digest in sorted(expected.records.items()):
        if digest in versions.get(record_id, {}):
            continue
        prefix, suffix = layout.record_prefix(record_id), f"-{digest}.json"
        key = next((k for k in listing.versions if k.startswith(prefix) and k.endswith(suffix)), "")
        report.add(*_absent(listing, key, f"record {record_id} version {digest}"))


def verify_bucket(bucket: Bucket, journal: Journal, expected: Expected | None) -> list[Finding]:
    """Every problem as a failed finding naming the object; else one passing summary."""
    report = _Report()
    entries: list[Entry] = []
    try:
        listing = _list(bucket)
        pending = set(journal.pending())
        entries = _chain(bucket, listing, report)
        unique = list({(e.key, e.version_id): e for e in entries}.values())
        bucket.each(lambda e: _check_entry(bucket, listing, e, report), unique)
        _segments_locked(bucket, listing, report)
        _unlisted(bucket, listing, entries, pending, report)
        if expected is not None:
            _expected(expected, entries, bucket, listing, report)
    except EcommsError as exc:
        report.add("archive", f"verification could not finish: {exc.one_line()}", "")
    except Exception as exc:
        report.add(
            "archive", f"verification could not finish: {bucket.fail(exc, 'verify').one_line()}", ""
        )
    return _findings(bucket, report, entries if not report.problems else [], expected)


def _findings(
    bucket: Bucket, report: _Report, entries: list[Entry], expected: Expected | None
) -> list[Finding]:
    if report.problems:
        return [
            Finding(component=bucket.sink, check=c, ok=False, detail=d, action=a)
            for c, d, a in report.problems
        ]
    keys = {e.key: e for e in entries}
    blobs = [e for e in keys.values() if not e.record_id]
    records = len(keys) - len(blobs)
    detail = (
        f"{len(keys)} objects verified in {bucket.where}: {records} record versions,"
        f" {len(blobs)} artifacts ({sum(e.size for e in blobs)} bytes), every one locked;"
        f" manifest chain of {len(entries)} entries intact"
    )
    if expected is not None:
        detail += (
            f"; the ledger's {len(expected.artifacts)} artifacts and {len(expected.records)}"
            f" record versions (as of entry {expected.ledger_seq}) all present"
        )
    return [Finding(component=bucket.sink, check="archive", ok=True, detail=detail)]
