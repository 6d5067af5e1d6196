"""No secret is echoed into storage (issue 14 item 7): core's scrubber at every persistence point.

A source whose error texts quote its configured secret and the access token it minted, and
the simulator echoing the bearer token mid-capture: neither value appears in the state
database (dumped), the ledger, the dead-letter store, the stores, the log (text and JSON) or
any command's output; the texts are kept, with ``[redacted]`` in place of the secret.
"""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.core.hosthelp import ecomms
from tests.fixtures.cli import start_ecomms
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml

VAR = "ECOMMS_TEST_ECHOED_SECRET"
VALUE = "configured-Secret-5f0c9a"
MINTED = "fake-access-" + hashlib.sha256(VALUE.encode()).hexdigest()[:24]
TOKEN_PREFIX = "eyJzaW0iOiJ6b29tIn0."  # every token the simulator mints starts so

CONFIG = f"""
[ecomms]
max_attempts = 1
[sources.fake]
units = 3
token = {{ env = "{VAR}" }}
echo_token = true
fail = {{ u0002 = "transient" }}
gaps = {{ u0003 = ["file 3 (MP4)"] }}
[sinks.a]
plugin = "fake_sink"
[sinks.archive]
plugin = "filesystem"
path = "archive"
"""


def _stored(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the config, and each SQLite database dumped as SQL."""
    found: dict[str, bytes] = {}
    for path in (p for p in root.rglob("*") if p.is_file() and p.name != "ecomms.toml"):
        found[str(path)] = path.read_bytes()
        if path.suffix == ".db":
            with sqlite3.connect(path) as db:
                found[f"{path} (dump)"] = "\n".join(db.iterdump()).encode()
    return found


def _assert_nowhere(places: dict[str, bytes], *secrets: str) -> None:
    for where, data in places.items():
        for secret in secrets:
            assert secret.encode() not in data, f"{where} holds a secret"


def test_no_error_text_persists_or_logs_a_secret(tmp_path: Path) -> None:
    (tmp_path / "ecomms.toml").write_text(CONFIG)
    env = {VAR: VALUE}
    runs = [
        ecomms(tmp_path, "--log-level", "DEBUG", "run", "--once", env=env),
        ecomms(tmp_path, "--log-format", "json", "dlq", "retry", "--all", env=env),
    ]
    assert runs[0].returncode == 0, runs[0].stderr
    assert "dead-lettered after 1 attempt(s): fake transient failure of u0002" in runs[0].stderr
    assert runs[1].returncode == 1  # the retried unit fails again: back to the store
    shown = [ecomms(tmp_path, *args) for args in (("status",), ("dlq", "list"))]
    assert all(r.returncode == 0 for r in shown), [r.stderr for r in shown]
    redacted = "(sent token [redacted], bearer [redacted])"
    assert redacted in shown[0].stdout  # the gap, its reason kept
    assert redacted in shown[1].stdout  # the dead letter's error
    with sqlite3.connect(tmp_path / ".ecomms" / "state.db") as db:
        ledger = [row[0] for row in db.execute("SELECT data FROM ledger")]
    assert any(redacted in entry for entry in ledger)
    assert ecomms(tmp_path, "audit", "verify").returncode == 0  # hashed as stored
    places = _stored(tmp_path)
    places |= {f"output {i}": (r.stdout + r.stderr).encode() for i, r in enumerate(runs + shown)}
    _assert_nowhere(places, VALUE, MINTED)


@pytest.mark.slow  # about 20 s: a continuous capture the simulator starts echoing into
def test_a_token_the_simulator_echoes_mid_capture_is_stored_nowhere(
    tmp_path: Path, zoom_simulator_factory
) -> None:
    sim = zoom_simulator_factory(seed=7, meetings=6, faults=["trickle_download:200000"])
    config = tmp_path / "ecomms.toml"
    config.write_text(
        '[ecomms]\nstate_dir = ".ecomms"\nmax_attempts = 1\n'
        + zoom_source_toml(sim, media="audio", auto_delete=True)
        + '[sinks.filesystem]\npath = "archive"\n[sinks.sqlite]\npath = "search.db"\n'
    )
    log = tmp_path / "run.log"
    with log.open("w") as err:
        process = start_ecomms(
            "--config", config, "--log-format", "json", "run",
            env={"ZOOM_CLIENT_SECRET": sim.client_secret},
            stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while "committed zoom_ecomms/" not in log.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        sim.set_faults(["echo_token:1000"])  # every later call answers 400 quoting the token
        # lookups become gaps and tagging fails; a refused listing fails the pass, which a
        # continuous run logs before it retries after the poll interval
        while process.poll() is None and not any(
            m in log.read_text() for m in ("pass finished", "pass failed")
        ):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    outputs = [
        run_ecomms(config, sim, *args)
        for args in (("run", "--once"), ("check",), ("status",), ("dlq", "list"))
    ]
    assert outputs[0].returncode == 1 and "Bearer [redacted]" in outputs[0].stdout
    assert sim.inspect()["tokens_minted"] >= 1
    echoed = [r for r in sim.inspect()["requests"] if r["status"] == 400]
    assert echoed, "the simulator echoed no token"
    places = _stored(tmp_path)
    places |= {f"output {i}": (r.stdout + r.stderr).encode() for i, r in enumerate(outputs)}
    _assert_nowhere(places, TOKEN_PREFIX, sim.client_secret)
    assert "[redacted]" in log.read_text()
    assert [json.loads(line) for line in log.read_text().splitlines()]  # every line is JSON
