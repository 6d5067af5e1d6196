"""The spool belongs to the capture holding the run lock (issue 12 item 4).

``check`` and a refused second ``run``, started again and again beside a running ``ecomms run``
against the simulator, leave the capture alone: nothing is dead-lettered, no command prints a
traceback, and the archive ends complete.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fixtures.cli import start_ecomms
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml

SINKS = '[sinks.filesystem]\npath = "archive"\n[sinks.sqlite]\npath = "search.db"\n'


@pytest.mark.slow  # about 45 s: a capture slowed until two rounds overlapped it
def test_check_and_a_refused_run_beside_a_capture_change_nothing(
    tmp_path: Path, zoom_simulator_factory
) -> None:
    sim = zoom_simulator_factory(seed=7, meetings=6, faults=["trickle_download:20000"])
    config = tmp_path / "ecomms.toml"
    config.write_text(
        '[ecomms]\nstate_dir = ".ecomms"\n' + zoom_source_toml(sim, media="audio") + SINKS
    )
    log = tmp_path / "run.log"
    with log.open("w") as err:
        process = start_ecomms(
            "--config",
            config,
            "--log-format",
            "json",
            "run",
            env={"ZOOM_CLIENT_SECRET": sim.client_secret},
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    outputs: list[subprocess.CompletedProcess[str]] = []
    overlapped = 0
    try:
        deadline = time.monotonic() + 240
        lock = tmp_path / ".ecomms" / "run.lock"
        while not lock.exists() or lock.read_text().strip() != str(process.pid):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        while "pass finished" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the capture did not finish its pass"
            with ThreadPoolExecutor(2) as pool:  # both at once, as often as possible
                check = pool.submit(run_ecomms, config, sim, "check")
                refused = run_ecomms(config, sim, "run", "--once")
                checked = check.result()
            outputs += [checked, refused]
            assert checked.returncode == 0, checked.stdout + checked.stderr
            assert refused.returncode == 1
            assert refused.stderr.splitlines() == [
                f"error: another ecomms process (pid {process.pid}) is capturing with this"
                " state directory; stop it first or wait for it to finish"
                f" (state_dir={tmp_path / '.ecomms'})"
            ]
            overlapped += "pass finished" not in log.read_text()
            if overlapped == 2:
                sim.set_faults([])  # enough rounds beside it: let the capture finish fast
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, log.read_text()
    assert overlapped >= 2, f"only {overlapped} rounds overlapped the capture: make it slower"
    for done in outputs:
        assert "Traceback" not in done.stdout + done.stderr
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [x for x in lines if x["level"] not in ("debug", "info")] == []  # nothing failed
    assert "Traceback" not in log.read_text()
    dead = run_ecomms(config, sim, "dlq", "list")
    assert dead.returncode == 0 and "the dead-letter store is empty" in dead.stdout
    again = run_ecomms(config, sim, "run", "--once")  # nothing left that is not archived
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("pass finished") and " 0 committed," in again.stdout
    assert " 0 failed" in again.stdout and " 0 dead-lettered" in again.stdout
    status = json.loads(run_ecomms(config, sim, "status", "--json").stdout)[0]
    assert status["committed"] >= 6 and status["unacknowledged"] == 0
    spool = tmp_path / ".ecomms" / "spool"
    assert [p for p in spool.rglob("*") if p.is_file()] == []  # every unit released its parts
    verify = run_ecomms(config, sim, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
