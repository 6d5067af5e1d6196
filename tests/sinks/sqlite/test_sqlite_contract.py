"""The sqlite sink passes the conformance tests every sink must pass."""

from __future__ import annotations

from pathlib import Path

from core.protocols import Context
from core.testing import SinkContract, sample_artifacts, sample_records
from plugins.sinks.sqlite import SqliteSink


class TestSqliteSink(SinkContract):
    """Runs :class:`core.testing.SinkContract` against a fresh SQLite store."""

    def make_sink(self, tmp_path: Path, context: Context) -> SqliteSink:
        """A store in the test's directory."""
        return SqliteSink(SqliteSink.Config(path=str(tmp_path / "search.db")), context)

    def make_unreachable_sink(self, tmp_path: Path, context: Context) -> SqliteSink:
        """A store whose directory is a regular file."""
        (tmp_path / "not-a-dir").write_text("x")
        return SqliteSink(SqliteSink.Config(path=str(tmp_path / "not-a-dir" / "s.db")), context)

    def test_receipt_lists_every_record(self, sink: SqliteSink, tmp_path: Path) -> None:
        """The receipt names every record but no artifact: the bytes are not kept here.

        Overrides the contract's check that artifacts are listed: a search store that
        claimed to hold media it never stored would mislead the custody ledger.
        """
        receipt = sink.write(sample_records(), sample_artifacts(tmp_path / "artifacts"))
        assert sorted(receipt.record_ids) == sorted(r.id for r in sample_records())
        assert receipt.artifacts == [] and receipt.sink == "contract"
        assert not SqliteSink.stores_artifacts

    def test_artifacts_stored_and_verified(self, sink: SqliteSink, tmp_path: Path) -> None:
        """Records keep their artifact references (sha256, size) and the store verifies."""
        sink.write(sample_records(), sample_artifacts(tmp_path / "artifacts"))
        media = next(r for r in sample_records() if r.kind == "media")
        assert sink.get(media.id).artifacts == media.artifacts
        assert [f for f in sink.verify() if not f.ok] == []
