"""Capture lag: from a meeting's archive completion at Zoom to its commit, with and without
webhooks.

The simulator completes meetings at a steady rate (``complete_per_minute``) for a few
minutes while a continuous ``ecomms run`` captures them; once with polling only, once with
the simulator sending each meeting's ``recording.archive_files_completed`` webhook to the
run's receiver. For every meeting completed during the window, lag = the commit time in
the custody ledger minus the archive's ``complete_time``. Prints count, median, 90th
percentile and max per mode, and the median ratio; asserts nothing.

Run: ``.venv/bin/python bench/capture_lag.py [--minutes 3] [--rate 10] [--poll-interval 60]``
(``--mode polling`` or ``--mode webhooks`` runs one of the two).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from ecomms_zoom_simulator import Simulator, SimulatorConfig

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.state import State  # noqa: E402
from tests.fixtures.cli import start_ecomms  # noqa: E402
from tests.fixtures.zoom_simulator import zoom_source_toml  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _commits(state_dir: Path) -> dict[str, datetime]:
    """Unit key -> time of its first commit entry in the ledger."""
    if not (state_dir / "state.db").exists():
        return {}
    state = State(state_dir)
    try:
        out: dict[str, datetime] = {}
        for entry in state.ledger_entries():
            if entry.event == "commit" and entry.unit_key not in out:
                out[entry.unit_key] = datetime.fromisoformat(entry.time)
        return out
    finally:
        state.close()


def _run(mode: str, minutes: float, rate: float, poll_interval: float, seed: int) -> list[float]:
    """One continuous run; the lags (seconds) of the meetings completed while it ran."""
    port = _free_port()
    webhooks = mode == "webhooks"
    sim = Simulator(
        SimulatorConfig(
            seed=seed,
            meetings=2,
            plan="business",
            complete_per_minute=rate,
            webhook_url=f"http://127.0.0.1:{port}/" if webhooks else None,
        )
    ).start()
    with tempfile.TemporaryDirectory(prefix="ecomms-lag-") as tmp:
        work = Path(tmp)
        extra = {"webhook_secret": {"env": "ZOOM_WEBHOOK_SECRET"}, "webhook_port": port}
        (work / "ecomms.toml").write_text(
            f"[ecomms]\npoll_interval = {poll_interval}\n"
            + zoom_source_toml(sim, **(extra if webhooks else {}))
            + '[sinks.filesystem]\npath = "archive"\n'
        )
        env = {"ZOOM_CLIENT_SECRET": sim.client_secret, "ZOOM_WEBHOOK_SECRET": sim.webhook_secret}
        started = datetime.now().astimezone()
        with (work / "run.log").open("w") as log:
            process = start_ecomms("run", cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            time.sleep(minutes * 60)
            sim.completer.stop()  # no new completions; let the run catch up with the last ones
            live = {
                m.uuid: m.complete_time
                for m in sim.state.account.meetings
                if m.complete_time is not None and m.complete_time >= started
            }
            deadline = time.monotonic() + poll_interval + 60
            while time.monotonic() < deadline:
                if set(live) <= set(_commits(work / ".ecomms")):
                    break
                time.sleep(1)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=300)
            sim.stop()
        commits = _commits(work / ".ecomms")
        missing = sorted(set(live) - set(commits))
        if missing:
            print(f"  {mode}: {len(missing)} meeting(s) not committed by the end", file=sys.stderr)
        return [(commits[k] - t).total_seconds() for k, t in live.items() if k in commits]


def _summary(mode: str, lags: list[float]) -> str:
    if not lags:
        return f"{mode:>9}: no meeting completed and committed"
    ordered = sorted(lags)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (
        f"{mode:>9}: {len(lags):3d} meetings  median {statistics.median(lags):6.1f} s"
        f"  p90 {p90:6.1f} s  max {max(lags):6.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="completion window per mode")
    parser.add_argument("--rate", type=float, default=10.0, help="meetings completed a minute")
    parser.add_argument("--poll-interval", type=float, default=60.0, help="seconds between passes")
    parser.add_argument("--mode", choices=("both", "polling", "webhooks"), default="both")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    modes = ("polling", "webhooks") if args.mode == "both" else (args.mode,)
    print(
        f"{args.rate:g} meetings/min for {args.minutes:g} min per mode,"
        f" poll_interval {args.poll_interval:g} s, cpus {os.cpu_count()}"
    )
    results = {}
    for mode in modes:
        results[mode] = _run(mode, args.minutes, args.rate, args.poll_interval, args.seed)
        print(_summary(mode, results[mode]), flush=True)
    if len(results) == 2 and all(results.values()):
        ratio = statistics.median(results["polling"]) / max(
            statistics.median(results["webhooks"]), 1e-9
        )
        print(f"median lag, polling / webhooks: {ratio:.1f}x")


if __name__ == "__main__":
    main()
