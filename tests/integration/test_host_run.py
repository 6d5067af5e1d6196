"""A continuous ``ecomms run`` as a service: SIGTERM finishes the unit in flight and exits 0."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from core.records import decode_record
from core.testing import read_acks
from tests.core.hosthelp import ENV, ROOT, ecomms

CONFIG = """
[ecomms]
poll_interval = 1
[sources.fake]
units = 12
delay = 0.3
[sinks.a]
plugin = "fake_sink"
"""


def _start(tmp_path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOMMS")}
    env.update(ENV, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "core", "--log-format", "json", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_acks(state: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while len(read_acks(state)) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.05)


def test_sigterm_finishes_unit_in_flight_and_exits_zero(tmp_path: Path) -> None:
    """SIGTERM mid-capture: exit 0, every committed unit acknowledged, resume completes it all."""
    (tmp_path / "ecomms.toml").write_text(CONFIG)
    state = tmp_path / ".ecomms"
    process = _start(tmp_path)
    try:
        _wait_for_acks(state, 2, process)
        concurrent = ecomms(tmp_path, "run", "--once")
        assert concurrent.returncode == 1
        assert "another ecomms process is capturing" in concurrent.stderr
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert any(
        "stop requested" in json.loads(x)["message"]
        for x in stderr.splitlines()
        if x.startswith("{")
    )
    status = json.loads(ecomms(tmp_path, "status", "--json").stdout)[0]
    assert status["committed"] == len(read_acks(state)) < 12
    assert status["unacknowledged"] == 0
    assert ecomms(tmp_path, "run", "--once").returncode == 0
    records = [
        decode_record(x)
        for x in (state / "fake-sink-a" / "records.jsonl").read_bytes().splitlines()
    ]
    assert len(records) == 12 * 3 and len({r.id for r in records}) == 12 * 3
    assert Counter(a["key"] for a in read_acks(state)) == {f"u{i:04d}": 1 for i in range(1, 13)}


def test_continuous_run_survives_a_sink_outage(tmp_path: Path) -> None:
    """A sink going down mid-run fails a pass, not the service; capture resumes when it is back."""
    down = tmp_path / "down"
    (tmp_path / "ecomms.toml").write_text(
        CONFIG.replace("units = 12", "units = 6").replace("[ecomms]", "[ecomms]\nsink_retries = 0")
        + f'down_while = "{down}"\n'
    )
    state = tmp_path / ".ecomms"
    process = _start(tmp_path)
    try:
        _wait_for_acks(state, 1, process)
        down.touch()
        deadline = time.monotonic() + 60
        status = {"last_error": ""}
        while not status["last_error"] and time.monotonic() < deadline:
            time.sleep(0.2)
            status = json.loads(ecomms(tmp_path, "status", "--json").stdout)[0]
        assert "sink a unavailable" in status["last_error"]
        acked_while_down = len(read_acks(state))
        down.unlink()
        _wait_for_acks(state, 6, process)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert acked_while_down < 6
    assert "pass failed, retrying after the poll interval" in stderr
    assert Counter(a["key"] for a in read_acks(state)) == {f"u{i:04d}": 1 for i in range(1, 7)}
