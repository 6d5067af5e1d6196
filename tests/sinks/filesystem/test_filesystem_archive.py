"""The filesystem archive stores blobs once, records as versions, and never overwrites."""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path

import msgspec
import pytest

from core.errors import IntegrityError, RecordRejected
from core.protocols import Context
from core.records import encode_record
from core.testing.samples import make_blob, meeting_records
from plugins.sinks.filesystem import FilesystemSink


def _sink(root: Path) -> FilesystemSink:
    context = Context(name="archive", state_dir=root.parent, spool_dir=root.parent / "spool")
    return FilesystemSink(FilesystemSink.Config(path=str(root)), context)


@pytest.fixture
def archive(tmp_path: Path):
    """An archive holding one meeting: a 64 KiB media blob and a record of every kind."""
    sha, blob = make_blob(tmp_path / "spool", os.urandom(1 << 16))
    records = meeting_records("uuid-1==", sha, 1 << 16)
    sink = _sink(tmp_path / "archive")
    receipt = sink.write(records, {sha: blob})
    return sink, records, sha, blob, receipt


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_blobs_are_content_addressed_read_only_copies(archive):
    sink, _, sha, blob, receipt = archive
    stored = sink.root / "blobs" / sha[:2] / sha[2:4] / sha
    assert stored.read_bytes() == blob.read_bytes()
    assert stat.S_IMODE(stored.stat().st_mode) & 0o222 == 0
    assert receipt.artifacts == [sha] and receipt.detail["new_blobs"] == 1


def test_records_are_canonical_json_files_one_per_version(archive):
    sink, records, _, _, receipt = archive
    assert receipt.record_ids == [r.id for r in records]
    for record in records:
        path = sink.root / "records" / record.id[:2] / record.id / "v000001.json"
        assert path.read_bytes() == encode_record(record)
        assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0
        assert encode_record(sink.get(record.id)) == encode_record(record)


def test_rewriting_identical_records_changes_nothing(archive):
    sink, records, sha, blob, _ = archive
    before = {p: sink.root.joinpath(p).stat().st_mtime_ns for p in _files(sink.root)}
    replay = [
        msgspec.structs.replace(r, captured_at=datetime(2026, 11, 1, tzinfo=UTC)) for r in records
    ]
    receipt = _sink(sink.root).write(replay, {sha: blob})
    after = {p: sink.root.joinpath(p).stat().st_mtime_ns for p in _files(sink.root)}
    assert after == before
    assert receipt.detail == {"new_versions": 0, "unchanged": len(records), "new_blobs": 0}


def test_a_changed_record_becomes_a_new_version_beside_the_old(archive):
    sink, records, _, _, _ = archive
    summary = next(r for r in records if r.kind == "summary")
    first = (sink.root / "records" / summary.id[:2] / summary.id / "v000001.json").read_bytes()
    changed = msgspec.structs.replace(summary, text="Corrected summary text")
    receipt = sink.write([changed], {})
    directory = sink.root / "records" / summary.id[:2] / summary.id
    assert sorted(p.name for p in directory.iterdir()) == ["v000001.json", "v000002.json"]
    assert (directory / "v000001.json").read_bytes() == first
    assert [v.text for v in sink.versions(summary.id)] == [summary.text, changed.text]
    assert encode_record(sink.get(summary.id)) == encode_record(changed)
    assert receipt.detail["new_versions"] == 1
    sink.write([changed], {})
    assert len(sink.versions(summary.id)) == 2


def test_bytes_that_do_not_match_their_hash_are_refused_and_leave_nothing(tmp_path):
    sink = _sink(tmp_path / "archive")
    _, blob = make_blob(tmp_path / "spool", b"real bytes")
    wrong = hashlib.sha256(b"other bytes").hexdigest()
    with pytest.raises(IntegrityError) as info:
        sink.write(meeting_records("u", wrong, 10), {wrong: blob})
    assert wrong in info.value.one_line()
    assert not [f for f in _files(sink.root) if f.startswith("blobs/")]


def test_a_record_whose_artifact_bytes_are_missing_is_rejected(tmp_path):
    sink = _sink(tmp_path / "archive")
    records = meeting_records("u", "cd" * 32, 10)
    with pytest.raises(RecordRejected) as info:
        sink.write(records, {})
    media = next(r for r in records if r.kind == "media")
    assert "cd" * 32 in info.value.reasons[media.id]
    assert sink.get(media.id) is None


def test_an_unsafe_record_id_is_rejected(tmp_path):
    sink = _sink(tmp_path / "archive")
    record = msgspec.structs.replace(meeting_records("u", "ab" * 32, 1)[0], id="../escape")
    with pytest.raises(RecordRejected, match="escape"):
        sink.write([record], {})
    assert not (tmp_path / "escape").exists()


def test_check_reports_a_writable_archive_and_names_an_unusable_one(tmp_path):
    assert all(f.ok for f in _sink(tmp_path / "archive").check())
    (tmp_path / "file").write_text("x")
    [finding] = _sink(tmp_path / "file" / "archive").check()
    assert not finding.ok and "file" in finding.detail and finding.action


def test_registered_through_the_entry_point():
    [entry] = [e for e in entry_points(group="ecomms") if e.name == "filesystem"]
    assert FilesystemSink in entry.load().ecomms_register_sinks()


def test_a_spool_file_that_vanished_is_a_clear_rejection(tmp_path):
    sink = _sink(tmp_path / "archive")
    sha, blob = make_blob(tmp_path / "spool", b"bytes")
    blob.unlink()
    with pytest.raises(RecordRejected, match="missing from the spool"):
        sink.write(meeting_records("u", sha, 5), {sha: blob})


def test_a_corrupted_latest_version_stops_the_write_instead_of_hiding_it(archive):
    sink, records, sha, blob, _ = archive
    path = sink.root / "records" / records[0].id[:2] / records[0].id / "v000001.json"
    path.chmod(0o644)
    path.write_bytes(b"{not json")
    with pytest.raises(IntegrityError, match="not valid JSON"):
        sink.write(records, {sha: blob})
