"""One ``write``: plan, journal, upload what is missing, read every lock back, list it.

1. **Plan** (in parallel, :mod:`.plan`): ``HEAD`` every artifact's key; list every record's
   versions and read its latest.
2. **Journal** the keys about to be created (see :mod:`.journal`).
3. **Upload** what is missing, each key once (``If-None-Match``), with SHA-256 and retention.
4. **Confirm**: ``GetObjectRetention`` on every object the receipt covers — new ones and
   those found present — all of them, not a sample: the receipt lets the source delete its
   copy, so each object's lock is proven, at the price of one small request per object. An
   object found with a shorter lock than this write needs (a file shared by a later meeting,
   a longer ``retention_by_kind``) has its retention extended first.
5. **List** the new objects (and those an interrupted write left) in one manifest segment,
   then return the receipt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import ConfigError, IntegrityError
from core.protocols import Receipt
from core.records import Record

from .bucket import Bucket
from .journal import Journal
from .manifest import ManifestWriter
from .objects import Lock, now, put_once, read_lock, set_lock
from .plan import Planned, Planner
from .upload import Transfer, upload_file

__all__ = ["WriteJob"]

_RACES = 5  # attempts at a new record version when another writer takes the number


@dataclass
class _Outcome:
    blobs: list[Planned] = field(default_factory=list)
    versions: list[Planned] = field(default_factory=list)
    leftovers: list[Planned] = field(default_factory=list)

    @property
    def covered(self) -> list[Planned]:
        """The objects the receipt covers."""
        return [*self.blobs, *self.versions]


class WriteJob:
    """Stores one batch of records and artifacts; :meth:`run` returns the receipt."""

    def __init__(
        self,
        bucket: Bucket,
        manifest: ManifestWriter,
        journal: Journal,
        records: Sequence[Record],
        artifacts: Mapping[str, Path],
    ) -> None:
        self.b, self.manifest, self.journal = bucket, manifest, journal
        self.records = {record.id: record for record in records}
        self.now = now()
        self.plan = Planner(bucket, list(records), dict(artifacts), self.now)

    def run(self) -> Receipt:
        """Plan, journal, upload, confirm, list; raises our errors only (see ``Bucket.fail``).

        Looking up and storing are two parallel passes over every object (blobs first, then
        record versions), so small records travel while a large file uploads.
        """
        self.manifest.refresh()
        pending = [k for k in self.journal.pending() if k not in self.manifest.listed_since_hint]
        out = _Outcome(leftovers=self.plan.leftovers(pending))
        blobs = self.plan.blobs()
        objects: list[Planned | Record] = [*blobs, *self.records.values()]
        planned = self.b.each(self.plan.look_up, objects)
        out.blobs, out.versions = planned[: len(blobs)], planned[len(blobs) :]
        self.plan.refuse_absent(out.blobs)  # before anything is written
        self.journal.add([o.key for o in out.covered if o.stored is None])
        stored = self.b.each(self._store, out.covered)
        out.blobs, out.versions = stored[: len(blobs)], stored[len(blobs) :]
        seq, head_hash = self.manifest.append(self._entries(out), self._segment_lock())
        self.journal.clear()
        return self._receipt(out, seq, head_hash)

    def _store(self, obj: Planned) -> Planned:
        """Upload ``obj`` if it is not stored yet, then confirm its lock."""
        if obj.stored is None:
            obj = self._upload_version(obj) if obj.record_id else self._upload_blob(obj)
        self._confirm(obj)
        return obj

    def _segment_lock(self) -> Lock:
        config = self.b.config
        return Lock(config.retention_mode, config.until(config.longest_retention(), self.now))

    def _upload_blob(self, obj: Planned) -> Planned:
        assert obj.path is not None
        config = self.b.config
        size = obj.path.stat().st_size
        transfer = Transfer(
            part_size=config.part_size_for(size),
            threshold=config.multipart_threshold,
            pool=self.b.parts,
            in_flight=config.max_concurrency,
        )
        try:
            obj.stored = upload_file(self.b.client, self.b.name, obj, transfer)
            obj.new = obj.stored is not None
            if obj.stored is None:  # another writer stored it meanwhile
                self.plan.look_up_blob(obj)
        except IntegrityError:
            raise
        except Exception as exc:
            raise self.b.fail(exc, f"upload blob {obj.sha256}") from exc
        if obj.stored is None:
            raise IntegrityError("a blob vanished while it was written", key=obj.key)
        return obj

    def _upload_version(self, obj: Planned) -> Planned:
        for _ in range(_RACES):
            if obj.stored is not None:
                return obj
            try:
                obj.stored = put_once(
                    self.b.client, self.b.name, obj.key, obj.data, obj.lock, obj.media_type
                )
            except Exception as exc:
                raise self.b.fail(exc, f"store record {obj.record_id}") from exc
            obj.new = obj.stored is not None
            if obj.stored is None:  # another writer took this version number
                obj = self.plan.record(self.records[obj.record_id])
                self.journal.add([obj.key])
        raise IntegrityError("record versions keep changing under this write", key=obj.key)

    def _confirm(self, obj: Planned) -> None:
        stored = obj.stored
        assert stored is not None
        if not stored.version_id:
            raise ConfigError(
                f"bucket {self.b.name} returned no version id; enable versioning and Object"
                " Lock (docs/s3.md)",
                sink=self.b.sink,
            )
        client, bucket = self.b.client, self.b.name
        try:
            stored.lock = read_lock(client, bucket, obj.key, stored.version_id)
            if not obj.new and not (stored.lock and stored.lock.covers(obj.lock)):
                target = obj.lock.joined(stored.lock)
                set_lock(client, bucket, obj.key, stored.version_id, target)
                stored.lock = read_lock(client, bucket, obj.key, stored.version_id)
        except Exception as exc:
            raise self.b.fail(exc, f"read the retention of {obj.key}") from exc
        if stored.lock is None or not stored.lock.covers(obj.lock):
            raise ConfigError(
                f"{self.b.where}: {obj.key} was stored without the retention it was sent"
                f" ({obj.lock.mode} until {obj.lock.until:%Y-%m-%dT%H:%M:%SZ}); the server"
                " does not enforce Object Lock",
                sink=self.b.sink,
            )

    def _entries(self, out: _Outcome) -> list[dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        for obj in [*out.leftovers, *out.covered]:
            stored = obj.stored
            if not obj.new or stored is None or stored.lock is None:
                continue
            entries[obj.key] = {
                "key": obj.key,
                "version_id": stored.version_id,
                "sha256": obj.sha256,
                "size": stored.size,
                "checksum": stored.checksum,
                "mode": stored.lock.mode,
                "until": stored.lock.until.isoformat().replace("+00:00", "Z"),
                "record_id": obj.record_id,
            }
        return list(entries.values())

    def _receipt(self, out: _Outcome, seq: int, head_hash: str) -> Receipt:
        return Receipt(
            sink=self.b.sink,
            record_ids=list(self.records),
            artifacts=sorted(o.sha256 for o in out.blobs),
            digests={o.record_id: o.sha256 for o in out.versions},
            detail={
                "manifest_seq": seq,
                "manifest_hash": head_hash,
                "new_objects": sum(o.new for o in out.covered),
                "new_versions": sum(o.new for o in out.versions),
                "unchanged": sum(not o.new for o in out.versions),
                "new_blobs": sum(o.new for o in out.blobs),
            },
        )
