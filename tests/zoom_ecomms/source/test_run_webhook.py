"""A continuous `ecomms run`: a signed `recording.archive_files_completed` webhook starts the
next pass long before the poll interval, and the newly completed meeting is captured."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from core.records import record_id
from tests.fixtures.cli import start_ecomms
from tests.fixtures.zoom_simulator import zoom_source_toml


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(tmp_path: Path, sim, port: int) -> Path:
    source = zoom_source_toml(
        sim,
        display_name="Zoom - Test",
        webhook_secret={"env": "ZOOM_WEBHOOK_SECRET"},
        webhook_port=port,
    )
    path = tmp_path / "ecomms.toml"
    text = '[ecomms]\nstate_dir = ".ecomms"\npoll_interval = 600\n' + source + "[sinks.fake_sink]\n"
    path.write_text(text)
    return path


def _until(condition, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120  # a guard against hanging, far below poll_interval
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.1)


def _stored_ids(tmp_path: Path) -> set[str]:
    records = tmp_path / ".ecomms" / "fake-sink-fake_sink" / "records.jsonl"
    lines = records.read_text().splitlines() if records.exists() else []
    return {json.loads(line)["id"] for line in lines if line.endswith("}")}


def _listings(sim) -> int:
    return sum(1 for r in sim.inspect()["requests"] if r["path"] == "/v2/archive_files")


def _validated(sim, url: str) -> bool:
    try:
        return sim.validate_webhook_url(url)
    except httpx.TransportError:  # the receiver starts after the first pass
        return False


def test_webhook_wakes_a_continuous_run(tmp_path, zoom_simulator):
    sim = zoom_simulator
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = dict(
        ECOMMS_EXTRA_PLUGINS="core.testing",
        ZOOM_CLIENT_SECRET=sim.client_secret,
        ZOOM_WEBHOOK_SECRET=sim.webhook_secret,
    )
    config = _config(tmp_path, sim, port)
    process = start_ecomms(
        "--config", config, "run", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        _until(lambda: _validated(sim, url), process, "the webhook receiver")
        passes = _listings(sim)
        (late,) = sim.inspect()["processing"]
        late_files = {f.id for m in sim.account.meetings if m.uuid == late for f in m.files}
        assert not late_files & set(sim.inspect()["downloads"])
        sim.complete_processing()
        assert sim.send_webhook(url, meeting_uuid=late) == 200
        _until(
            lambda: late_files & set(sim.inspect()["downloads"]),
            process,
            "a download of the late meeting's files",
        )
        late_record = record_id("zoom_ecomms", late, "meeting")
        _until(lambda: late_record in _stored_ids(tmp_path), process, "the late meeting stored")
        assert _listings(sim) > passes
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert sim.client_secret not in stderr and sim.webhook_secret not in stderr
