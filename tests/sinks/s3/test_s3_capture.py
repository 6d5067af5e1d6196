"""The Zoom simulator captured through the command line into s3 + sqlite (+ filesystem).

Every artifact and record lands once, with its SHA-256 verified by the server and the
configured retention; Zoom files are tagged for deletion only once the s3 sink's receipt
lists their bytes (sqlite keeps none, so here s3 alone decides); ``audit verify`` passes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.testing.contracts import contract_context
from plugins.sinks.s3 import S3Sink
from plugins.sinks.s3.objects import hex_to_b64
from tests.fixtures.s3_server import Gateway
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml
from tests.sinks.s3 import _cli
from tests.sinks.s3.conftest import sink_config


def _configure(directory: Path, sim, gateway: Gateway, bucket: str, filesystem: bool) -> Path:
    text = "[ecomms]\nsink_backoff = 0.1\n" + zoom_source_toml(sim, auto_delete=True)
    text += gateway.sink_toml(bucket, retention_days=2, retention_by_kind={"capture": 3})
    text += '[sinks.sqlite]\npath = "search.db"\n'
    if filesystem:
        text += '[sinks.filesystem]\npath = "archive"\n'
    (directory / "ecomms.toml").write_text(text)
    return directory / "ecomms.toml"


def _capture(directory: Path, sim, gateway: Gateway, filesystem: bool = False) -> str:
    bucket = gateway.make_bucket()
    config = _configure(directory, sim, gateway, bucket, filesystem)
    env = {**gateway.env}
    check = run_ecomms(config, sim, "check", **env)
    assert check.returncode == 0, check.stdout + check.stderr
    done = run_ecomms(config, sim, "run", "--once", **env)
    assert done.returncode == 0, done.stderr
    assert gateway.secret_key not in done.stdout + done.stderr
    audit = run_ecomms(config, sim, "audit", "verify", **env)
    assert audit.returncode == 0, audit.stdout
    assert "ok   sink s3 verified" in audit.stdout
    return bucket


def _receipts(directory: Path, sink: str) -> list[tuple[int, dict]]:
    out = []
    for seq, (event, _, data) in enumerate(_cli.ledger(directory)):
        if event in ("commit", "custody", "derive"):
            out += [(seq, r) for r in data["receipts"] if r["sink"] == sink]
    return out


@pytest.mark.slow
def test_capture_into_s3_stores_everything_once_and_decides_tagging(
    zoom_simulator, s3_gateway: Gateway, tmp_path: Path
):
    bucket = _capture(tmp_path, zoom_simulator, s3_gateway)
    client = s3_gateway.client()
    receipts = _receipts(tmp_path, "s3")
    artifacts = {sha for _, r in receipts for sha in r["artifacts"]}
    digests = {rid: d for _, r in receipts for rid, d in r["digests"].items()}
    sink = S3Sink(sink_config(s3_gateway, bucket), contract_context(tmp_path / "reader", "s3"))
    try:
        layout = sink.bucket.layout
        versions = client.get_paginator("list_object_versions").paginate(Bucket=bucket)
        stored = [v["Key"] for page in versions for v in page.get("Versions") or []]
        blobs = [k for k in stored if layout.parse_blob(k)]
        records = [k for k in stored if layout.parse_version(k)]
        assert sorted(blobs) == sorted(layout.blob(sha) for sha in artifacts)  # once each
        assert sorted(records) == sorted(layout.record_version(i, 1, d) for i, d in digests.items())
        latest = list(sink.records())
        assert {r.id for r in latest} == set(digests)
        start = datetime.now(UTC)
        for sha in artifacts:
            head = client.head_object(Bucket=bucket, Key=layout.blob(sha), ChecksumMode="ENABLED")
            assert head["ChecksumSHA256"] == hex_to_b64(sha)
            lock = client.get_object_retention(Bucket=bucket, Key=layout.blob(sha))["Retention"]
            assert lock["Mode"] == "GOVERNANCE"
            assert lock["RetainUntilDate"] > start + timedelta(days=1.9)
        sha_of = {a.file_id: a.sha256 for r in latest for a in r.artifacts}
    finally:
        sink.close()
    tagged = zoom_simulator.inspect()["tagged_for_deletion"]
    assert tagged and all(sha_of[f] in artifacts for f in tagged)
    first_listing = {sha: seq for seq, r in receipts for sha in r["artifacts"]}
    for seq, (event, _, data) in enumerate(_cli.ledger(tmp_path)):
        if event == "acknowledge":
            for action in data["actions"]:
                if action.get("action") == "auto_delete":
                    assert first_listing[sha_of[action["file_id"]]] < seq


@pytest.mark.slow
def test_capture_into_s3_beside_the_filesystem_archive(
    zoom_simulator_factory, s3_gateway: Gateway, tmp_path: Path
):
    sim = zoom_simulator_factory(seed=3, meetings=3)
    bucket = _capture(tmp_path, sim, s3_gateway, filesystem=True)
    s3 = {sha for _, r in _receipts(tmp_path, "s3") for sha in r["artifacts"]}
    files = {sha for _, r in _receipts(tmp_path, "filesystem") for sha in r["artifacts"]}
    assert s3 and s3 == files
    stored = s3_gateway.client().list_objects_v2(Bucket=bucket, Prefix="ecomms/blobs/")
    assert len(stored["Contents"]) == len(s3)
