"""``ecomms legal-hold``: holds placed and released on a unit's objects, in the ledger.

Retention is a few seconds here so that expiry can be observed. A held object cannot be
deleted even by an administrator who may bypass GOVERNANCE retention; once its retention
has expired, S3 still refuses while the hold is on. (Versity S3 Gateway v1.8.0 skips the
legal-hold check for a version whose retention has expired; the test then holds the archive
to its second line of defence: ``audit verify`` and ``legal-hold list`` name the loss.)
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.fixtures.s3_server import Gateway
from tests.sinks.s3 import _cli

RETENTION_SECONDS = 10  # long enough for the holds to be placed and tried on a loaded machine


def _objects(gateway: Gateway, bucket: str) -> dict[str, str]:
    """Key -> version id of every blob and record version."""
    pages = gateway.client().get_paginator("list_object_versions").paginate(Bucket=bucket)
    return {
        v["Key"]: v["VersionId"]
        for page in pages
        for v in page.get("Versions") or []
        if "/manifest/" not in v["Key"]
    }


def _unit_keys(directory: Path, unit: str) -> set[str]:
    """Blob SHA-256s and record digests the ledger's s3 receipts list for ``unit``."""
    found: set[str] = set()
    for event, key, data in _cli.ledger(directory):
        if event in ("commit", "derive") and key == unit:
            for receipt in data["receipts"]:
                if receipt["sink"] == "s3":
                    found |= set(receipt["artifacts"]) | set(receipt["digests"].values())
    return found


def _of_unit(objects: dict[str, str], marks: set[str]) -> dict[str, str]:
    return {k: v for k, v in objects.items() if any(m in k for m in marks)}


def _delete(gateway: Gateway, bucket: str, key: str, version: str, bypass: bool) -> str:
    try:
        gateway.client().delete_object(
            Bucket=bucket, Key=key, VersionId=version, BypassGovernanceRetention=bypass
        )
    except ClientError as exc:
        return exc.response["Error"]["Code"]
    return "deleted"


@pytest.fixture
def archived(s3_gateway: Gateway, tmp_path: Path):
    """Two fake units captured into s3 (retention of a few seconds) and sqlite."""
    bucket = s3_gateway.make_bucket()
    _cli.write_config(
        tmp_path,
        s3_gateway,
        bucket,
        "units = 2\nfiles = 1\nrecords = 1",
        retention_days=RETENTION_SECONDS / 86400,
    )
    with (tmp_path / "ecomms.toml").open("a") as fh:
        fh.write('[sinks.sqlite]\npath = "search.db"\n')
    done = _cli.run(tmp_path, s3_gateway, "run", "--once")
    assert done.returncode == 0, done.stderr
    return tmp_path, bucket, time.monotonic()


@pytest.mark.slow
def test_held_objects_cannot_be_deleted_and_every_action_is_ledgered(archived, s3_gateway):
    directory, bucket, written = archived
    hold = lambda *a: _cli.run(directory, s3_gateway, "legal-hold", *a)  # noqa: E731
    assert hold("place", "--unit", "u0001").returncode == 2  # a reason is required
    placed = hold(
        "place", "--query", "fake message 1.0", "--reason", "SEC inquiry 42", "--by", "alice"
    )
    assert placed.returncode == 0, placed.stdout + placed.stderr
    objects = _objects(s3_gateway, bucket)
    held = _of_unit(objects, _unit_keys(directory, "u0001"))
    other = _of_unit(objects, _unit_keys(directory, "u0002"))
    # a blob, a capture record, a meeting and a chat record each
    assert len(held) == 4 and len(other) == 4
    assert placed.stdout.strip() == "fake/u0001: 4 objects held"
    events = [(e, k, d) for e, k, d in _cli.ledger(directory) if e == "legal_hold"]
    assert [(k, d["action"], d["by"], d["reason"], d["objects"]) for _, k, d in events] == [
        ("u0001", "place", "alice", "SEC inquiry 42", 4)
    ]
    for key, version in held.items():  # an administrator with the bypass is refused
        assert _delete(s3_gateway, bucket, key, version, bypass=True) == "AccessDenied"
    key, version = next(iter(other.items()))  # the same administrator, an object not held
    assert _delete(s3_gateway, bucket, key, version, bypass=True) == "deleted"
    listed = hold("list")
    assert (
        "fake/u0001: 4 of 4 objects held" in listed.stdout
        and "alice: SEC inquiry 42" in listed.stdout
    )

    time.sleep(max(0.0, written + RETENTION_SECONDS + 1 - time.monotonic()))  # retention over
    victim, victim_version = next(iter(held.items()))
    outcome = _delete(s3_gateway, bucket, victim, victim_version, bypass=False)
    audit = _cli.run(directory, s3_gateway, "audit", "verify")
    assert audit.returncode == 1  # the unheld object deleted above is named
    assert f"FAIL s3 missing: {key}" in audit.stdout
    if outcome == "deleted":  # the gateway's deviation: the loss must at least be reported
        assert f"FAIL s3 missing: {victim}" in audit.stdout
        assert "fake/u0001: 3 of 3 objects held" in hold("list").stdout
    else:
        assert outcome == "AccessDenied"

    released = hold("release", "--unit", "u0001", "--reason", "inquiry closed", "--by", "bob")
    assert released.returncode == 0, released.stdout
    events = [d for e, _, d in _cli.ledger(directory) if e == "legal_hold"]
    assert [(d["action"], d["by"]) for d in events] == [("place", "alice"), ("release", "bob")]
    assert "no unit is under legal hold" in hold("list").stdout
    survivor = next(k for k in held if k != victim)
    assert _delete(s3_gateway, bucket, survivor, held[survivor], bypass=False) == "deleted"


def test_retention_is_extended_and_a_shortening_is_refused_in_one_line(archived, s3_gateway):
    directory, bucket, _ = archived
    hold = lambda *a: _cli.run(directory, s3_gateway, "legal-hold", *a)  # noqa: E731
    longer = hold("extend", "--unit", "u0002", "--days", "2", "--reason", "litigation")
    assert longer.returncode == 0, longer.stdout + longer.stderr
    objects = _of_unit(_objects(s3_gateway, bucket), _unit_keys(directory, "u0002"))
    client = s3_gateway.client()
    for key, version in objects.items():
        until = client.get_object_retention(Bucket=bucket, Key=key, VersionId=version)
        assert until["Retention"]["RetainUntilDate"].timestamp() > time.time() + 86400
    shorter = hold("extend", "--unit", "u0002", "--days", "1", "--reason", "mistake")
    assert shorter.returncode == 1
    fails = [line for line in shorter.stdout.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 1 and "the server refused" in fails[0] and "3 more objects" in fails[0]
    actions = [d["action"] for e, _, d in _cli.ledger(directory) if e == "retention_extend"]
    assert actions == ["extend", "extend"]
