"""Conformance test classes that every source and sink plugin's tests subclass.

Usage in a plugin's tests (the class name must start with ``Test`` there)::

    from core.testing import SearchableSinkContract

    class TestSqliteSink(SearchableSinkContract):
        def make_sink(self, tmp_path, context):
            return SqliteSink(SqliteSink.Config(path=str(tmp_path / "s.db")), context)

        def make_unreachable_sink(self, tmp_path, context):
            return SqliteSink(SqliteSink.Config(path=str(tmp_path / "file" / "s.db")), context)

:class:`SearchableSinkContract` also runs the shared query suite
(:data:`core.testing.query_samples.QUERY_CASES`) on one store per class: every searchable
sink must find exactly the same records for each query of :mod:`core.query`. Its
``make_sink`` is then also called once per class, on a fresh instance from a class-scoped
fixture: what it needs must be a class attribute (set by a class-scoped fixture), not one a
function-scoped fixture sets on the instance.

A sink that cannot search subclasses :class:`SinkContract` and implements
``stored_record_count(sink)`` so the idempotency check runs. A sink whose class says
``stores_artifacts = True`` implements ``read_artifact(sink, sha256)`` so the contract
checks the bytes are kept; one that says ``False`` must return ``receipt.artifacts == []``.
``context`` is a :class:`core.protocols.Context` whose ``attributes`` are the sample
attribute specs (:data:`core.testing.samples.SAMPLE_ATTRIBUTES`); a ``VerifiableSink`` must verify
cleanly after a write.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import msgspec
import pytest

from core.errors import QueryError, SinkUnavailable
from core.protocols import Context, Finding, Query, Receipt, Unit, VerifiableSink
from core.records import AttributeSpec, encode_record
from core.testing.query_samples import QUERY_CASES, query_records, record_labels
from core.testing.samples import (
    SAMPLE_ATTRIBUTES,
    SAMPLE_MEETING_ID,
    SAMPLE_WORD,
    sample_artifacts,
    sample_records,
)

__all__ = ["SearchableSinkContract", "SinkContract", "SourceContract", "contract_context"]


def contract_context(tmp_path: Path, name: str) -> Context:
    """A context for a component under test, with its own state and spool directories."""
    state, spool = tmp_path / "state", tmp_path / "spool" / name
    state.mkdir(parents=True, exist_ok=True)
    spool.mkdir(parents=True, exist_ok=True)
    return Context(
        name=name,
        state_dir=state,
        spool_dir=spool,
        attributes=list(SAMPLE_ATTRIBUTES),
        config_dir=tmp_path,
    )


class SinkContract:
    """What every sink must do. Subclass it and implement the ``make_*`` methods."""

    def make_sink(self, tmp_path: Path, context: Context) -> Any:
        """Return a built, empty sink storing under ``tmp_path``."""
        raise NotImplementedError

    def make_unreachable_sink(self, tmp_path: Path, context: Context) -> Any:
        """Return a sink whose store cannot be reached (e.g. its directory is a file)."""
        raise NotImplementedError("implement make_unreachable_sink: a store that is down")

    def stored_record_count(self, sink: Any) -> int:
        """How many sample records (by id, counting duplicates) the store holds."""
        raise NotImplementedError("implement stored_record_count for a sink that cannot search")

    def read_artifact(self, sink: Any, sha256: str) -> bytes:
        """The stored bytes of an artifact; needed when the sink ``stores_artifacts``."""
        raise NotImplementedError("implement read_artifact for a sink that stores artifacts")

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Any:
        """The sink under test, closed after the test."""
        built = self.make_sink(tmp_path, contract_context(tmp_path, "contract"))
        yield built
        built.close()

    def _write(self, sink: Any, tmp_path: Path) -> Any:
        return sink.write(sample_records(), sample_artifacts(tmp_path / "artifacts"))

    def test_declares_whether_it_stores_artifacts(self, sink: Any) -> None:
        """``stores_artifacts`` is a bool class attribute: sources rely on it for deletion."""
        assert isinstance(getattr(type(sink), "stores_artifacts", None), bool)

    def test_receipt_lists_every_record(self, sink: Any, tmp_path: Path) -> None:
        """The receipt names this sink instance and every record id written."""
        receipt = self._write(sink, tmp_path)
        assert sorted(receipt.record_ids) == sorted(r.id for r in sample_records())
        assert receipt.sink == "contract"

    def test_check_passes_when_reachable(self, sink: Any) -> None:
        """``check`` reports findings and passes for a healthy store."""
        findings = sink.check()
        assert findings and all(isinstance(f, Finding) for f in findings)
        assert all(f.ok for f in findings), findings

    def test_rewrite_is_idempotent(self, sink: Any, tmp_path: Path) -> None:
        """Writing the same records twice stores each record once."""
        self._write(sink, tmp_path)
        self._write(sink, tmp_path)
        assert self.stored_record_count(sink) == len(sample_records())

    def test_artifacts_listed_only_when_kept(self, sink: Any, tmp_path: Path) -> None:
        """A sink keeping bytes lists each artifact and holds it; any other lists none."""
        receipt = self._write(sink, tmp_path)
        if type(sink).stores_artifacts:
            expected = {
                sha: path.read_bytes() for sha, path in sample_artifacts(tmp_path / "a2").items()
            }
            assert set(expected) <= set(receipt.artifacts)
            shutil.rmtree(tmp_path / "artifacts")  # the spool is cleaned after a commit
            for sha, data in expected.items():
                assert self.read_artifact(sink, sha) == data
        else:
            assert receipt.artifacts == []
        if isinstance(sink, VerifiableSink):
            assert [f for f in sink.verify() if not f.ok] == []

    def test_unreachable_store_raises_sink_unavailable(self, tmp_path: Path) -> None:
        """A store that cannot be reached raises ``SinkUnavailable``, never a bare exception."""
        sink = self.make_unreachable_sink(tmp_path, contract_context(tmp_path, "contract"))
        try:
            with pytest.raises(SinkUnavailable):
                self._write(sink, tmp_path)
        finally:
            sink.close()


class SearchableSinkQueries:
    """The shared query suite, mixed into :class:`SearchableSinkContract`."""

    make_sink: Any

    @pytest.fixture(scope="class")
    @classmethod
    def query_store(cls, tmp_path_factory: pytest.TempPathFactory) -> Any:
        """One store per class holding :func:`query_records`, and the receipt of that write."""
        tmp = tmp_path_factory.mktemp("query-suite")
        sink = cls().make_sink(tmp, contract_context(tmp, "contract"))
        receipt = sink.write(query_records(), sample_artifacts(tmp / "artifacts"))
        yield sink, receipt
        sink.close()

    @pytest.mark.parametrize(
        ("query", "expected"), [pytest.param(q, e, id=name) for name, q, e in QUERY_CASES]
    )
    def test_query_language(self, query_store: Any, query: Query, expected: Any) -> None:
        """Each query finds the records the query language says (or is the error it says)."""
        sink, _ = query_store
        if isinstance(expected, str):
            with pytest.raises(QueryError, match=re.escape(expected)):
                sink.search(query)
            return
        found = sink.search(query)
        labels = record_labels()
        assert {labels.get(r.id, r.id) for r in found.records} == expected
        assert found.total == len(expected)

    def test_newest_first_and_limited_with_the_total(self, query_store: Any) -> None:
        """Without text, results are newest first; ``limit`` cuts them, ``total`` does not."""
        sink, _ = query_store
        labels = record_labels()
        found = sink.search(Query(limit=2))
        assert found.total == 13 and len(found.records) == 2
        assert all(labels[r.id].startswith("B.") for r in found.records)
        assert sink.search(Query(limit=0)).records == []

    def test_capture_records_are_never_searchable(self, query_store: Any) -> None:
        """A capture record is never found; a search-only store does not even keep it."""
        sink, receipt = query_store
        capture = next(r for r in query_records() if r.kind == "capture")
        everything = sink.search(Query(limit=100, text=capture.text))
        assert capture.id not in {r.id for r in everything.records}
        if not type(sink).stores_artifacts:  # not an archive sink: nothing of it is kept
            assert isinstance(receipt, Receipt) and capture.id not in receipt.record_ids
            assert sink.get(capture.id) is None


class SearchableSinkContract(SearchableSinkQueries, SinkContract):
    """What a sink that can also search (``search`` and ``get``) must do, query suite included."""

    def stored_record_count(self, sink: Any) -> int:
        """Records of the sample meeting the store finds (ids checked unique)."""
        found = sink.search(Query(where={"MeetingId": [SAMPLE_MEETING_ID]}, limit=100))
        assert len({r.id for r in found.records}) == len(found.records)
        total: int = found.total
        return total

    def test_get_returns_equal_record(self, sink: Any, tmp_path: Path) -> None:
        """Every written record can be read back unchanged."""
        self._write(sink, tmp_path)
        for record in sample_records():
            got = sink.get(record.id)
            assert got is not None, record.kind
            assert encode_record(got) == encode_record(record), record.kind
        assert sink.get("0" * 32) is None

    def test_search_by_text(self, sink: Any, tmp_path: Path) -> None:
        """Full-text search finds the one record containing a word."""
        self._write(sink, tmp_path)
        found = sink.search(Query(text=SAMPLE_WORD))
        assert [r.kind for r in found.records] == ["chat"]

    def test_search_by_attribute_and_kind(self, sink: Any, tmp_path: Path) -> None:
        """Attribute filters and kind filters select exactly the matching records."""
        self._write(sink, tmp_path)
        by_attr = sink.search(Query(where={"MeetingId": [SAMPLE_MEETING_ID]}, limit=100))
        assert by_attr.total == len(sample_records())
        assert sink.search(Query(where={"MeetingId": ["nope"]})).total == 0
        by_kind = sink.search(Query(kind="transcript"))
        assert [r.kind for r in by_kind.records] == ["transcript"]
        risky = sink.search(Query(min_risk=50))
        assert [r.kind for r in risky.records] == ["chat"]

    def test_records_keep_their_artifact_references(self, sink: Any, tmp_path: Path) -> None:
        """Media records found again carry their artifacts' SHA-256 and size."""
        self._write(sink, tmp_path)
        media = next(r for r in sample_records() if r.kind == "media")
        found = sink.search(Query(kind="media"))
        assert [r.id for r in found.records] == [media.id]
        assert found.records[0].artifacts == media.artifacts


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
        units = list(source.pull(None, lambda key: None))
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
        first = [(u.key, u.version) for u in source.pull(None, lambda key: None)]
        again = [(u.key, u.version) for u in source.pull(None, lambda key: None)]
        assert first == again

    def test_acknowledge_returns_actions(self, source: Any) -> None:
        """``acknowledge`` returns a list of JSON-able actions for the ledger."""
        unit = next(iter(source.pull(None, lambda key: None)))
        actions = source.acknowledge(unit, [])
        assert isinstance(actions, list)
        msgspec.json.encode(actions)
