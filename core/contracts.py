"""Conformance test classes that every source and sink plugin's tests subclass.

Usage in a plugin's tests (the class name must start with ``Test`` there)::

    from core.testing import SinkContract

    class TestSqliteSink(SinkContract):
        def make_sink(self, tmp_path, context):
            return SqliteSink(SqliteSink.Config(path=str(tmp_path / "s.db")), context)

        def make_unreachable_sink(self, tmp_path, context):   # optional
            return SqliteSink(SqliteSink.Config(path="/nonexistent/dir/s.db"), context)

``context`` is a :class:`core.protocols.Context` whose ``attributes`` are the sample
attribute specs (:data:`core.samples.SAMPLE_ATTRIBUTES`). Searching checks run only when the
sink is a :class:`core.protocols.SearchableSink`, verification only for a ``VerifiableSink``;
a sink that cannot search may override ``stored_record_count(sink)`` so the idempotency
check still runs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import msgspec
import pytest

from core.errors import SinkUnavailable
from core.protocols import Context, Finding, Query, SearchableSink, Unit, VerifiableSink
from core.records import AttributeSpec, encode_record
from core.samples import (
    SAMPLE_ATTRIBUTES,
    SAMPLE_MEETING_ID,
    SAMPLE_WORD,
    sample_artifacts,
    sample_records,
)

__all__ = ["SinkContract", "SourceContract", "contract_context"]


def contract_context(tmp_path: Path, name: str) -> Context:
    """A context for a component under test, with its own state and spool directories."""
    state, spool = tmp_path / "state", tmp_path / "spool" / name
    state.mkdir(parents=True, exist_ok=True)
    spool.mkdir(parents=True, exist_ok=True)
    return Context(name=name, state_dir=state, spool_dir=spool, attributes=list(SAMPLE_ATTRIBUTES))


class SinkContract:
    """What every sink must do. Subclass it and implement :meth:`make_sink`."""

    def make_sink(self, tmp_path: Path, context: Context) -> Any:
        """Return a built, empty sink storing under ``tmp_path``."""
        raise NotImplementedError

    def make_unreachable_sink(self, tmp_path: Path, context: Context) -> Any:
        """Return a sink whose store cannot be reached; skip when not applicable."""
        pytest.skip("no unreachable configuration for this sink")

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Any:
        """The sink under test, closed after the test."""
        built = self.make_sink(tmp_path, contract_context(tmp_path, "contract"))
        yield built
        built.close()

    def _write(self, sink: Any, tmp_path: Path) -> Any:
        return sink.write(sample_records(), sample_artifacts(tmp_path / "artifacts"))

    def test_receipt_lists_every_record(self, sink: Any, tmp_path: Path) -> None:
        """The receipt names every record id and every artifact written."""
        receipt = self._write(sink, tmp_path)
        assert sorted(receipt.record_ids) == sorted(r.id for r in sample_records())
        assert set(sample_artifacts(tmp_path / "a2")) <= set(receipt.artifacts)
        assert receipt.sink == "contract"

    def test_check_passes_when_reachable(self, sink: Any) -> None:
        """``check`` reports findings and passes for a healthy store."""
        findings = sink.check()
        assert findings and all(isinstance(f, Finding) for f in findings)
        assert all(f.ok for f in findings), findings

    def test_get_returns_equal_record(self, sink: Any, tmp_path: Path) -> None:
        """Every written record can be read back unchanged."""
        self._searchable(sink)
        self._write(sink, tmp_path)
        for record in sample_records():
            got = sink.get(record.id)
            assert got is not None, record.kind
            assert encode_record(got) == encode_record(record), record.kind
        assert sink.get("0" * 32) is None

    def stored_record_count(self, sink: Any) -> int | None:
        """Records the store holds; override for a sink that cannot search (``None``: unknown)."""
        if isinstance(sink, SearchableSink):
            return sink.search(Query(where={"MeetingId": [SAMPLE_MEETING_ID]}, limit=100)).total
        return None

    def test_rewrite_is_idempotent(self, sink: Any, tmp_path: Path) -> None:
        """Writing the same records twice stores each record once."""
        self._write(sink, tmp_path)
        self._write(sink, tmp_path)
        count = self.stored_record_count(sink)
        if count is None:
            pytest.skip("sink does not search and the test does not count its records")
        assert count == len(sample_records())
        if isinstance(sink, SearchableSink):
            found = sink.search(Query(where={"MeetingId": [SAMPLE_MEETING_ID]}, limit=100))
            assert len({r.id for r in found.records}) == len(found.records)

    def test_search_by_text(self, sink: Any, tmp_path: Path) -> None:
        """Full-text search finds the one record containing a word."""
        self._searchable(sink)
        self._write(sink, tmp_path)
        found = sink.search(Query(text=SAMPLE_WORD))
        assert [r.kind for r in found.records] == ["chat"]

    def test_search_by_attribute_and_kind(self, sink: Any, tmp_path: Path) -> None:
        """Attribute filters and kind filters select exactly the matching records."""
        self._searchable(sink)
        self._write(sink, tmp_path)
        by_attr = sink.search(Query(where={"MeetingId": [SAMPLE_MEETING_ID]}, limit=100))
        assert by_attr.total == len(sample_records())
        assert sink.search(Query(where={"MeetingId": ["nope"]})).total == 0
        by_kind = sink.search(Query(kind="transcript"))
        assert [r.kind for r in by_kind.records] == ["transcript"]
        risky = sink.search(Query(min_risk=50))
        assert [r.kind for r in risky.records] == ["chat"]

    def test_artifacts_stored_and_verified(self, sink: Any, tmp_path: Path) -> None:
        """Artifacts written are reported and, for verifiable sinks, verify cleanly."""
        receipt = self._write(sink, tmp_path)
        sha = hashlib.sha256((tmp_path / "artifacts" / "meeting.mp4").read_bytes()).hexdigest()
        assert sha in receipt.artifacts
        if isinstance(sink, VerifiableSink):
            assert [f for f in sink.verify() if not f.ok] == []

    def test_unreachable_store_raises_sink_unavailable(self, tmp_path: Path) -> None:
        """A store that cannot be reached raises ``SinkUnavailable``, never a bare exception."""
        sink = self.make_unreachable_sink(tmp_path, contract_context(tmp_path, "contract"))
        with pytest.raises(SinkUnavailable):
            self._write(sink, tmp_path)

    @staticmethod
    def _searchable(sink: Any) -> None:
        if not isinstance(sink, SearchableSink):
            pytest.skip("sink does not search")


class SourceContract:
    """What every source must do. Subclass it and implement :meth:`make_source`."""

    def make_source(self, tmp_path: Path, context: Context) -> Any:
        """Return a built source whose ``pull(None)`` yields at least one unit."""
        raise NotImplementedError

    @pytest.fixture
    def source(self, tmp_path: Path) -> Any:
        """The source under test, closed after the test."""
        built = self.make_source(tmp_path, contract_context(tmp_path, "contract"))
        yield built
        built.close()

    def test_declares_its_contract(self, source: Any) -> None:
        """Name, platform, a strict Config and unique, typed attributes."""
        cls = type(source)
        assert cls.name and cls.platform
        assert issubclass(cls.Config, msgspec.Struct)
        assert cls.Config.__struct_config__.forbid_unknown_fields
        names = [a.name for a in cls.attributes]
        assert len(names) == len(set(names))
        assert all(isinstance(a, AttributeSpec) for a in cls.attributes)

    def test_check_returns_findings(self, source: Any) -> None:
        """``check`` returns findings instead of raising."""
        assert all(isinstance(f, Finding) for f in source.check())

    def test_units_are_complete_and_verified(self, source: Any) -> None:
        """Units carry this instance's name, unique keys, and files whose bytes match."""
        units = list(source.pull(None))
        assert units
        assert len({u.key for u in units}) == len(units)
        for unit in units:
            assert isinstance(unit, Unit)
            assert unit.source == "contract" and unit.platform == type(source).platform
            for f in unit.files:
                data = Path(f.path).read_bytes()
                assert len(data) == f.size and hashlib.sha256(data).hexdigest() == f.sha256

    def test_pull_is_deterministic(self, source: Any) -> None:
        """Pulling again from the start gives the same keys and versions (replays are harmless)."""
        first = [(u.key, u.version) for u in source.pull(None)]
        again = [(u.key, u.version) for u in source.pull(None)]
        assert first == again

    def test_acknowledge_returns_actions(self, source: Any) -> None:
        """``acknowledge`` returns a list of JSON-able actions for the ledger."""
        unit = next(iter(source.pull(None)))
        actions = source.acknowledge(unit, [])
        assert isinstance(actions, list)
        msgspec.json.encode(actions)
