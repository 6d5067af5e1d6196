"""The s3 archive stores each object once, locked as configured, and never overwrites."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from core.errors import IntegrityError, RecordRejected
from core.records import encode_record
from core.testing.samples import make_blob, meeting_records
from plugins.sinks.s3.objects import hex_to_b64
from tests.fixtures.s3_server import Gateway


def _objects(gateway: Gateway, bucket: str, prefix: str = "") -> dict[str, list[dict]]:
    """Every object version in the bucket, by key."""
    found: dict[str, list[dict]] = {}
    pages = gateway.client().get_paginator("list_object_versions").paginate(Bucket=bucket)
    for page in pages:
        for version in page.get("Versions") or []:
            if version["Key"].startswith(prefix):
                found.setdefault(version["Key"], []).append(version)
    return found


def _retention(gateway: Gateway, bucket: str, key: str) -> dict:
    return gateway.client().get_object_retention(Bucket=bucket, Key=key)["Retention"]


@pytest.fixture
def archive(s3_gateway, s3_bucket, make_sink, tmp_path: Path):
    """One meeting written: a 64 KiB media blob and a record of every kind."""
    sha, blob = make_blob(tmp_path / "spool", os.urandom(1 << 16))
    records = meeting_records("uuid-1==", sha, 1 << 16)
    sink = make_sink(s3_gateway, s3_bucket, retention_by_kind={"media": 3})
    receipt = sink.write(records, {sha: blob})
    return sink, records, sha, blob, receipt


def test_every_object_is_stored_once_with_its_checksum_and_retention(archive, s3_gateway):
    sink, records, sha, _, receipt = archive
    bucket, layout = sink.config.bucket, sink.bucket.layout
    objects = _objects(s3_gateway, bucket, "ecomms/blobs/") | _objects(
        s3_gateway, bucket, "ecomms/records/"
    )
    assert len(objects) == 1 + len(records) and all(len(v) == 1 for v in objects.values())
    head = s3_gateway.client().head_object(
        Bucket=bucket, Key=layout.blob(sha), ChecksumMode="ENABLED"
    )
    assert head["ChecksumSHA256"] == hex_to_b64(sha)
    assert receipt.artifacts == [sha]
    start = datetime.now(UTC)
    for record in records:
        digest = receipt.digests[record.id]
        key = layout.record_version(record.id, 1, digest)
        body = s3_gateway.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        assert body == encode_record(record) and hashlib.sha256(body).hexdigest() == digest
        lock = _retention(s3_gateway, bucket, key)
        days = 3 if record.kind == "media" else 1
        assert lock["Mode"] == "GOVERNANCE"
        assert abs(lock["RetainUntilDate"] - (start + timedelta(days=days))) < timedelta(minutes=5)
    blob_lock = _retention(s3_gateway, bucket, layout.blob(sha))
    assert blob_lock["RetainUntilDate"] > start + timedelta(days=2.9)  # kept as long as media


def test_a_replay_changes_nothing(archive, s3_gateway):
    sink, records, sha, blob, first = archive
    before = _objects(s3_gateway, sink.config.bucket)
    replay = [
        msgspec.structs.replace(r, captured_at=datetime(2026, 11, 1, tzinfo=UTC)) for r in records
    ]
    receipt = sink.write(replay, {sha: blob})
    assert _objects(s3_gateway, sink.config.bucket) == before
    assert receipt.digests == first.digests and receipt.artifacts == [sha]
    assert receipt.detail["new_objects"] == 0 and receipt.detail["unchanged"] == len(records)


def test_a_changed_record_is_a_new_version_and_the_old_stays_locked(archive, s3_gateway):
    sink, records, _, _, first = archive
    summary = next(r for r in records if r.kind == "summary")
    changed = msgspec.structs.replace(summary, text="Corrected summary text")
    receipt = sink.write([changed], {})
    layout, bucket = sink.bucket.layout, sink.config.bucket
    keys = sorted(_objects(s3_gateway, bucket, layout.record_prefix(summary.id)))
    assert keys == [
        layout.record_version(summary.id, 1, first.digests[summary.id]),
        layout.record_version(summary.id, 2, receipt.digests[summary.id]),
    ]
    assert _retention(s3_gateway, bucket, keys[0])["Mode"] == "GOVERNANCE"
    assert [v.text for v in sink.versions(summary.id)] == [summary.text, changed.text]
    assert sink.get(summary.id).text == changed.text


def test_referenced_artifacts_are_checked_for_presence(archive, tmp_path):
    sink, records, sha, _, _ = archive
    media = next(r for r in records if r.kind == "media")
    assert sink.write([media], {}).artifacts == [sha]  # held from before, verified present
    absent = msgspec.structs.replace(
        media.artifacts[0], sha256=hashlib.sha256(b"never stored").hexdigest()
    )
    orphan = msgspec.structs.replace(media, artifacts=[absent])
    with pytest.raises(RecordRejected) as caught:
        sink.write([orphan], {})
    assert media.id in caught.value.reasons


def test_fetch_and_records_read_the_archive_back(archive, tmp_path):
    sink, records, sha, blob, _ = archive
    got = sink.fetch(sha, tmp_path / "fetched")
    assert got.read_bytes() == blob.read_bytes() and got.parent == tmp_path / "fetched"
    with pytest.raises(IntegrityError, match="missing"):
        sink.fetch("0" * 64, tmp_path / "fetched")
    latest = list(sink.records())
    assert [r.id for r in latest] == sorted(r.id for r in records)
    assert [r.kind for r in sink.records(kinds=["chat", "poll"])] == sorted(
        (r.kind for r in records if r.kind in ("chat", "poll")),
        key=lambda k: next(r.id for r in records if r.kind == k),
    )


def test_large_artifacts_are_multipart_with_per_part_checksums(
    s3_gateway, s3_bucket, make_sink, tmp_path
):
    data = os.urandom(12 << 20)
    sha, blob = make_blob(tmp_path / "spool", data)
    sink = make_sink(s3_gateway, s3_bucket, multipart_threshold_mib=5, part_size_mib=5)
    receipt = sink.write([], {sha: blob})
    head = s3_gateway.client().head_object(
        Bucket=s3_bucket, Key=sink.bucket.layout.blob(sha), ChecksumMode="ENABLED"
    )
    parts = [hashlib.sha256(data[i : i + (5 << 20)]).digest() for i in range(0, len(data), 5 << 20)]
    composite = hashlib.sha256(b"".join(parts)).digest()
    assert head["ChecksumSHA256"] == f"{hex_to_b64(composite.hex())}-3"
    assert receipt.artifacts == [sha] and receipt.detail["new_blobs"] == 1
    again = make_sink(s3_gateway, s3_bucket, multipart_threshold_mib=5, part_size_mib=5)
    assert again.write([], {sha: blob}).detail["new_blobs"] == 0
    assert sink.fetch(sha, tmp_path / "out").read_bytes() == data
    assert not s3_gateway.client().list_multipart_uploads(Bucket=s3_bucket).get("Uploads")


def test_bytes_that_do_not_match_their_name_are_refused(s3_gateway, s3_bucket, make_sink, tmp_path):
    sink = make_sink(s3_gateway, s3_bucket, multipart_threshold_mib=5, part_size_mib=5)
    for size in (1000, 6 << 20):
        path = tmp_path / f"lying-{size}"
        path.write_bytes(os.urandom(size))
        with pytest.raises(IntegrityError, match="SHA-256"):
            sink.write([], {hashlib.sha256(b"other").hexdigest(): path})
    assert not _objects(s3_gateway, s3_bucket, "ecomms/blobs/")
    assert not s3_gateway.client().list_multipart_uploads(Bucket=s3_bucket).get("Uploads")


def test_a_blob_shared_by_a_longer_kept_record_gets_the_longer_retention(
    s3_gateway, s3_bucket, make_sink, tmp_path
):
    sha, blob = make_blob(tmp_path / "spool", os.urandom(4096))
    make_sink(s3_gateway, s3_bucket).write([], {sha: blob})
    key = make_sink(s3_gateway, s3_bucket).bucket.layout.blob(sha)
    short = _retention(s3_gateway, s3_bucket, key)["RetainUntilDate"]
    records = [r for r in meeting_records("uuid-2==", sha, 4096) if r.kind == "media"]
    make_sink(s3_gateway, s3_bucket, retention_by_kind={"media": 10}).write(records, {})
    longer = _retention(s3_gateway, s3_bucket, key)["RetainUntilDate"]
    assert longer - short > timedelta(days=8)
