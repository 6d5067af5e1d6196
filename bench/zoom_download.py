"""Memory and throughput of archive downloads: one 1 GiB file through the source's
downloader (stream, hash, verify) versus a plain streaming httpx copy of the same URL.

The simulator runs in a child process so the figures are the downloader's own. Run:
``.venv/bin/python bench/zoom_download.py [--size-mib 1024]``. Prints peak RSS, both
throughputs and their ratio, and the client CPU seconds per GiB of each (less sensitive to
other load on the machine than wall time); asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from core.config import Secret
from core.protocols import Context
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.listing import list_window, windows
from plugins.zoom_ecomms.models import zoom_time
from plugins.zoom_ecomms.source import ZoomSource

ROUNDS = 5


def _serve(size: int, conn) -> None:
    from ecomms_zoom_simulator import Simulator, SimulatorConfig

    with Simulator(SimulatorConfig(seed=5, meetings=1, plan="unlimited", media_size=size)) as sim:
        conn.send(
            {
                k: getattr(sim, k)
                for k in (
                    "api_base_url",
                    "oauth_token_url",
                    "account_id",
                    "client_id",
                    "client_secret",
                    "capture_from",
                )
            }
        )
        conn.recv()  # wait until the parent is done


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _plain_copy(url: str, token: str, target: Path) -> float:
    started = time.monotonic()
    with (
        httpx.stream(
            "GET", url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as response,
        target.open("wb") as out,
    ):
        for chunk in response.iter_bytes():
            out.write(chunk)
    return time.monotonic() - started


def main() -> None:
    """Download the same large file both ways and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    size = parser.parse_args().size_mib << 20
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(size, child), daemon=True)
    server.start()
    sim = parent.recv()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _run(sim, Path(tmp), size)
    finally:
        parent.send("stop")
        server.join(10)


def _run(sim: dict, tmp: Path, size: int) -> None:
    config = ZoomConfig(
        account_id=sim["account_id"],
        client_id=sim["client_id"],
        client_secret=Secret(sim["client_secret"]),
        api_base_url=sim["api_base_url"],
        oauth_token_url=sim["oauth_token_url"],
        plan="business",
        media="video",
        capture_from=datetime.fromisoformat(sim["capture_from"].replace("Z", "+00:00")),
    )
    source = ZoomSource(config, Context(name="bench", state_dir=tmp, spool_dir=tmp / "spool"))
    start = zoom_time(sim["capture_from"])
    meetings = []
    for w_from, w_to in windows(start, datetime.now(start.tzinfo), 7):
        meetings += [item.meeting for item in list_window(source.client, w_from, w_to)[0]]
    files = [
        f
        for m in meetings
        for f in m.archive_files
        if f.file_type == "MP4" and f.status == "completed"
    ]
    big = max(files, key=lambda f: f.file_size)
    before = _rss_mib()
    plains, ourses, plain_cpu, our_cpu = [], [], [], []
    for _ in range(ROUNDS):  # alternate, so both see the same machine load
        cpu = time.process_time()
        plains.append(_plain_copy(big.download_url, source.provider.token(), tmp / "p.bin"))
        plain_cpu.append(time.process_time() - cpu)
        (tmp / "p.bin").unlink()
        started, cpu = time.monotonic(), time.process_time()
        spooled = source.capturer.downloader.fetch(big, tmp / "spool")
        ourses.append(time.monotonic() - started)
        our_cpu.append(time.process_time() - cpu)
        Path(spooled.path).unlink()
    plain, ours = statistics.median(plains), statistics.median(ourses)
    peak = _rss_mib()
    source.close()
    mib = big.file_size / (1 << 20)
    print(f"file size               {mib:.0f} MiB (verified sha256 {spooled.sha256[:12]}...)")
    print(f"peak RSS                {peak:.1f} MiB (before downloads {before:.1f} MiB)")
    print(f"plain httpx copy        {mib / plain:.1f} MiB/s")
    print(f"source downloader       {mib / ours:.1f} MiB/s (stream + SHA-256 + verify)")
    print(f"throughput ratio        {plain / ours:.3f} (median of {ROUNDS} alternating rounds)")
    gib = big.file_size / (1 << 30)
    print(
        f"client CPU per GiB      plain {statistics.median(plain_cpu) / gib:.2f} s, source "
        f"{statistics.median(our_cpu) / gib:.2f} s (all threads)"
    )


if __name__ == "__main__":
    main()
