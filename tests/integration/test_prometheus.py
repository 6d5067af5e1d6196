"""A real Prometheus scrapes a real ``ecomms run`` capturing from the Zoom simulator.

Debian's ``prometheus`` package (installed by scripts/test.sh) gives ``prometheus`` and
``promtool``; the test starts Prometheus on loopback with a scrape config for the run's
endpoint and asks its HTTP API (PromQL) whether the counters moved. Skipped, saying why,
only when those programs are absent.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from ecomms_zoom_simulator import Simulator
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.cli import start_ecomms
from tests.fixtures.zoom_simulator import zoom_source_toml

PROMETHEUS, PROMTOOL = shutil.which("prometheus"), shutil.which("promtool")
needs_prometheus = pytest.mark.skipif(
    not (PROMETHEUS and PROMTOOL),
    reason="prometheus and promtool are not installed (scripts/test.sh installs Debian's"
    " prometheus package)",
)
pytestmark = needs_prometheus


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _until(what: str, probe: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = probe()
        if got:
            return got
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def running(run: Path, sim: Simulator, host_options: str = "") -> Iterator[str]:
    """A continuous ``ecomms run`` in ``run`` with metrics on a free port; yields its
    ``host:port``. ``host_options`` are more ``[ecomms]`` lines."""
    run.mkdir()
    (run / "ecomms.toml").write_text(
        f"[ecomms]\npoll_interval = 10\n{host_options}"
        '[metrics]\nenabled = true\naddress = "127.0.0.1:0"\n'
        + zoom_source_toml(sim)
        + '[sinks.filesystem]\npath = "archive"\n[sinks.sqlite]\npath = "search.db"\n'
    )
    with (run / "run.log").open("w") as log:
        process = start_ecomms(
            "run",
            cwd=run,
            env={"ZOOM_CLIENT_SECRET": sim.client_secret},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )

    def address() -> str | None:
        assert process.poll() is None, (run / "run.log").read_text()
        found = re.search(r"metrics at http://(\S+)/metrics", (run / "run.log").read_text())
        return found[1] if found else None

    try:
        yield _until("the metrics endpoint", address)
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert "Traceback" not in (run / "run.log").read_text()


@pytest.fixture
def capture(tmp_path: Path, zoom_simulator: Simulator) -> Iterator[tuple[str, Simulator]]:
    """A continuous ``ecomms run`` of the simulator with metrics on; yields its address."""
    with running(tmp_path / "run", zoom_simulator) as address:
        yield address, zoom_simulator


@pytest.fixture
def prometheus(tmp_path: Path, capture: tuple[str, Simulator]) -> Iterator[str]:
    """Prometheus on loopback scraping the run every second; yields its base URL."""
    target, _ = capture
    port = _free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: ecomms\n"
        f"    static_configs:\n      - targets: ['{target}']\n"
    )
    with (tmp_path / "prometheus.log").open("w") as log:
        process = subprocess.Popen(
            [
                str(PROMETHEUS),
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert process.poll() is None, (tmp_path / "prometheus.log").read_text()
        try:
            return httpx.get(f"{url}/-/ready").status_code == 200
        except httpx.TransportError:
            return False

    try:
        _until("prometheus to start", ready)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _query(url: str, promql: str) -> float | None:
    """The single value of an instant PromQL query, or None when it has no result."""
    answer = httpx.get(f"{url}/api/v1/query", params={"query": promql}).json()
    assert answer["status"] == "success", answer
    result = answer["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def test_prometheus_sees_the_counters_of_a_run_move(prometheus: str, capture) -> None:
    """Prometheus scrapes the run: 6 units committed, then those of 2 meetings completed later."""
    _, sim = capture
    committed = "sum(ecomms_units_committed_total)"
    _until("6 committed units in prometheus", lambda: (_query(prometheus, committed) or 0) >= 6)
    assert _query(prometheus, 'up{job="ecomms"}') == 1
    for sink in ("filesystem", "sqlite"):  # capture records at commit, derived ones after
        written = f'sum(ecomms_records_written_total{{sink="{sink}"}})'
        _until(f"records written to {sink}", lambda q=written: (_query(prometheus, q) or 0) > 0)
    assert (_query(prometheus, 'ecomms_derivations_total{status="ok"}') or 0) >= 6
    for label in ("medium", "download"):  # listing pages; the archive files themselves
        requests = f'sum(ecomms_api_requests_total{{rate_label="{label}", code="200"}})'
        assert (_query(prometheus, requests) or 0) > 0, label
    assert (_query(prometheus, "ecomms_last_successful_pass_timestamp_seconds") or 0) > 0
    assert _query(prometheus, 'ecomms_dead_letters{source="zoom_ecomms"}') == 0
    added = sim.complete_meetings(2)  # two meetings, one of them may add breakout instances
    expected = 6 + len(added)  # a refill committing a unit again does not count it twice
    _until("the next pass to commit them", lambda: _query(prometheus, committed) == expected)
    moved = _query(prometheus, "sum(increase(ecomms_units_committed_total[1m])) > 0")
    assert moved is not None  # the rate of the counter over the scraped samples is positive


def test_promtool_accepts_the_scraped_body(capture, tmp_path: Path) -> None:
    """``promtool check metrics`` finds nothing to object to in a scrape after a pass."""
    target, _ = capture
    url = f"http://{target}"
    _until("a successful pass", lambda: httpx.get(f"{url}/readyz").status_code == 200)
    body = httpx.get(f"{url}/metrics").text
    assert "ecomms_units_committed_total" in body
    assert httpx.get(f"{url}/healthz").status_code == 200
    checked = subprocess.run(
        [str(PROMTOOL), "check", "metrics"], input=body, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "" and checked.stderr.strip() == "", checked


def _samples(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    body = httpx.get(f"{url}/metrics").text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def test_dead_letters_and_429s_show_in_the_metrics_and_the_run_stays_ready(
    tmp_path: Path, zoom_simulator_factory: Callable[..., Simulator]
) -> None:
    """Every download corrupted and a 429 burst: the dead letters are counted by cause and
    waiting in the store, the 429s and the wait they cost by rate label; the pass itself
    succeeded, so the run is ready (the alert on dead letters is what calls someone)."""
    sim = zoom_simulator_factory(
        seed=7, meetings=3, faults=["corrupt_download:always", "429_burst:3"]
    )
    with running(tmp_path / "run", sim, "max_attempts = 1\n") as address:
        url = f"http://{address}"
        _until("a pass", lambda: httpx.get(f"{url}/readyz").status_code == 200)
        got = _samples(url)
    source = ("source", "zoom_ecomms")
    dead = {k: v for k, v in got.items() if k[0] == "ecomms_units_dead_lettered_total"}
    assert dead and all(dict(labels)["source"] == "zoom_ecomms" for _, labels in dead)
    assert {dict(labels)["cause"] for _, labels in dead} == {"capture"}  # the source's failure
    assert got[("ecomms_dead_letters", (source,))] == sum(dead.values()) > 0
    limited = sum(v for k, v in got.items() if k[0] == "ecomms_api_rate_limited_total")
    waited = sum(v for k, v in got.items() if k[0] == "ecomms_rate_limit_wait_seconds_total")
    assert limited == 3 and waited >= 1.0  # the simulator asks for about 1 s per 429
