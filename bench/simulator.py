"""Benchmark of the Zoom simulator: list requests/s, download MB/s, memory of a 1 GiB download
and of a 4 GiB gzip bomb, time to build a 400-meeting account.

Run: ``python bench/simulator.py [--size-mib 1024] [--seconds 5] [--clients 4]``. Prints
figures and ratios; asserts nothing. The simulator runs in a child process so its memory
can be sampled alone while a client streams the big file and discards it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

# Business plan "Medium" quota (ZOOM_API §7.1): the most listing a connector may do on Zoom.
ZOOM_MEDIUM_QPS = 60

_CHILD = """
import json, sys, threading
from ecomms_zoom_simulator import Simulator, SimulatorConfig
sim = Simulator(SimulatorConfig(**json.loads(sys.argv[1]))).start()
print(json.dumps({"base": sim.base_url, "account_id": sim.account_id, "client_id": sim.client_id,
                  "client_secret": sim.client_secret}), flush=True)
threading.Event().wait()
"""


def _start(config: dict) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, json.dumps(config)], stdout=subprocess.PIPE, text=True
    )
    return proc, json.loads(proc.stdout.readline())


def _token(info: dict) -> dict[str, str]:
    body = httpx.post(
        info["base"] + "/oauth/token",
        data={"grant_type": "account_credentials", "account_id": info["account_id"]},
        auth=(info["client_id"], info["client_secret"]),
    ).json()
    return {"Authorization": f"Bearer {body['access_token']}"}


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def bench_listing(seconds: float, clients: int) -> float:
    """List requests per second served to ``clients`` concurrent keep-alive clients."""
    proc, info = _start({"meetings": 60, "plan": "unlimited", "seed": 11})
    try:
        headers = _token(info)
        params = {"from": "2026-10-01T00:00:00Z", "to": "2026-10-08T00:00:00Z", "page_size": 30}
        httpx.get(info["base"] + "/v2/archive_files", params=params, headers=headers)  # warm up

        def worker(_: int) -> int:
            """Issue list requests until the deadline; return how many."""
            done, deadline = 0, time.perf_counter() + seconds
            with httpx.Client(base_url=info["base"], headers=headers) as client:
                while time.perf_counter() < deadline:
                    client.get("/v2/archive_files", params=params).raise_for_status()
                    done += 1
            return done

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            total = sum(pool.map(worker, range(clients)))
        return total / (time.perf_counter() - started)
    finally:
        proc.terminate()
        proc.wait()


def bench_download(size_mib: int) -> tuple[float, float, float]:
    """Download MB/s of one big file, the server's RSS increase (MB), and fingerprint time (s)."""
    proc, info = _start({"meetings": 1, "plan": "unlimited", "media_size": size_mib * 2**20})
    try:
        headers = _token(info)
        baseline = _rss_kib(proc.pid)
        started = time.perf_counter()
        params = {"from": "2026-09-30T00:00:00Z", "to": "2026-10-07T00:00:00Z"}
        meetings = httpx.get(
            info["base"] + "/v2/archive_files", params=params, headers=headers, timeout=600
        ).json()["meetings"]
        fingerprint_s = time.perf_counter() - started
        mp4 = next(f for f in meetings[0]["archive_files"] if f["file_type"] == "MP4")
        peak, stop = [baseline], threading.Event()

        def sample() -> None:
            """Record the peak RSS of the simulator process."""
            while not stop.wait(0.05):
                peak[0] = max(peak[0], _rss_kib(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        digest, size = hashlib.sha256(), 0
        started = time.perf_counter()
        with httpx.stream("GET", mp4["download_url"], headers=headers, timeout=600) as response:
            for chunk in response.iter_raw(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        assert digest.hexdigest() == mp4["encryption_fingerprint"], "fingerprint mismatch"
        return size / 1e6 / elapsed, (peak[0] - baseline) / 1024, fingerprint_s
    finally:
        proc.terminate()
        proc.wait()


def bench_gzip_bomb() -> tuple[float, float]:
    """MB sent for the default 4 GiB gzip bomb, and the server's RSS increase (MB) meanwhile."""
    proc, info = _start({"meetings": 6, "plan": "unlimited", "faults": ["gzip_bomb"]})
    try:
        headers = _token(info)
        baseline = peak = _rss_kib(proc.pid)
        params = {"from": "2026-10-01T00:00:00Z", "to": "2026-10-08T00:00:00Z"}
        sent = 0
        url = info["base"] + "/v2/archive_files"
        with httpx.stream("GET", url, params=params, headers=headers, timeout=600) as response:
            for chunk in response.iter_raw(1 << 16):  # compressed bytes, never inflated
                sent += len(chunk)
                peak = max(peak, _rss_kib(proc.pid)) if sent % (1 << 20) < (1 << 16) else peak
        return sent / 1e6, (peak - baseline) / 1024
    finally:
        proc.terminate()
        proc.wait()


def bench_generation(meetings: int) -> tuple[float, float]:
    """Seconds to build an account of ``meetings`` with small media, then to fingerprint it."""
    from ecomms_zoom_simulator.config import SimulatorConfig
    from ecomms_zoom_simulator.profiles import build_account

    config = SimulatorConfig(meetings=meetings, small_media=True, profiles="realistic")
    started = time.perf_counter()
    account = build_account(config)
    built = time.perf_counter() - started
    for meeting in account.meetings:
        for archive_file in meeting.files:
            archive_file.blob.sha256()
    return built, time.perf_counter() - started - built


def main() -> None:
    """Run both benchmarks and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    rps = bench_listing(args.seconds, args.clients)
    print(f"list requests/s        {rps:10.1f}  ({args.clients} clients, 30 meetings per page)")
    ratio = rps / ZOOM_MEDIUM_QPS
    print(f"  vs Zoom Medium quota {ratio:10.1f}x  (Business plan, {ZOOM_MEDIUM_QPS}/s)")
    mbps, rss_mb, fingerprint_s = bench_download(args.size_mib)
    print(f"download MB/s          {mbps:10.1f}  ({args.size_mib} MiB file, SHA-256 checked)")
    print(f"server RSS increase    {rss_mb:10.1f} MB (target <= 50 MB)")
    print(f"first fingerprint      {fingerprint_s:10.2f} s  (hashing the generated file once)")
    sent_mb, bomb_rss = bench_gzip_bomb()
    print(f"gzip bomb sent         {sent_mb:10.1f} MB (inflates to 4 GiB)")
    print(f"  server RSS increase  {bomb_rss:10.1f} MB (streamed from one deflate block)")
    built, hashed = bench_generation(400)
    print(f"400-meeting account    {built:10.2f} s  (small media; target < 2 s)")
    print(f"  its fingerprints     {hashed:10.2f} s  (every file hashed once, on first listing)")


if __name__ == "__main__":
    main()
