"""Metrics, health and readiness: the families a scrape shows and when a run is ready.

Each test serves a real endpoint on a free loopback port and reads it over HTTP, parsed
with prometheus_client's own parser, as Prometheus would.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.app import App
from core.errors import ConfigError, EcommsError, SinkUnavailable, TransientError
from core.health import Readiness
from core.metrics import Meter, Metrics, MetricsObserver
from core.metrics.server import MetricsServer, parse_address, serve
from core.plugins import build_host
from core.protocols import Failure, Receipt, SpooledFile, Unit
from tests.core.hosthelp import ecomms


class Clock:
    """A wall clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def metrics(tmp_path: Path) -> Metrics:
    return Metrics(spool_dir=tmp_path / "spool")


@pytest.fixture
def endpoint(metrics: Metrics) -> Iterator[tuple[MetricsServer, Clock]]:
    clock = Clock()
    server = serve("127.0.0.1:0", metrics, Readiness(metrics, 60.0, 3, clock=clock))
    yield server, clock
    server.close()


def scrape(server: MetricsServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``/metrics`` by (name, sorted labels)."""
    body = httpx.get(f"http://{server.address}/metrics").text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def _unit(key: str, completed: datetime | None = None) -> Unit:
    files = [
        SpooledFile(file_id="f1", path="f1", sha256="a" * 64, size=1000, media_type="video/mp4"),
        SpooledFile(file_id="f2", path="f2", sha256="b" * 64, size=24, media_type="text/plain"),
    ]
    meta = {"completed_at": completed.isoformat()} if completed else {}
    return Unit(source="zoom", platform="zoom", key=key, files=files, meta=meta)


def test_committed_units_count_records_bytes_per_sink_and_lag(endpoint, metrics) -> None:
    """A commit counts the unit, each sink's records, the bytes it keeps, and the lag."""
    server, _ = endpoint
    host = build_host({})
    host.add_observer(MetricsObserver(metrics), name="metrics")
    receipts = [
        Receipt(sink="archive", record_ids=["r1", "r2", "r3"], artifacts=["a" * 64, "b" * 64]),
        Receipt(sink="index", record_ids=["r1", "r2", "r3"]),
    ]
    done = datetime.now(UTC) - timedelta(seconds=90)
    host.after_commit(_unit("m1", done), receipts)
    host.after_commit(_unit("m2"), receipts[:1])
    host.after_commit(_unit("m1", done), receipts[:1], refill=True)  # its 3 records only
    host.remove_observer("metrics")
    host.after_commit(_unit("m3"), receipts[:1])  # no longer observed
    got = scrape(server)
    assert got[("ecomms_units_committed_total", (("source", "zoom"),))] == 2
    assert got[("ecomms_records_written_total", (("sink", "archive"),))] == 9
    assert got[("ecomms_records_written_total", (("sink", "index"),))] == 3
    assert got[("ecomms_bytes_written_total", (("sink", "archive"),))] == 2048
    assert got[("ecomms_bytes_written_total", (("sink", "index"),))] == 0
    # only m1 says when it completed; its lag lands in the 120 s bucket, not the 60 s one
    assert got[("ecomms_capture_lag_seconds_count", (("source", "zoom"),))] == 1
    assert got[("ecomms_capture_lag_seconds_bucket", (("le", "60.0"), ("source", "zoom")))] == 0
    assert got[("ecomms_capture_lag_seconds_bucket", (("le", "120.0"), ("source", "zoom")))] == 1


def test_derivations_count_records_per_sink_and_a_sink_left_pending(endpoint, metrics) -> None:
    """after_derive: each confirming sink's records and the status are counted; a sink that
    left a derivation pending makes the run not ready until it confirms a write again."""
    server, clock = endpoint
    host = build_host({})
    host.add_observer(MetricsObserver(metrics), name="metrics")
    with metrics.timed_pass():
        pass
    clock.now = metrics.last_ok_at() or 0
    both = [
        Receipt(sink="archive", record_ids=["r1", "r2"]),
        Receipt(sink="index", record_ids=["r1", "r2"]),
    ]
    host.after_derive(_unit("m1"), "ok", both, None)
    down = SinkUnavailable("sink index unavailable: connection refused", sink="index")
    host.after_derive(_unit("m2"), "pending", both[:1], down)
    got = scrape(server)
    assert got[("ecomms_records_written_total", (("sink", "archive"),))] == 4
    assert got[("ecomms_records_written_total", (("sink", "index"),))] == 2
    assert got[("ecomms_derivations_total", (("status", "ok"),))] == 1
    assert got[("ecomms_derivations_total", (("status", "pending"),))] == 1
    readyz = httpx.get(f"http://{server.address}/readyz")
    assert readyz.status_code == 503 and "sink index unreachable" in readyz.text
    host.after_derive(_unit("m2"), "ok", both, None)
    assert httpx.get(f"http://{server.address}/readyz").status_code == 200


def test_failures_count_by_source_and_cause(endpoint, metrics) -> None:
    """Retried failures and dead letters are counted apart, by the error's class, or
    ``capture`` when the source could not capture the unit."""
    server, _ = endpoint
    host = build_host({})
    host.add_observer(MetricsObserver(metrics), name="metrics")
    host.on_error(_unit("m1"), TransientError("HTTP 503"), dead_lettered=False)
    host.on_error(_unit("m1"), TransientError("HTTP 503"), dead_lettered=False)
    host.on_error(_unit("m2"), ValueError("bad"), dead_lettered=True)
    refused = _unit("m3")
    refused.failure = Failure(message="file 1 fails verification", transient=False)
    host.on_error(refused, EcommsError(refused.failure.message), dead_lettered=True)
    host.on_error(None, TransientError("listing failed"), dead_lettered=False)
    got = scrape(server)
    failed = ("ecomms_units_failed_total", (("cause", "TransientError"), ("source", "zoom")))
    assert got[failed] == 2
    dead = ("ecomms_units_dead_lettered_total", (("cause", "ValueError"), ("source", "zoom")))
    assert got[dead] == 1
    capture = ("ecomms_units_dead_lettered_total", (("cause", "capture"), ("source", "zoom")))
    assert got[capture] == 1


def test_meter_counts_requests_429s_and_waits(endpoint, metrics) -> None:
    """A component's meter counts answers by rate label and status, 429s and wait seconds."""
    server, _ = endpoint
    meter = metrics.meter("zoom")
    for code in (200, 200, 429, 200):
        meter.request("heavy", code)
    meter.request("light", 404)
    meter.waited("heavy", 1.5)
    meter.waited("heavy", 0.0)
    Meter.off("zoom").request("heavy", 200)  # counts nowhere
    got = scrape(server)
    heavy, light = (("rate_label", "heavy"), ("source", "zoom")), (("rate_label", "light"),)
    assert got[("ecomms_api_requests_total", (("code", "200"), *heavy))] == 3
    assert got[("ecomms_api_rate_limited_total", heavy)] == 1
    assert ("ecomms_api_rate_limited_total", (*light, ("source", "zoom"))) not in got
    assert got[("ecomms_rate_limit_wait_seconds_total", heavy)] == 1.5


def test_passes_spool_and_readiness(endpoint, metrics, tmp_path: Path) -> None:
    """Not ready before a pass succeeds, ready after, stale after 3 poll intervals; a failed
    pass counts as failed and leaves readiness to the last good one."""
    server, clock = endpoint
    url = f"http://{server.address}"
    assert httpx.get(f"{url}/healthz").status_code == 200
    first = httpx.get(f"{url}/readyz")
    assert first.status_code == 503 and "no pass has succeeded yet" in first.text
    with metrics.timed_pass():
        (tmp_path / "spool" / "sources" / "zoom").mkdir(parents=True)
        (tmp_path / "spool" / "sources" / "zoom" / "part").write_bytes(b"x" * 300)
    clock.now = metrics.last_ok_at() or 0
    assert httpx.get(f"{url}/readyz").status_code == 200
    with pytest.raises(TransientError), metrics.timed_pass():
        raise TransientError("listing failed")
    got = scrape(server)
    assert got[("ecomms_passes_total", (("outcome", "ok"),))] == 1
    assert got[("ecomms_passes_total", (("outcome", "failed"),))] == 1
    assert got[("ecomms_pass_duration_seconds_count", ())] == 2
    assert got[("ecomms_spool_bytes", ())] == 300
    assert got[("ecomms_last_successful_pass_timestamp_seconds", ())] == metrics.last_ok_at()
    clock.now += 180  # 3 intervals of 60 s: still ready
    assert httpx.get(f"{url}/readyz").status_code == 200
    clock.now += 1
    stale = httpx.get(f"{url}/readyz")
    assert stale.status_code == 503 and "more than 3 poll intervals" in stale.text


def test_a_sink_down_is_not_ready_until_it_confirms_a_write_again(endpoint, metrics) -> None:
    """``/readyz`` names the sink whose last write failed; its next receipt clears it."""
    server, clock = endpoint
    url = f"http://{server.address}/readyz"
    with metrics.timed_pass():
        pass
    clock.now = metrics.last_ok_at() or 0
    metrics.failed(None, SinkUnavailable("sink search unavailable: refused", sink="search"), False)
    down = httpx.get(url)
    assert down.status_code == 503 and "sink search unreachable" in down.text
    metrics.committed(_unit("m1"), [Receipt(sink="search", record_ids=["r1"])])
    assert httpx.get(url).status_code == 200


def test_unknown_paths_are_404(endpoint) -> None:
    server, _ = endpoint
    assert httpx.get(f"http://{server.address}/").status_code == 404


@pytest.mark.parametrize("address", ["9464", "localhost", "127.0.0.1:x", ":9464", "h:70000"])
def test_a_malformed_address_is_a_config_error(address: str) -> None:
    with pytest.raises(ConfigError, match=r"metrics\.address: expected HOST:PORT"):
        parse_address(address)


def test_ipv6_address() -> None:
    assert parse_address("[::1]:9464") == ("::1", 9464)


def test_metrics_section_rejects_unknown_keys_and_bad_values(tmp_path: Path) -> None:
    """The ``[metrics]`` section is checked like every other: one line naming the key."""
    (tmp_path / "ecomms.toml").write_text("[metrics]\nenabeld = true\n")
    result = ecomms(tmp_path, "status")
    assert result.returncode != 0 and "metrics.enabeld: unknown key" in result.stderr
    (tmp_path / "ecomms.toml").write_text("[metrics]\nready_intervals = 0\n")
    result = ecomms(tmp_path, "status")
    assert result.returncode != 0 and "metrics.ready_intervals" in result.stderr
    assert "Traceback" not in result.stderr
    (tmp_path / "ecomms.toml").write_text('[metrics]\naddress = "localhost"\n')
    result = ecomms(tmp_path, "status")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().endswith(
        "metrics.address: expected HOST:PORT (e.g. 127.0.0.1:9464), got 'localhost'"
    )


def test_a_run_whose_metrics_port_is_taken_stops_with_one_line(tmp_path: Path) -> None:
    """Another process holds the port: the run does not start; one line names the address."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        address = f"127.0.0.1:{holder.getsockname()[1]}"
        (tmp_path / "ecomms.toml").write_text(
            f'[metrics]\nenabled = true\naddress = "{address}"\n'
            '[sources.fake]\nunits = 1\n[sinks.a]\nplugin = "fake_sink"\n'
        )
        result = ecomms(tmp_path, "run", "--once")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"metrics.address: cannot listen on {address}" in result.stderr
    assert not (tmp_path / ".ecomms" / "fake-sink-a" / "records.jsonl").exists()


def test_a_busy_address_is_one_config_error(endpoint, metrics) -> None:
    """Another process on the port: one line naming the address, no traceback."""
    server, _ = endpoint
    with pytest.raises(ConfigError, match=rf"cannot listen on {re.escape(server.address)}"):
        serve(server.address, metrics, Readiness(metrics, 60.0, 3))


def test_watched_series_start_at_zero_and_dead_letters_are_counted_after_each_pass(
    endpoint, metrics
) -> None:
    """Known sources and sinks show 0 before any event; the dead-letter gauge follows the
    store after every pass, failed ones included, and a failing count never stops a pass."""
    server, _ = endpoint
    stored = {"zoom": 0}
    metrics.watch(["zoom"], ["archive"], lambda: dict(stored))
    got = scrape(server)
    assert got[("ecomms_units_committed_total", (("source", "zoom"),))] == 0
    assert got[("ecomms_records_written_total", (("sink", "archive"),))] == 0
    assert got[("ecomms_passes_total", (("outcome", "failed"),))] == 0
    assert got[("ecomms_dead_letters", (("source", "zoom"),))] == 0
    stored["zoom"] = 2
    with pytest.raises(TransientError), metrics.timed_pass():
        raise TransientError("sink down")
    assert scrape(server)[("ecomms_dead_letters", (("source", "zoom"),))] == 2
    stored["zoom"] = 0
    with metrics.timed_pass():
        pass
    assert scrape(server)[("ecomms_dead_letters", (("source", "zoom"),))] == 0

    def broken() -> dict[str, int]:
        raise OSError("state unreadable")

    metrics.watch(["zoom"], ["archive"], broken)
    with metrics.timed_pass():
        pass
    assert scrape(server)[("ecomms_passes_total", (("outcome", "ok"),))] == 2


def test_two_runs_in_one_process_each_serve_and_release_the_endpoint(tmp_path: Path) -> None:
    """As the demo does: two ``App.run`` calls with metrics on, the second one counts what it
    committed (the observer is registered for the run only, the port released after)."""
    (tmp_path / "ecomms.toml").write_text(
        '[metrics]\nenabled = true\naddress = "127.0.0.1:0"\n'
        '[sources.fake]\nunits = 2\n[sinks.a]\nplugin = "fake_sink"\n'
    )
    env = {"ECOMMS_EXTRA_PLUGINS": "core.testing"}
    host = build_host(env)
    committed = []
    for _ in range(2):
        app = App(host, tmp_path / "ecomms.toml", env)
        try:
            app.run(once=True, only=())
        finally:
            app.close()
        registry = app.metrics.registry
        committed.append(
            registry.get_sample_value("ecomms_units_committed_total", {"source": "fake"})
        )
        assert registry.get_sample_value("ecomms_passes_total", {"outcome": "ok"}) == 1
    assert committed == [2, 0]  # the second run found both committed already
    assert "ecomms:metrics" not in host.plugins and "ecomms:progress" not in host.plugins
