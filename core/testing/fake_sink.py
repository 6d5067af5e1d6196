"""The fake sink of :mod:`core.testing`: a durable JSON Lines store that can be told to fail."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import msgspec

from core.config import Secret
from core.errors import IntegrityError, SinkUnavailable
from core.protocols import Context, Expected, Finding, Query, Receipt, SearchResults
from core.records import Record, decode_record, encode_record
from core.testing.fakes import crash_point, fsync_append
from core.testing.reference_search import search

__all__ = ["FakeSink"]


class FakeSink:
    """A durable, idempotent JSON Lines store that can be told to fail."""

    name: ClassVar[str] = "fake_sink"
    stores_artifacts: ClassVar[bool] = True

    class Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
        """``path``: the store directory, relative to the config file's directory (default:
        ``fake-sink-NAME`` in the state directory); ``fail_after`` counts records, -1 = never.
        """

        path: str = ""
        fail_after: int = -1
        down_while: str = ""
        token: Secret | None = None  # a credential, to exercise secret handling

    def __init__(self, config: FakeSink.Config, context: Context) -> None:
        self.config = config
        self.context = context
        self.dir = (
            context.resolve_path(config.path)
            if config.path
            else context.state_dir / f"fake-sink-{context.name}"
        )
        self.written = 0

    @property
    def records_path(self) -> Path:
        """The JSON Lines file holding one line per stored record."""
        return self.dir / "records.jsonl"

    def check(self) -> list[Finding]:
        """Fails while the ``down_while`` marker exists."""
        ok = not self._down()
        return [
            Finding(
                component=self.context.name,
                check="store reachable",
                ok=ok,
                detail="" if ok else "marker file present",
                action="" if ok else "remove it",
            )
        ]

    def write(self, records: Sequence[Record], artifacts: Mapping[str, Path]) -> Receipt:
        """Append records not already stored identically; copy artifacts; fsync."""
        stored = {r.id: encode_record(r) for r in self._load()}
        new: list[bytes] = []
        for record in records:
            if self._down() or self.written == self.config.fail_after:
                fsync_append(self.records_path, new)
                raise SinkUnavailable("fake sink is down", sink=self.context.name)
            data = encode_record(record)
            if stored.get(record.id) != data:
                new.append(data)
                stored[record.id] = data
            self.written += 1
        for sha, src in artifacts.items():
            blob = self.dir / "blobs" / sha
            if not blob.exists():
                blob.parent.mkdir(parents=True, exist_ok=True)
                blob.write_bytes(Path(src).read_bytes())
        fsync_append(self.records_path, new)
        crash_point("sink_write")
        return Receipt(
            sink=self.context.name, record_ids=[r.id for r in records], artifacts=sorted(artifacts)
        )

    def lines(self) -> list[Record]:
        """Every stored line, duplicates included (tests count copies with this)."""
        if not self.records_path.exists():
            return []
        return [decode_record(x) for x in self.records_path.read_bytes().splitlines() if x]

    def _load(self) -> list[Record]:
        if self._down():
            raise SinkUnavailable("fake sink is down", sink=self.context.name)
        return list({r.id: r for r in self.lines()}.values())

    def _down(self) -> bool:
        return bool(self.config.down_while) and Path(self.config.down_while).exists()

    def search(self, query: Query) -> SearchResults:
        """The query language of :mod:`core.query`, evaluated record by record."""
        return search(self._load(), query, self.context.attributes)

    def get(self, record_id: str) -> Record | None:
        """The stored record with this id."""
        return next((r for r in self._load() if r.id == record_id), None)

    def fetch(self, sha256: str, directory: Path) -> Path:
        """The stored blob itself, verified; ``IntegrityError`` when missing or altered."""
        blob = self.dir / "blobs" / sha256
        if not blob.is_file() or hashlib.sha256(blob.read_bytes()).hexdigest() != sha256:
            raise IntegrityError(
                "artifact missing or altered in the archive", sink=self.context.name, sha256=sha256
            )
        return blob

    def records(self, kinds: Collection[str] = ()) -> Iterator[Record]:
        """The latest version of every stored record (of ``kinds``), in ascending id order."""
        for record in sorted(self._load(), key=lambda r: r.id):
            if not kinds or record.kind in kinds:
                yield record

    def verify(self, expected: Expected | None = None) -> list[Finding]:
        """Re-hash every blob; one failed finding per changed blob."""
        out = []
        for blob in sorted((self.dir / "blobs").glob("*")):
            if hashlib.sha256(blob.read_bytes()).hexdigest() != blob.name:
                out.append(
                    Finding(
                        component=self.context.name,
                        check="blob",
                        ok=False,
                        detail=f"{blob.name} changed",
                        action="restore it",
                    )
                )
        return out

    def close(self) -> None:
        """Nothing to release."""
