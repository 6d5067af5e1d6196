"""The filesystem sink passes the conformance tests every sink must pass."""

from __future__ import annotations

from pathlib import Path

from core.protocols import Context
from core.testing.archive_contract import ArchiveSinkContract
from core.testing.samples import sample_records
from plugins.sinks.filesystem import FilesystemSink
from plugins.sinks.filesystem.layout import blob_path


class TestFilesystemSink(ArchiveSinkContract):
    """Runs :class:`core.testing.archive_contract.ArchiveSinkContract` on a fresh archive."""

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


def test_fetch_of_an_altered_blob_is_an_integrity_error(tmp_path: Path) -> None:
    """The stored file is returned only once its bytes re-hash to its name."""
    import pytest

    from core.errors import IntegrityError
    from core.testing.samples import sample_artifacts

    context = Context(name="archive", state_dir=tmp_path, spool_dir=tmp_path / "spool")
    sink = FilesystemSink(FilesystemSink.Config(path=str(tmp_path / "archive")), context)
    [(sha, _)] = sample_artifacts(tmp_path / "spool").items()
    sink.write(sample_records(), sample_artifacts(tmp_path / "spool"))
    stored = blob_path(sink.root, sha)
    assert sink.fetch(sha, tmp_path / "unused") == stored
    stored.chmod(0o644)
    stored.write_bytes(b"tampered")
    with pytest.raises(IntegrityError, match="altered") as caught:
        sink.fetch(sha, tmp_path / "unused")
    assert caught.value.context["sink"] == "archive"
