"""End to end through ``ecomms run --once``: the OpenSearch node stops in the middle of a run.

Nothing whose records did not land is committed or acknowledged; once the node is back the
next run completes, every unit is acknowledged exactly once and no record is duplicated.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from core.testing import read_acks
from tests.fixtures.cli import ecomms, start_ecomms

pytestmark = [pytest.mark.opensearch, pytest.mark.slow]

UNITS = 60
RECORDS_PER_UNIT = 3  # one meeting record + two chat records (core.testing.FakeTransformer)
ENV = {"ECOMMS_EXTRA_PLUGINS": "core.testing"}


def _config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "ecomms.toml"
    path.write_text(
        f"""
[ecomms]
state_dir = "state"
sink_retries = 0
sink_backoff = 0.1

[sources.fake]
units = {UNITS}
records = 2

[sinks.opensearch]
hosts = ["{url}"]
index = "ecomms-e2e"
max_retries = 1
backoff = 0.05
"""
    )
    return path


def _run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return ecomms("--config", config, *args, env=ENV)


def _status(config: Path) -> dict:
    return json.loads(_run(config, "status", "--json").stdout)[0]


def _count(url: str, unit_keys: list[str] | None = None) -> int:
    client = OpenSearch(hosts=[url])
    try:
        client.indices.refresh(index="ecomms-e2e")
        query = {"match_all": {}}
        if unit_keys is not None:
            query = {"terms": {"attributes.FakeUnitKey": unit_keys}}
        return client.count(index="ecomms-e2e", body={"query": query})["count"]
    finally:
        client.close()


def test_node_stopped_mid_run_commits_nothing_unlanded_and_the_next_run_completes(
    tmp_path: Path, throwaway_opensearch
) -> None:
    node = throwaway_opensearch
    config = _config(tmp_path, node.url)
    state = tmp_path / "state"
    log = tmp_path / "run1.log"
    with log.open("w") as out:
        run = start_ecomms(
            "--config",
            config,
            "run",
            "--once",
            env=ENV,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while len(read_acks(state)) < 3 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        node.stop()
        run.wait(timeout=300)
    stderr = log.read_text()
    assert run.returncode != 0, "the run should fail while OpenSearch is down"
    assert "opensearch" in stderr.lower() and "unavailable" in stderr.lower(), stderr[-2000:]

    acked = [a["key"] for a in read_acks(state)]
    assert 3 <= len(acked) < UNITS
    status = _status(config)
    assert status["committed"] == len(acked)
    assert status["unacknowledged"] == 0 and status["dead_lettered"] == 0

    node.start()  # same port, same data
    assert _count(node.url, acked) == len(acked) * RECORDS_PER_UNIT

    again = _run(config, "run", "--once")
    assert again.returncode == 0, again.stderr[-2000:]
    keys = [a["key"] for a in read_acks(state)]
    assert len(keys) == len(set(keys)) == UNITS
    assert _status(config)["committed"] == UNITS
    assert _count(node.url) == UNITS * RECORDS_PER_UNIT
