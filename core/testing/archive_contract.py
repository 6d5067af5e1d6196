"""Conformance tests of an archive of record (:class:`core.protocols.ArchiveSink`).

A sink whose class says ``stores_artifacts = True`` and that ``reprocess`` / ``rebuild``
read back subclasses :class:`ArchiveSinkContract` instead of ``SinkContract``; it checks,
besides everything a sink must do, that ``fetch`` returns the verified bytes of every
artifact and ``records`` streams the latest version of every record in ascending id order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest

from core.errors import IntegrityError
from core.protocols import ArchiveSink
from core.records import encode_record
from core.testing.contracts import SinkContract
from core.testing.samples import sample_artifacts, sample_records

__all__ = ["ArchiveSinkContract"]


class ArchiveSinkContract(SinkContract):
    """What an archive of record must do. Implement ``make_sink`` and ``read_artifact``."""

    def stored_record_count(self, sink: Any) -> int:
        """Records read back through ``records()`` (ids checked unique)."""
        ids = [r.id for r in sink.records()]
        assert len(ids) == len(set(ids))
        return len(ids)

    def test_is_an_archive_sink(self, sink: Any) -> None:
        """It satisfies the protocol and keeps artifact bytes."""
        assert isinstance(sink, ArchiveSink)
        assert type(sink).stores_artifacts is True

    def test_fetch_returns_the_verified_bytes(self, sink: Any, tmp_path: Path) -> None:
        """Every artifact written comes back byte for byte, even once the spool is gone."""
        artifacts = sample_artifacts(tmp_path / "spool")
        expected = {sha: path.read_bytes() for sha, path in artifacts.items()}
        sink.write(sample_records(), artifacts)
        for path in artifacts.values():
            path.unlink()
        for sha, data in expected.items():
            assert Path(sink.fetch(sha, tmp_path / "fetched")).read_bytes() == data

    def test_fetch_of_an_unknown_artifact_is_an_integrity_error(
        self, sink: Any, tmp_path: Path
    ) -> None:
        """An artifact the archive does not hold is named, never an empty file."""
        sink.write(sample_records(), sample_artifacts(tmp_path / "spool"))
        with pytest.raises(IntegrityError, match="f" * 64):
            sink.fetch("f" * 64, tmp_path / "fetched")

    def test_records_streams_latest_versions_in_id_order(self, sink: Any, tmp_path: Path) -> None:
        """One record per id, ascending, each its latest version; ``kinds`` filters."""
        records = sample_records()
        artifacts = sample_artifacts(tmp_path / "spool")
        sink.write(records, artifacts)
        changed = msgspec.structs.replace(records[0], title="renamed")
        sink.write([changed], artifacts)
        read = list(sink.records())
        assert [r.id for r in read] == sorted(r.id for r in records)
        by_id = {r.id: encode_record(r) for r in read}
        assert by_id[changed.id] == encode_record(changed)
        kind = records[1].kind
        assert [r.kind for r in sink.records(kinds=[kind])] == [kind]

    def test_records_of_an_empty_archive_is_empty(self, sink: Any) -> None:
        """Nothing written: nothing read, and no error."""
        assert list(sink.records()) == []
