"""What Object Lock refuses, and what ``verify`` reports when something changed behind our back.

The server (not our code) refuses deletion, shortening and downgrading of a locked version;
an overwrite of one of our keys is refused to a conditional writer, and an unconditional one
only adds a version beside ours, which verify names. An administrator's deletion is
simulated with GOVERNANCE retention and the bypass permission (root), as an auditor would
fear it: ``verify`` names the object.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from core.protocols import Expected
from core.testing.samples import make_blob, meeting_records
from tests.fixtures.s3_server import Gateway


@pytest.fixture
def stored(s3_gateway: Gateway, s3_bucket: str, make_sink, tmp_path: Path):
    """A meeting archived: (sink, records, blob sha, blob size, receipt)."""
    sha, blob = make_blob(tmp_path / "spool", os.urandom(8192))
    records = meeting_records("uuid-w==", sha, 8192)
    sink = make_sink(s3_gateway, s3_bucket)
    return sink, records, sha, 8192, sink.write(records, {sha: blob})


def _version(gateway: Gateway, bucket: str, key: str) -> str:
    return gateway.client().head_object(Bucket=bucket, Key=key)["VersionId"]


def _refused(call, *args, **kwargs) -> str:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]["Code"]


def _failed(findings) -> list[tuple[str, str]]:
    return [(f.check, f.detail) for f in findings if not f.ok]


def test_the_server_refuses_to_delete_shorten_or_downgrade(
    s3_gateway, s3_bucket, make_sink, tmp_path
):
    sha, blob = make_blob(tmp_path / "spool", b"compliance bytes")
    sink = make_sink(s3_gateway, s3_bucket, retention_mode="COMPLIANCE", retention_days=1)
    sink.write([], {sha: blob})
    client, key = s3_gateway.client(), sink.bucket.layout.blob(sha)
    version = _version(s3_gateway, s3_bucket, key)
    assert (
        _refused(
            client.delete_object,
            Bucket=s3_bucket,
            Key=key,
            VersionId=version,
            BypassGovernanceRetention=True,
        )
        == "AccessDenied"
    )
    soon = datetime.now(UTC) + timedelta(hours=1)
    for mode, until in (("COMPLIANCE", soon), ("GOVERNANCE", soon + timedelta(days=9))):
        assert (
            _refused(
                client.put_object_retention,
                Bucket=s3_bucket,
                Key=key,
                VersionId=version,
                BypassGovernanceRetention=True,
                Retention={"Mode": mode, "RetainUntilDate": until},
            )
            == "AccessDenied"
        )
    assert (
        _refused(client.put_object, Bucket=s3_bucket, Key=key, Body=b"other", IfNoneMatch="*")
        == "PreconditionFailed"
    )
    body = client.get_object(Bucket=s3_bucket, Key=key, VersionId=version)["Body"].read()
    assert body == b"compliance bytes"
    assert [f.ok for f in sink.verify()] == [True]


def test_an_overwrite_adds_a_version_beside_ours_and_verify_names_it(stored, s3_gateway):
    sink, _, sha, _, _ = stored
    key = sink.bucket.layout.blob(sha)
    s3_gateway.client().put_object(Bucket=sink.config.bucket, Key=key, Body=b"planted")
    problems = _failed(sink.verify())
    assert [check for check, _ in problems] == ["unlisted"] and key in problems[0][1]
    fetched = sink.fetch  # the latest version is the planted one: fetch refuses it
    with pytest.raises(Exception, match="altered"):
        fetched(sha, Path(sink.context.spool_dir) / "out")


def test_verify_names_an_object_deleted_by_an_administrator(stored, s3_gateway):
    sink, records, sha, _, receipt = stored
    bucket, layout = sink.config.bucket, sink.bucket.layout
    assert [f.ok for f in sink.verify()] == [True]
    chat = next(r for r in records if r.kind == "chat")
    victims = [layout.blob(sha), layout.record_version(chat.id, 1, receipt.digests[chat.id])]
    client = s3_gateway.client()
    for key in victims:
        assert (
            _refused(
                client.delete_object,
                Bucket=bucket,
                Key=key,
                VersionId=_version(s3_gateway, bucket, key),
            )
            == "AccessDenied"
        )
        client.delete_object(
            Bucket=bucket,
            Key=key,
            VersionId=_version(s3_gateway, bucket, key),
            BypassGovernanceRetention=True,
        )
    problems = _failed(sink.verify())
    assert sorted(check for check, _ in problems) == ["missing", "missing"]
    assert all(any(key in detail for _, detail in problems) for key in victims)


def test_verify_names_a_hidden_or_unlocked_object(stored, s3_gateway):
    sink, _, sha, _, _ = stored
    bucket, key = sink.config.bucket, sink.bucket.layout.blob(sha)
    client = s3_gateway.client()
    version = _version(s3_gateway, bucket, key)
    client.delete_object(Bucket=bucket, Key=key)  # a delete marker: allowed, hides ours
    client.put_object_retention(
        Bucket=bucket,
        Key=key,
        VersionId=version,
        BypassGovernanceRetention=True,
        Retention={
            "Mode": "GOVERNANCE",
            "RetainUntilDate": datetime.now(UTC) + timedelta(seconds=2),
        },
    )
    problems = _failed(sink.verify())
    assert ("missing" in {c for c, _ in problems}) and any(
        "delete marker" in d for _, d in problems
    )
    assert any(c == "unlocked" and "weakened" in d for c, d in problems)


def test_verify_with_the_ledgers_expectations(stored):
    sink, records, sha, size, receipt = stored
    expected = Expected(artifacts={sha: size}, records=dict(receipt.digests), ledger_seq=7)
    ok = sink.verify(expected)
    assert [f.ok for f in ok] == [True] and "as of entry 7" in ok[0].detail
    chat = next(r for r in records if r.kind == "chat")
    wrong = Expected(
        artifacts={sha: size + 1, "ab" * 32: 10},
        records={**receipt.digests, chat.id: "cd" * 32},
        ledger_seq=8,
    )
    problems = _failed(sink.verify(wrong))
    assert sorted(c for c, _ in problems) == ["changed", "missing", "missing"]
    assert any("ab" * 32 in d for _, d in problems) and any(chat.id in d for _, d in problems)


def test_verify_names_a_broken_manifest(stored, s3_gateway):
    sink, _, _, _, _ = stored
    bucket = sink.config.bucket
    client = s3_gateway.client()
    segment = sink.bucket.layout.segment(1)
    original = client.get_object(Bucket=bucket, Key=segment)["Body"].read()
    client.put_object(Bucket=bucket, Key=segment, Body=original.replace(b'"size":', b'"size":1', 1))
    problems = _failed(sink.verify())
    assert any(c == "changed" and "overwritten" in d for c, d in problems)
    client.put_object(Bucket=bucket, Key=sink.bucket.layout.segment(99), Body=b"not json\n")
    problems = _failed(sink.verify())
    assert any(c == "manifest" and "does not start at seq" in d for c, d in problems)
