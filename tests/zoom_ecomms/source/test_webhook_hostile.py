"""Hostile clients against the webhook receiver of a running ``ecomms --log-format json run``.

One continuous run (Zoom source on a simulator, webhook receiver on loopback) serves every
test here, in its own process, so its memory (``/proc/PID/status``: VmRSS, VmHWM), threads and
log lines are the receiver's as a user runs it. The bypasses of issue 14 must be refused
with the peak RSS barely moving; a 400-connection slowloris from another process must
neither hold threads nor delay valid Zoom deliveries past Zoom's 3 s (the simulator's
deliveries time out at 3 s, as Zoom's do); every refusal is one JSON log line.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from ecomms_zoom_simulator import Simulator, SimulatorConfig

from tests.fixtures.cli import start_ecomms
from tests.fixtures.raw_http import address, exchange, read_answer, signed_post, status_of
from tests.fixtures.zoom_simulator import zoom_source_toml

MIB = 1 << 20
FLOOD = 400
SLOW_CLIENTS = Path(__file__).with_name("slow_clients.py")


@dataclass
class Run:
    """The running ``ecomms run``: its simulator, receiver URL, process and log lines."""

    sim: Simulator
    url: str
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)

    def refusals(self, peer: str) -> list[dict]:
        """The JSON log lines about refused requests from ``peer``."""
        found = []
        for line in list(self.lines):
            data = json.loads(line)
            if data.get("context", {}).get("peer") == peer:
                found.append(data)
        return found

    def wait_for_refusals(self, peer: str, count: int = 1) -> list[dict]:
        """Wait (a guard of 30 s, not a timing) until ``count`` lines about ``peer`` exist."""
        deadline = time.monotonic() + 30
        while len(found := self.refusals(peer)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return found

    def status(self) -> dict[str, int]:
        """VmRSS and VmHWM (KiB) and Threads of the process."""
        text = Path(f"/proc/{self.process.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in text.splitlines())
        return {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM", "Threads")}

    def open_files(self) -> int:
        """How many file descriptors the process holds (its connections among them)."""
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _collect(stream, lines: list[str]) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Iterator[Run]:
    """``ecomms --log-format json run`` with a webhook receiver, after its first pass."""
    sim = Simulator(SimulatorConfig(seed=7, meetings=2, plan="business")).start()
    tmp = tmp_path_factory.mktemp("hostile")
    port = _free_port()
    source = zoom_source_toml(sim, webhook_secret={"env": "ZOOM_WEBHOOK_SECRET"}, webhook_port=port)
    config = tmp / "ecomms.toml"
    config.write_text(
        '[ecomms]\nstate_dir = ".ecomms"\npoll_interval = 600\n' + source + "[sinks.fake_sink]\n"
    )
    env = dict(
        ECOMMS_EXTRA_PLUGINS="core.testing",
        ZOOM_CLIENT_SECRET=sim.client_secret,
        ZOOM_WEBHOOK_SECRET=sim.webhook_secret,
    )
    args = ("--log-format", "json", "--config", config, "run")
    process = start_ecomms(*args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    running = Run(sim, f"http://127.0.0.1:{port}/", process)
    reader = threading.Thread(target=_collect, args=(process.stderr, running.lines), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while not _validated(sim, running.url):
        assert process.poll() is None, running.lines
        assert time.monotonic() < deadline, "the webhook receiver never answered"
        time.sleep(0.2)
    yield running
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    reader.join(10)
    process.stderr.close()
    sim.stop()
    assert process.returncode == 0, running.lines[-20:]


def _validated(sim: Simulator, url: str) -> bool:
    try:
        return sim.validate_webhook_url(url)
    except httpx.TransportError:  # the receiver starts after the first pass
        return False


def _raw(size: int, piece: bytes = b"x" * MIB) -> Iterator[bytes]:
    for _ in range(size // len(piece)):
        yield piece


def _chunks(size: int, chunk: int = 64 << 10) -> Iterator[bytes]:
    data = b"%x\r\n" % chunk + b"x" * chunk + b"\r\n"
    for _ in range(size // chunk):
        yield data


HUGE = 300 * MIB
BYPASSES = {
    "content-length -1": (b"Content-Length: -1\r\n", lambda: _raw(HUGE), 400),
    "no content-length": (b"", lambda: _raw(HUGE), 411),
    "one huge chunk": (
        b"Transfer-Encoding: chunked\r\n",
        lambda: iter([b"%x\r\n" % HUGE, *_raw(HUGE)]),
        413,
    ),
    "many 64 KiB chunks": (b"Transfer-Encoding: chunked\r\n", lambda: _chunks(HUGE), 413),
    "declared 300 MiB": (b"Content-Length: %d\r\n" % HUGE, lambda: _raw(HUGE), 413),
}


def _attack(url: str, framing: bytes, body: Iterator[bytes]) -> tuple[str, int, int | None]:
    """Send a signed-looking head and up to 300 MiB; the peer, bytes sent, status seen."""
    head = b"POST / HTTP/1.1\r\nHost: receiver\r\nx-zm-signature: v0=00\r\n" + framing + b"\r\n"
    with socket.create_connection(address(url), timeout=60) as sock:
        peer = f"127.0.0.1:{sock.getsockname()[1]}"
        answer: list[bytes] = []
        reader = threading.Thread(target=lambda: answer.append(read_answer(sock)))
        reader.start()
        sent = 0
        try:
            sock.sendall(head)
            for piece in body:
                sock.sendall(piece)
                sent += len(piece)
            sock.shutdown(socket.SHUT_WR)  # everything sent: a server reading to EOF is done
        except OSError:  # the receiver closed the connection: what it should do
            pass
        reader.join(120)
    return peer, sent, status_of(answer[0]) if answer else None


@pytest.mark.parametrize("case", list(BYPASSES))
def test_each_bypass_is_refused_without_buffering(run, case):
    framing, body, expected = BYPASSES[case]
    before = run.status()
    Path(f"/proc/{run.process.pid}/clear_refs").write_text("5")  # reset VmHWM to VmRSS
    peer, sent, seen = _attack(run.url, framing, body())
    lines = run.wait_for_refusals(peer)
    growth = run.status()["VmHWM"] - before["VmRSS"]
    read = lines[0]["context"]["bytes_read"] if lines else "?"
    print(f"\n{case}: answered {seen}, {read} bytes read by the receiver,")
    print(f"  {sent} body bytes sent by the client, peak RSS {growth:+d} KiB")
    assert growth < 16 * 1024  # KiB: a 300 MiB body buffered would be 20 times that
    (line,) = lines
    assert line["context"]["status"] == expected
    assert line["context"]["bytes_read"] <= MIB + (64 << 10) + 4096
    assert seen in (expected, None)  # None: the client was reset before it read the answer


def test_malformed_requests_are_one_json_line_each_without_traceback(run):
    secret = run.sim.webhook_secret
    wrong = signed_post("not-the-secret", {"event": "recording.archive_files_completed"})
    requests = [
        b"GARBAGE\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        b"POST / HTTP/1.1\r\nbad header line\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n{",  # then closes mid-body
        wrong,
        signed_post(secret, {"event": "x"})[:-2] + b"\xff\xfe",  # signed, then altered
    ]
    peers = []
    for data in requests:
        with socket.create_connection(address(run.url), timeout=30) as sock:
            peers.append(f"127.0.0.1:{sock.getsockname()[1]}")
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            read_answer(sock)
    for peer in peers:
        (line,) = run.wait_for_refusals(peer)
        assert line["level"] == "warning" and "exception" not in line
    text = "\n".join(run.lines)
    assert "Traceback" not in text and secret not in text
    assert wrong.split(b"x-zm-signature: ")[1][:70].decode() not in text
    assert all(json.loads(line) for line in run.lines)  # every stderr line is one JSON object


def test_valid_deliveries_are_answered_under_a_slow_client_flood(run):
    calm = [_timed_validation(run) for _ in range(5)]
    before, files = run.status(), run.open_files()
    host, port = address(run.url)
    flood = subprocess.Popen(
        [sys.executable, str(SLOW_CLIENTS), host, str(port), str(FLOOD)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert json.loads(flood.stdout.readline()) == {"open": FLOOD}
        deadline = time.monotonic() + 30  # a guard: the receiver accepts every slow client
        while (held := run.open_files() - files) < FLOOD - 5 and time.monotonic() < deadline:
            time.sleep(0.05)  # (-5: the run's own client connections come and go)
        threads = run.status()["Threads"]
        stormy = [_timed_validation(run) for _ in range(20)]
        assert run.sim.send_webhook(run.url) == 200  # an archive event, answered too
        answered_at = time.monotonic()
        summary = json.loads(flood.stdout.readline())
    finally:
        flood.kill()
        flood.communicate()
    print(f"\nvalidation round trip, calm: {_ms(calm)}; under {FLOOD} slow clients: {_ms(stormy)}")
    print(f"threads {before['Threads']} -> {threads} with {held} more open files;")
    print(f"flood over after {summary['seconds']:.1f} s")
    assert held >= FLOOD - 5  # the receiver held the slow connections at once...
    assert answered_at < summary["first_closed_at"]  # ...while it answered every delivery
    assert threads <= before["Threads"] + 2  # not one thread per connection
    assert summary["closed"] == FLOOD and summary["answers"] == {"408": FLOOD}
    timeouts = [json.loads(line) for line in run.lines if "headers not in" in line]
    assert len(timeouts) >= FLOOD


def _timed_validation(run: Run) -> float:
    started = time.monotonic()
    assert run.sim.validate_webhook_url(run.url)  # raises past Zoom's 3 s
    return time.monotonic() - started


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    return f"median {ordered[len(ordered) // 2] * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


def test_a_delivery_still_works_after_the_abuse(run):
    status, answer = exchange(run.url, signed_post(run.sim.webhook_secret, {"event": "other"}))
    assert status == 200, answer
