"""A continuous ``ecomms run`` as a service: SIGTERM finishes the unit in flight and exits 0."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from core.records import decode_record
from core.testing import read_acks
from tests.core.hosthelp import ENV, ecomms
from tests.fixtures.cli import start_ecomms

CONFIG = """
[ecomms]
poll_interval = 10
[sources.fake]
units = 12
delay = 0.3
[sinks.a]
plugin = "fake_sink"
"""


def _start(tmp_path: Path, **extra: str) -> subprocess.Popen[str]:
    return start_ecomms(
        "--log-format",
        "json",
        "run",
        cwd=tmp_path,
        env={**ENV, **extra},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for_acks(
    state: Path, count: int, process: subprocess.Popen[str], name: str = "fake"
) -> None:
    deadline = time.monotonic() + 60
    while len(read_acks(state, name)) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.05)


def _terminate(process: subprocess.Popen[str], timeout: float) -> tuple[str, list[str]]:
    """SIGTERM the run and wait for it; its stderr and the messages of its JSON log lines."""
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=timeout)
    return stderr, [json.loads(x)["message"] for x in stderr.splitlines() if x.startswith("{")]


def test_sigterm_finishes_unit_in_flight_and_exits_zero(tmp_path: Path) -> None:
    """SIGTERM mid-capture: exit 0, every committed unit acknowledged, resume completes it all."""
    (tmp_path / "ecomms.toml").write_text(CONFIG)
    state = tmp_path / ".ecomms"
    process = _start(tmp_path)
    try:
        _wait_for_acks(state, 2, process)
        stderr, messages = _terminate(process, timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert any("stop requested" in m for m in messages), messages
    status = json.loads(ecomms(tmp_path, "status", "--json").stdout)[0]
    assert status["committed"] == len(read_acks(state)) < 12
    assert status["unacknowledged"] == 0
    assert ecomms(tmp_path, "run", "--once").returncode == 0
    records = [
        decode_record(x)
        for x in (state / "fake-sink-a" / "records.jsonl").read_bytes().splitlines()
    ]
    records = [r for r in records if r.kind != "capture"]
    assert len(records) == 12 * 3 and len({r.id for r in records}) == 12 * 3
    assert Counter(a["key"] for a in read_acks(state)) == {f"u{i:04d}": 1 for i in range(1, 13)}


def test_a_second_sigterm_exits_at_once_and_the_next_run_completes(tmp_path: Path) -> None:
    """A unit taking minutes is in flight: the second SIGTERM ends the run at once (143),
    with nothing half-committed; the next run captures the rest, each unit once."""
    (tmp_path / "ecomms.toml").write_text(CONFIG.replace("delay = 0.3", "delay = 120"))
    state = tmp_path / ".ecomms"
    process = _start(tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not (state / "state.db").exists():
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.05)
        time.sleep(1)  # the first unit is in flight (it takes 120 s)
        process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        started = time.monotonic()
        stderr, messages = _terminate(process, timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, stderr
    assert time.monotonic() - started < 30
    assert any("second SIGTERM" in m for m in messages), messages
    (tmp_path / "ecomms.toml").write_text(CONFIG.replace("delay = 0.3", "delay = 0"))
    assert ecomms(tmp_path, "run", "--once").returncode == 0
    assert Counter(a["key"] for a in read_acks(state)) == {f"u{i:04d}": 1 for i in range(1, 13)}
    assert ecomms(tmp_path, "audit", "verify").returncode == 0


def test_continuous_run_survives_a_sink_outage(tmp_path: Path) -> None:
    """A sink going down mid-run fails a pass, not the service; capture resumes when it is back."""
    down, wake = tmp_path / "down", tmp_path / "wake"
    (tmp_path / "ecomms.toml").write_text(
        CONFIG.replace("units = 12", f'units = 6\nwake_file = "{wake}"').replace(
            "[ecomms]", "[ecomms]\nsink_retries = 0"
        )
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
        wake.touch()  # the next pass now, not after the 10 s poll interval
        _wait_for_acks(state, 6, process)
        stderr, _ = _terminate(process, timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert acked_while_down < 6
    assert "pass failed, retrying after the poll interval" in stderr
    assert Counter(a["key"] for a in read_acks(state)) == {f"u{i:04d}": 1 for i in range(1, 7)}


def test_a_wake_signal_triggers_the_next_pass_before_the_poll_interval(tmp_path: Path) -> None:
    """With a 10-minute poll interval, new work signalled by the source is captured at once."""
    units, wake = tmp_path / "units", tmp_path / "wake"
    (tmp_path / "ecomms.toml").write_text(
        CONFIG.replace("poll_interval = 10", "poll_interval = 600")
        .replace("units = 12", f'units = 2\nunits_file = "{units}"\nwake_file = "{wake}"')
        .replace("delay = 0.3", "delay = 0")
    )
    state = tmp_path / ".ecomms"
    process = _start(tmp_path)
    try:
        _wait_for_acks(state, 2, process)
        units.write_text("5")
        wake.touch()
        _wait_for_acks(state, 5, process)
        assert not wake.exists()
        units.write_text("6")  # more work, but no signal: it waits for the next poll
        stderr, messages = _terminate(process, timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "source fake signalled new work: polling now" in messages
    assert Counter(a["key"] for a in read_acks(state)) == {f"u{i:04d}": 1 for i in range(1, 6)}


def test_a_failing_wake_up_falls_back_to_polling(tmp_path: Path) -> None:
    """A source whose wait_for_work raises is still polled every poll_interval."""
    units = tmp_path / "units"
    (tmp_path / "ecomms.toml").write_text(
        CONFIG.replace("[sources.fake]", '[sources.broken]\nplugin = "broken_wake"')
        .replace("units = 12", f'units = 1\nunits_file = "{units}"')
        .replace("delay = 0.3", "delay = 0")
    )
    state = tmp_path / ".ecomms"
    process = _start(tmp_path, ECOMMS_EXTRA_PLUGINS="core.testing,tests.core.broken_wake_plugin")
    try:
        _wait_for_acks(state, 1, process, "broken")
        units.write_text("3")
        _wait_for_acks(state, 3, process, "broken")
        stderr, messages = _terminate(process, timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    failed = [m for m in messages if m.startswith("wait_for_work of source broken failed")]
    assert failed and "webhook receiver socket closed" in failed[0]
    assert [a["key"] for a in read_acks(state, "broken")] == ["u0001", "u0002", "u0003"]


TWO_SOURCES = """
[ecomms]
poll_interval = 10
[sources.refused]
plugin = "fake"
units = 2
refuse_listing_while = "{refuse}"
wake_file = "{wake}"
[sources.fake]
units = 3
[sinks.a]
plugin = "fake_sink"
"""


def _status(tmp_path: Path) -> dict[str, dict]:
    rows = json.loads(ecomms(tmp_path, "status", "--json").stdout)
    return {row["source"]: row for row in rows}


def test_a_refused_listing_fails_its_source_not_the_others(tmp_path: Path) -> None:
    """One source's listing refused: the other source is captured; --once exits 1 naming it."""
    refuse = tmp_path / "refuse"
    refuse.touch()
    config = TWO_SOURCES.format(refuse=refuse, wake=tmp_path / "wake")
    (tmp_path / "ecomms.toml").write_text(config)
    result = ecomms(tmp_path, "run", "--once")
    assert result.returncode == 1
    assert "listing refused by the fake vendor" in result.stderr.strip().splitlines()[-1]
    state = tmp_path / ".ecomms"
    assert [a["key"] for a in read_acks(state, "fake")] == ["u0001", "u0002", "u0003"]
    assert read_acks(state, "refused") == []
    assert "listing refused" in _status(tmp_path)["refused"]["last_error"]


def test_a_continuous_run_outlives_a_refused_listing(tmp_path: Path) -> None:
    """A continuous run logs the refusal, keeps capturing, and catches up once it lifts."""
    refuse, wake = tmp_path / "refuse", tmp_path / "wake"
    refuse.touch()
    (tmp_path / "ecomms.toml").write_text(TWO_SOURCES.format(refuse=refuse, wake=wake))
    state = tmp_path / ".ecomms"
    process = _start(tmp_path)
    try:
        _wait_for_acks(state, 3, process)
        deadline = time.monotonic() + 30
        while "listing refused" not in (_status(tmp_path)["refused"]["last_error"] or ""):
            assert time.monotonic() < deadline, "the refusal was never recorded"
            time.sleep(0.1)
        refuse.unlink()
        wake.touch()
        _wait_for_acks(state, 2, process, "refused")
        stderr, messages = _terminate(process, timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert any(m.startswith("pass failed, retrying after the poll interval") for m in messages)
    assert not _status(tmp_path)["refused"]["last_error"]
