"""What a pass costs when little or nothing is new (issue 14 item 3): API requests,
downloaded bytes and seconds per pass.

Captures a simulated account of ``--meetings`` meetings (default 200, small media) into a
filesystem archive, then runs ``--passes`` more passes in one process (a continuous run)
and one restart (a new ``ecomms run --once`` process) with nothing new at Zoom; then the
same with ``--new-percent`` (default 10 %) new meetings completing before each pass. A
meeting already committed at the same listing state should cost no download and no
enrichment call: only listing requests. Run: ``.venv/bin/python bench/repoll.py``. Prints
one line per pass; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecomms_zoom_simulator import Simulator, SimulatorConfig

from core.app import App
from core.plugins import build_host

ROOT = Path(__file__).resolve().parents[1]
SECRET = "BENCH_ZOOM_CLIENT_SECRET"
CONFIG = """[ecomms]
state_dir = ".ecomms"
[sources.zoom_ecomms]
account_id = "{sim.account_id}"
client_id = "{sim.client_id}"
client_secret = {{ env = "{secret}" }}
api_base_url = "{sim.api_base_url}"
oauth_token_url = "{sim.oauth_token_url}"
capture_from = "{sim.capture_from}"
media = "video"
[sinks.filesystem]
path = "archive"
"""
HEADER = (
    f"{'pass':<22} {'committed':>9} {'requests':>8} {'listing':>7} {'lookups':>7}"
    f" {'downloads':>9} {'MiB down':>8} {'seconds':>7}"
)
LISTING = {"list_archive_files", "oauth_token"}


def _measure(sim: Simulator, label: str, run: Callable[[], int]) -> None:
    mark = sim.inspect()["seq"]
    started = time.monotonic()
    committed = run()
    seconds = time.monotonic() - started
    seen = sim.inspect(mark)
    counts = Counter(seen["request_counts"])
    downloads = [r for r in seen["requests"] if r.get("file_id") and r["status"] in (200, 206)]
    listing = sum(counts[op] for op in LISTING)
    lookups = sum(counts.values()) - listing - len(downloads)
    mib = sum(r["bytes"] for r in downloads) / (1 << 20)
    print(
        f"{label:<22} {committed:>9} {sum(counts.values()):>8} {listing:>7} {lookups:>7}"
        f" {len(downloads):>9} {mib:>8.2f} {seconds:>7.2f}",
        flush=True,
    )


def _in_process(app: App) -> Callable[[], int]:
    def run() -> int:
        report = app.pipeline().run_pass()
        return len(report.outcomes.get("committed", []))

    return run


def _restart(directory: Path, env: dict[str, str]) -> Callable[[], int]:
    def run() -> int:
        before = _committed(directory)
        config = str(directory / "ecomms.toml")
        done = subprocess.run(
            [sys.executable, "-m", "core", "--config", config, "run", "--once"],
            cwd=directory,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"restart failed: {done.stderr.strip()[-400:]}")
        return _committed(directory) - before

    return run


def _committed(directory: Path) -> int:
    db = sqlite3.connect(directory / ".ecomms" / "state.db")
    try:
        return int(db.execute("SELECT count(*) FROM units WHERE status='committed'").fetchone()[0])
    finally:
        db.close()


def _scenario(
    sim: Simulator, directory: Path, env: dict[str, str], passes: int, new: int, title: str
) -> None:
    print(f"\n{title}\n{HEADER}")
    app = App(build_host(), directory / "ecomms.toml", env)
    try:
        for n in range(1, passes + 1):
            if new:
                sim.complete_meetings(new)
            _measure(sim, f"pass {n}", _in_process(app))
    finally:
        app.close()
    if new:
        sim.complete_meetings(new)
    _measure(sim, "restart (new process)", _restart(directory, env))


def main() -> None:
    """Capture the account, then re-poll it with nothing new and with new meetings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--passes", type=int, default=10)
    parser.add_argument("--new-percent", type=float, default=10.0)
    args = parser.parse_args()
    config = SimulatorConfig(seed=21, meetings=args.meetings, plan="unlimited", small_media=True)
    with Simulator(config) as sim, tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "ecomms.toml").write_text(CONFIG.format(sim=sim, secret=SECRET))
        env: dict[str, Any] = {k: v for k, v in os.environ.items() if not k.startswith("ECOMMS")}
        env.update({SECRET: sim.client_secret, "PYTHONPATH": str(ROOT)})
        print(f"account: {args.meetings} meetings (seed 21, small media), media = video")
        print(HEADER)
        app = App(build_host(), directory / "ecomms.toml", env)
        try:
            _measure(sim, "first capture", _in_process(app))
        finally:
            app.close()
        sim.complete_processing()  # so "nothing new" really means nothing changes at Zoom
        _measure(sim, "processing completed", _restart(directory, env))
        _scenario(sim, directory, env, args.passes, 0, "nothing new at Zoom:")
        new = max(1, round(args.meetings * args.new_percent / 100))
        _scenario(sim, directory, env, args.passes, new, f"{new} new meetings before each pass:")


if __name__ == "__main__":
    main()
