"""The filesystem sink passes the conformance tests every sink must pass."""

from __future__ import annotations

from pathlib import Path

from core.protocols import Context
from core.testing import SinkContract
from plugins.sinks.filesystem import FilesystemSink


class TestFilesystemSink(SinkContract):
    """Runs :class:`core.testing.SinkContract` against a fresh archive directory."""

    def make_sink(self, tmp_path: Path, context: Context) -> FilesystemSink:
        """An archive in the test's directory."""
        return FilesystemSink(FilesystemSink.Config(path=str(tmp_path / "archive")), context)

    def make_unreachable_sink(self, tmp_path: Path, context: Context) -> FilesystemSink:
        """An archive whose parent is a regular file."""
        (tmp_path / "not-a-dir").write_text("x")
        path = tmp_path / "not-a-dir" / "archive"
        return FilesystemSink(FilesystemSink.Config(path=str(path)), context)
