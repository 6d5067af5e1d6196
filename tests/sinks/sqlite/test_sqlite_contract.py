"""The sqlite sink passes the conformance tests every searchable sink must pass."""

from __future__ import annotations

from pathlib import Path

from core.protocols import Context
from core.testing import SearchableSinkContract
from plugins.sinks.sqlite import SqliteSink


class TestSqliteSink(SearchableSinkContract):
    """Runs :class:`core.testing.SearchableSinkContract` against a fresh SQLite store.

    The store keeps artifact references, not bytes (``stores_artifacts = False``), so the
    contract checks its receipts never claim an artifact.
    """

    def make_sink(self, tmp_path: Path, context: Context) -> SqliteSink:
        """A store in the test's directory."""
        return SqliteSink(SqliteSink.Config(path=str(tmp_path / "search.db")), context)

    def make_unreachable_sink(self, tmp_path: Path, context: Context) -> SqliteSink:
        """A store whose directory is a regular file."""
        (tmp_path / "not-a-dir").write_text("x")
        return SqliteSink(SqliteSink.Config(path=str(tmp_path / "not-a-dir" / "s.db")), context)
