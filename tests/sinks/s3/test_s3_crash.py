"""``ecomms run`` killed with SIGKILL in the middle of a multipart upload, then run again."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from core.testing import read_acks
from tests.fixtures.s3_server import Gateway
from tests.sinks.s3 import _cli

FILE_SIZE = 60 << 20  # 12 parts of 5 MiB


def _uploads(gateway: Gateway, bucket: str) -> list[dict]:
    return gateway.client().list_multipart_uploads(Bucket=bucket).get("Uploads") or []


def _wait_for_a_part(gateway: Gateway, bucket: str, process) -> None:
    client, deadline = gateway.client(), time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        for upload in _uploads(gateway, bucket):
            parts = client.list_parts(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
            if parts.get("Parts"):
                return
        time.sleep(0.02)
    raise AssertionError(f"no upload in progress was seen (exit {process.poll()})")


@pytest.mark.slow
def test_killed_mid_upload_leaves_no_partial_object_and_the_rerun_commits_once(
    s3_gateway: Gateway, tmp_path: Path
):
    bucket = s3_gateway.make_bucket()
    _cli.write_config(
        tmp_path,
        s3_gateway,
        bucket,
        f"units = 1\nfiles = 1\nfile_size = {FILE_SIZE}",
        multipart_threshold_mib=5,
        part_size_mib=5,
        max_concurrency=1,
    )
    run = _cli.start(tmp_path, s3_gateway, "run", "--once")
    _wait_for_a_part(s3_gateway, bucket, run)
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)
    client = s3_gateway.client()
    assert _uploads(s3_gateway, bucket), "the kill should leave the upload incomplete"
    assert not client.list_objects_v2(Bucket=bucket, Prefix="ecomms/blobs/").get("Contents")
    assert _cli.committed(tmp_path) == []
    done = _cli.run(tmp_path, s3_gateway, "run", "--once")
    assert done.returncode == 0, done.stderr
    assert "aborted an interrupted upload" in done.stderr
    assert _uploads(s3_gateway, bucket) == []
    blobs = client.list_object_versions(Bucket=bucket, Prefix="ecomms/blobs/")["Versions"]
    assert len(blobs) == 1 and blobs[0]["Size"] == FILE_SIZE
    assert _cli.committed(tmp_path) == ["u0001"]
    assert [a["key"] for a in read_acks(tmp_path / ".ecomms")] == ["u0001"]
    audit = _cli.run(tmp_path, s3_gateway, "audit", "verify")
    assert audit.returncode == 0, audit.stdout
