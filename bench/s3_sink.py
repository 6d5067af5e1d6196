"""Benchmark: the s3 sink vs a plain boto3 ``upload_file`` loop of the same bytes.

Starts its own Versity S3 Gateway on loopback (the test fixture's, built on first use), makes
N meetings (one media file of ``--media-mib`` plus nine records each), then stores them
through ``S3Sink.write`` (explicit retention, SHA-256 checksums, retention read back, the
manifest) and through ``boto3`` ``upload_file`` (no lock headers, no checksums), the same
bytes into buckets of the same kind, twice each, alternating. Prints MB/s and objects/s of
the best pass of each and their ratios (target ≥ 0.8), then the peak RSS of a process that
stores one 1 GiB artifact through the sink (target ≤ 150 MB).

    .venv/bin/python bench/s3_sink.py [--meetings 20] [--media-mib 8] [--big-gib 1]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.config import Secret
from core.records import encode_record
from core.testing.contracts import contract_context
from core.testing.samples import make_blob, meeting_records
from plugins.sinks.s3 import S3Sink
from plugins.sinks.s3.config import S3Config
from tests.fixtures.s3_server import SAFE_AWS_ENV, Gateway


def _config(gateway: Gateway, bucket: str) -> S3Config:
    return S3Config(
        bucket=bucket,
        endpoint_url=gateway.endpoint,
        region=gateway.region,
        access_key_id=gateway.access_key,
        secret_access_key=Secret(gateway.secret_key),
        retention_mode="GOVERNANCE",
        retention_days=1,
    )


def _meetings(directory: Path, count: int, media: int) -> list[tuple[list, dict[str, Path]]]:
    out = []
    for n in range(count):
        sha, path = make_blob(directory / "spool", os.urandom(media))
        out.append((meeting_records(f"bench-{n}==", sha, media), {sha: path}))
    return out


def _sink_pass(gateway: Gateway, meetings: list, work: Path) -> float:
    sink = S3Sink(
        _config(gateway, gateway.make_bucket()), contract_context(work, f"s{time.time_ns()}")
    )
    start = time.perf_counter()
    for records, artifacts in meetings:
        sink.write(records, artifacts)
    elapsed = time.perf_counter() - start
    sink.close()
    return elapsed


def _plain_pass(gateway: Gateway, meetings: list, work: Path) -> float:
    client, bucket = gateway.client(), gateway.make_bucket()
    files = []
    for n, (records, artifacts) in enumerate(meetings):
        for record in records:
            path = work / "plain" / f"{n}-{record.id}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(encode_record(record))
            files.append((path, f"records/{record.id}.json"))
        files += [(path, f"blobs/{sha}") for sha, path in artifacts.items()]
    start = time.perf_counter()
    for path, key in files:
        client.upload_file(str(path), bucket, key)
    return time.perf_counter() - start


def _throughput(args: argparse.Namespace, gateway: Gateway, work: Path) -> None:
    meetings = _meetings(work, args.meetings, args.media_mib << 20)
    objects = sum(len(r) + len(a) for r, a in meetings)
    megabytes = (
        sum(
            sum(len(encode_record(x)) for x in r) + sum(p.stat().st_size for p in a.values())
            for r, a in meetings
        )
        / 1e6
    )
    sink_times, plain_times = [], []
    for _ in range(3):
        sink_times.append(_sink_pass(gateway, meetings, work))
        plain_times.append(_plain_pass(gateway, meetings, work))
    sink, plain = min(sink_times), min(plain_times)
    print(f"{args.meetings} meetings: {objects} objects, {megabytes:.1f} MB")
    print(f"s3 sink     : {megabytes / sink:8.1f} MB/s {objects / sink:8.1f} objects/s")
    print(f"upload_file : {megabytes / plain:8.1f} MB/s {objects / plain:8.1f} objects/s")
    print(f"ratio (sink / plain): {plain / sink:.2f} (target >= 0.8)")


def _big(args: argparse.Namespace, gateway: Gateway, work: Path) -> None:
    path, digest = work / "big.bin", hashlib.sha256()
    block = os.urandom(1 << 20)
    with path.open("wb") as fh:
        for n in range(args.big_gib << 10):
            chunk = block[n % 251 :] + block[: n % 251]
            digest.update(chunk)
            fh.write(chunk)
    env = dict(
        os.environ,
        **SAFE_AWS_ENV,
        BENCH_ENDPOINT=gateway.endpoint,
        BENCH_KEY=gateway.access_key,
        BENCH_SECRET=gateway.secret_key,
        BENCH_BUCKET=gateway.make_bucket(),
        BENCH_FILE=str(path),
        BENCH_SHA=digest.hexdigest(),
    )
    done = subprocess.run(
        [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True
    )
    print(done.stdout.strip() or done.stderr[-2000:])
    path.unlink()


def _child() -> None:
    """Store one big artifact through the sink; print the process's peak RSS."""
    gateway = Gateway(home=Path(tempfile.mkdtemp()), port=1)
    gateway.access_key, gateway.secret_key = os.environ["BENCH_KEY"], os.environ["BENCH_SECRET"]
    config = _config(gateway, os.environ["BENCH_BUCKET"])
    config.endpoint_url = os.environ["BENCH_ENDPOINT"]
    work = Path(tempfile.mkdtemp())
    sink = S3Sink(config, contract_context(work, "big"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    path, size = Path(os.environ["BENCH_FILE"]), Path(os.environ["BENCH_FILE"]).stat().st_size
    start = time.perf_counter()
    sink.write([], {os.environ["BENCH_SHA"]: path})
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{size / 2**30:.0f} GiB artifact: {size / 1e6 / elapsed:.1f} MB/s, peak RSS"
        f" {peak:.0f} MB (before the upload {before:.0f} MB; target <= 150 MB)"
    )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=20)
    parser.add_argument("--media-mib", type=int, default=8)
    parser.add_argument("--big-gib", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child()
        return
    os.environ.update(SAFE_AWS_ENV)
    with tempfile.TemporaryDirectory(prefix="ecomms-bench-s3-") as tmp:
        gateway = Gateway(home=Path(tmp) / "gw").start()
        try:
            _throughput(args, gateway, Path(tmp))
            _big(args, gateway, Path(tmp))
        finally:
            gateway.stop()


if __name__ == "__main__":
    main()
