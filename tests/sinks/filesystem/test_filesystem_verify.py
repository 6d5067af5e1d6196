"""``verify`` re-hashes the archive and names every changed, missing or planted file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import msgspec
import pytest

from core.protocols import Context
from core.records import encode_record
from core.testing.samples import make_blob, meeting_records
from plugins.sinks.filesystem import FilesystemSink
from plugins.sinks.filesystem.layout import record_dir


@pytest.fixture
def sink(tmp_path: Path) -> FilesystemSink:
    """An archive holding one meeting with a media blob."""
    context = Context(name="archive", state_dir=tmp_path, spool_dir=tmp_path / "spool")
    sink = FilesystemSink(FilesystemSink.Config(path=str(tmp_path / "archive")), context)
    sha, blob = make_blob(tmp_path / "spool", os.urandom(4096))
    sink.write(meeting_records("uuid-1==", sha, 4096), {sha: blob})
    return sink


def _failures(sink: FilesystemSink) -> list[str]:
    findings = sink.verify()
    assert all(f.component == "archive" for f in findings)
    return [f.detail for f in findings if not f.ok]


def _blob(sink: FilesystemSink) -> Path:
    return next(p for p in (sink.root / "blobs").rglob("*") if p.is_file())


def _record_file(sink: FilesystemSink) -> Path:
    return next((sink.root / "records").rglob("v000001.json"))


def _alter(path: Path, data: bytes) -> None:
    path.chmod(0o644)
    path.write_bytes(data)


def test_an_untouched_archive_verifies(sink):
    [finding] = sink.verify()
    assert finding.ok and "10 files verified" in finding.detail


def test_a_changed_blob_is_reported_by_name(sink):
    blob = _blob(sink)
    _alter(blob, blob.read_bytes()[:-1] + b"X")
    [failure] = _failures(sink)
    assert blob.relative_to(sink.root).as_posix() in failure and "altered" in failure


def test_a_changed_record_file_is_reported_by_name(sink):
    path = _record_file(sink)
    _alter(path, path.read_bytes().replace(b"Quarterly", b"Quarterlx"))
    [failure] = _failures(sink)
    assert path.relative_to(sink.root).as_posix() in failure and "altered" in failure


def test_a_missing_blob_is_reported_by_name_and_so_is_its_record(sink):
    blob = _blob(sink)
    blob.unlink()
    failures = _failures(sink)
    assert any(blob.name in f and "missing" in f for f in failures)
    assert any("references blob" in f for f in failures)


def test_a_missing_record_file_is_reported_by_name(sink):
    path = _record_file(sink)
    path.unlink()
    [failure] = _failures(sink)
    assert path.relative_to(sink.root).as_posix() in failure and "missing" in failure


def test_a_planted_file_is_reported(sink):
    planted = _record_file(sink).with_name("v000002.json")
    planted.write_bytes(_record_file(sink).read_bytes())
    [failure] = _failures(sink)
    assert "v000002.json" in failure and "not listed" in failure


def test_a_version_a_killed_writer_left_unlisted_is_listed_by_the_next_write(sink):
    """A writer killed between a record file and its manifest line leaves a version nobody
    committed; a retry whose record differs (a gap's retry window is computed anew) must not
    leave it for verify to report as planted: the next write of that record lists it."""
    record = next(r for r in meeting_records("uuid-1==", "0" * 64, 4096) if r.kind == "chat")
    stored = sink.get(record.id)
    assert stored is not None
    orphan = record_dir(sink.root, record.id) / "v000002.json"
    orphan.write_bytes(encode_record(msgspec.structs.replace(stored, title="interrupted")))
    retried = msgspec.structs.replace(stored, title="retried")
    receipt = sink.write([retried], {})
    assert sink.verify()[0].ok, _failures(sink)
    latest = sink.get(record.id)
    assert latest is not None and latest.title == "retried"
    assert receipt.digests[record.id] == hashlib.sha256(encode_record(retried)).hexdigest()


def test_an_edited_manifest_breaks_the_chain(sink):
    manifest = sink.root / "manifest.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    manifest.write_bytes(b"".join(lines[:2] + lines[3:]))
    failures = _failures(sink)
    assert any("breaks the hash chain" in f for f in failures)
    assert any("not listed" in f for f in failures)


def test_a_torn_manifest_tail_is_reported_then_repaired_by_the_next_write(sink, tmp_path):
    with (sink.root / "manifest.jsonl").open("ab") as fh:
        fh.write(b'{"seq": 11, "path": "blobs/ab')
    [failure] = _failures(sink)
    assert "incomplete line" in failure
    again = FilesystemSink(sink.config, sink.context)
    sha, blob = make_blob(tmp_path / "spool", b"second meeting")
    again.write(meeting_records("uuid-2==", sha, 14), {sha: blob})
    [finding] = again.verify()
    assert finding.ok and "20 files verified" in finding.detail


def test_verifying_a_path_with_no_archive_fails_by_name(tmp_path):
    context = Context(name="archive", state_dir=tmp_path, spool_dir=tmp_path)
    missing = FilesystemSink(FilesystemSink.Config(path=str(tmp_path / "nowhere")), context)
    [finding] = missing.verify()
    assert not finding.ok and "nowhere" in finding.detail
