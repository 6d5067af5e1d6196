"""The filesystem sink passes the conformance tests every sink must pass."""

from __future__ import annotations

from pathlib import Path

from core.protocols import Context
from core.testing import SinkContract
from core.testing.samples import sample_records
from plugins.sinks.filesystem import FilesystemSink
from plugins.sinks.filesystem.layout import blob_path


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

    def stored_record_count(self, sink: FilesystemSink) -> int:
        """Stored versions of the sample records: one each when nothing was duplicated."""
        return sum(len(sink.versions(r.id)) for r in sample_records())

    def read_artifact(self, sink: FilesystemSink, sha256: str) -> bytes:
        """The write-once blob named by its SHA-256."""
        return blob_path(sink.root, sha256).read_bytes()
