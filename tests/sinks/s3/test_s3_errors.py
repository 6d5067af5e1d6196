"""A server that is down, wrong credentials, a missing bucket, a bucket without Object Lock.

Each is one clear line (a failed check naming the fix, or our error) and nothing is
committed; a server that comes back is simply written to again.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from core.errors import AuthError, ConfigError, SinkUnavailable
from core.testing import read_acks
from core.testing.samples import make_blob, sample_artifacts
from tests.fixtures.s3_server import Gateway
from tests.sinks.s3 import _cli


def _failed(sink) -> list[str]:
    return [f"{f.check}: {f.detail} → {f.action}" for f in sink.check() if not f.ok]


def test_a_server_that_is_down_is_unavailable_then_written_again(
    throwaway_gateway: Gateway, make_sink, tmp_path: Path
):
    bucket = throwaway_gateway.make_bucket()
    sink = make_sink(throwaway_gateway, bucket)
    sha, blob = make_blob(tmp_path / "spool", b"first bytes")
    sink.write([], {sha: blob})
    throwaway_gateway.stop()
    later, path = make_blob(tmp_path / "spool", b"bytes written while it is down")
    with pytest.raises(SinkUnavailable) as caught:
        sink.write([], {later: path})
    assert throwaway_gateway.endpoint in caught.value.one_line()
    assert "\n" not in caught.value.one_line()
    assert _failed(sink) and "cannot reach" in _failed(sink)[0]
    throwaway_gateway.start()
    assert sink.write([], {later: path}).artifacts == [later]
    assert [f.ok for f in sink.verify()] == [True]


def test_wrong_credentials_missing_bucket_and_no_object_lock_are_one_line_each(
    s3_gateway: Gateway, make_sink, tmp_path: Path
):
    artifacts = sample_artifacts(tmp_path / "a")
    cases = {
        "credentials": (
            make_sink(s3_gateway, s3_gateway.make_bucket(), access_key_id="nobody"),
            AuthError,
            "refused the S3 credentials",
        ),
        "bucket": (make_sink(s3_gateway, "no-such-bucket-here"), ConfigError, "does not exist"),
        "lock": (
            make_sink(s3_gateway, s3_gateway.make_bucket(lock=False)),
            ConfigError,
            "has no Object Lock",
        ),
    }
    for name, (sink, error, text) in cases.items():
        failed = _failed(sink)
        assert len(failed) == 1 and text in failed[0], (name, failed)
        assert s3_gateway.secret_key not in failed[0]
        with pytest.raises(error) as caught:
            sink.write([], artifacts)
        assert text in caught.value.one_line(), name
        assert s3_gateway.secret_key not in caught.value.one_line()
    assert "create a bucket with Object Lock enabled" in _failed(cases["lock"][0])[0]


def test_ecomms_check_prints_one_line_per_problem(s3_gateway: Gateway, tmp_path: Path):
    _cli.write_config(tmp_path, s3_gateway, s3_gateway.make_bucket(lock=False))
    done = _cli.run(tmp_path, s3_gateway, "check")
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert len(lines) == 1 and "has no Object Lock" in lines[0] and "→" in lines[0]
    assert "Traceback" not in done.stderr and s3_gateway.secret_key not in done.stdout + done.stderr
    refused = _cli.run(tmp_path, s3_gateway, "run", "--once")
    assert refused.returncode == 1 and "check(s) failed" in refused.stderr
    assert _cli.committed(tmp_path) == []


@pytest.mark.slow
def test_a_run_stops_when_the_server_goes_away_and_resumes(
    throwaway_gateway: Gateway, tmp_path: Path
):
    bucket = throwaway_gateway.make_bucket()
    _cli.write_config(tmp_path, throwaway_gateway, bucket, "units = 6\nfiles = 1\ndelay = 0.4")
    run = _cli.start(tmp_path, throwaway_gateway, "run", "--once")
    acks = tmp_path / ".ecomms"
    deadline = time.monotonic() + 60
    while len(read_acks(acks)) < 2 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    throwaway_gateway.stop()
    out, err = run.communicate(timeout=120)
    assert run.returncode == 1, out + err
    assert "unavailable" in err and "nothing was committed" in err and "Traceback" not in err
    before = _cli.committed(tmp_path)
    assert 2 <= len(before) < 6
    throwaway_gateway.start()
    done = _cli.run(tmp_path, throwaway_gateway, "run", "--once")
    assert done.returncode == 0, done.stderr
    assert sorted(_cli.committed(tmp_path)) == [f"u{i:04d}" for i in range(1, 7)]
    client = throwaway_gateway.client()
    blobs = client.list_object_versions(Bucket=bucket, Prefix="ecomms/blobs/")["Versions"]
    assert len(blobs) == 6 and len({b["Key"] for b in blobs}) == 6
    audit = _cli.run(tmp_path, throwaway_gateway, "audit", "verify")
    assert audit.returncode == 0, audit.stdout
