"""The retry table, Retry-After parsing and the shared rate budget.

Waits are checked on a virtual clock (:class:`VirtualClock`) that records every sleep the
budget or the client asks for, so no test depends on how fast the machine is. The client
talks HTTP to a scripted Zoom on loopback (:class:`ScriptedZoom`) or to the simulator.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from core.config import Secret
from plugins.zoom_ecomms.auth import TokenProvider
from plugins.zoom_ecomms.client import ZoomClient
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.rate_budget import PLAN_LIMITS, RateBudget, budget_for, label_for
from plugins.zoom_ecomms.retry import Action, backoff_seconds, classify, retry_after_seconds
from tests.fixtures.zoom_simulator import zoom_source_config


def test_table_maps_statuses_and_codes_to_actions():
    assert classify(200, None) is Action.OK
    assert classify(204, None) is Action.OK
    assert classify(429, 429) is Action.RATE_LIMITED
    assert classify(503, None) is Action.RETRY
    assert classify(599, None) is Action.RETRY
    assert classify(400, 4711) is Action.SCOPE
    assert classify(401, 124) is Action.AUTH
    assert classify(404, 3001) is Action.REFUSED
    assert classify(400, 300) is Action.REFUSED
    assert classify(400, 2300) is Action.REFUSED  # unknown endpoint: not available here
    assert classify(400, None) is Action.REFUSED
    assert classify(400, 124) is Action.AUTH


def test_retry_after_in_seconds_http_date_and_iso_date():
    def wait(value: str) -> float:
        return retry_after_seconds(httpx.Response(429, headers={"Retry-After": value}))

    assert wait("7") == 7.0
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 < wait(format_datetime(later, usegmt=True)) <= 30
    assert 25 < wait(later.strftime("%Y-%m-%dT%H:%M:%SZ")) <= 30
    assert wait("2000-01-01T00:00:00Z") == 0.0
    assert 1.0 <= retry_after_seconds(httpx.Response(429)) <= 1.5


def test_backoff_grows_and_is_capped():
    assert all(0 <= backoff_seconds(1) <= 0.25 for _ in range(50))
    assert all(0 <= backoff_seconds(20, cap=3.0) <= 3.0 for _ in range(50))


def test_labels_of_the_calls_we_make():
    assert label_for("GET", "/archive_files") == "medium"
    assert label_for("PATCH", "/archive_files/abc") == "light"
    assert label_for("GET", "/report/meetings/x/participants") == "heavy"
    assert label_for("GET", "/metrics/webinars/x/participants") == "heavy"
    assert label_for("GET", "/users/u1") == "light"
    assert label_for("GET", "/past_meetings/x") == "light"
    assert label_for("GET", "/past_meetings/x/participants") == "medium"
    assert label_for("GET", "/meetings/123/polls") == "light"
    assert label_for("GET", "/report/webinars/x/survey") == "heavy"  # every /report/* call
    assert label_for("GET", "/report/meetings/x/survey") == "heavy"


def test_one_budget_per_account_and_label():
    a = budget_for("acct-budget-test", "pro", "medium")
    assert budget_for("acct-budget-test", "pro", "medium") is a
    assert budget_for("acct-budget-test", "pro", "light") is not a
    assert a.rate == PLAN_LIMITS["pro"]["medium"]


class VirtualClock:
    """Monotonic seconds that move only when someone sleeps; every sleep is recorded.

    With ``advance=False`` time stands still, so each recorded wake-up time is exactly the
    slot the budget handed out.
    """

    def __init__(self, advance: bool = True) -> None:
        self.now = 0.0
        self.advance = advance
        self.wakeups: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        """The current virtual time."""
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        """Record a wait of ``seconds`` and, when advancing, move time forward by it."""
        with self._lock:
            self.wakeups.append(self.now + seconds)
            if self.advance:
                self.now += seconds

    def budget(self, rate: float) -> RateBudget:
        """A rate budget that runs on this clock."""
        return RateBudget(rate, clock=self.monotonic, sleep=self.sleep)


class ScriptedZoom:
    """A loopback HTTP server that mints tokens and answers API calls from a script.

    ``script`` is a list of ``(status, headers)``; once used up every call gets 200 ``{}``.
    ``arrivals`` records the virtual time at which each API call came in.
    """

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.script: list[tuple[int, dict[str, str]]] = []
        self.arrivals: list[float] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        zoom = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the token endpoint
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._send(200, {}, {"access_token": "tok", "expires_in": 3600})

            def do_GET(self) -> None:  # every API call
                zoom.arrivals.append(zoom.clock.monotonic())
                status, headers = zoom.script.pop(0) if zoom.script else (200, {})
                body = {"code": 429, "message": "Too many requests"} if status == 429 else {}
                self._send(status, headers, body)

            def _send(self, status: int, headers: dict[str, str], body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in {**headers, "Content-Type": "application/json"}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def client(self) -> ZoomClient:
        """A Zoom client for this server whose budgets and retries run on the virtual clock."""
        config = ZoomConfig(
            account_id="acct-scripted",
            client_id="client",
            client_secret=Secret("secret"),
            api_base_url=f"{self.base}/v2",
            oauth_token_url=f"{self.base}/oauth/token",
        )
        provider = TokenProvider(config.oauth_token_url, "acct-scripted", "client", Secret("s"), 5)
        budgets: dict[str, RateBudget] = {}

        def budget(account: str, plan: str, label: str, share: float) -> RateBudget:
            rate = PLAN_LIMITS[plan][label] * share
            return budgets.setdefault(label, self.clock.budget(rate))

        return ZoomClient(config, provider, budgets=budget, sleep=self.clock.sleep)


@pytest.fixture
def scripted() -> Iterator[ScriptedZoom]:
    """A scripted Zoom on loopback with its virtual clock; shut down after the test."""
    zoom = ScriptedZoom(VirtualClock())
    yield zoom
    zoom.server.shutdown()
    zoom.server.server_close()


def test_429_with_retry_after_seconds_waits_that_long_before_retrying(scripted):
    scripted.script = [(429, {"Retry-After": "2"})]
    client = scripted.client()
    assert client.request("GET", "/users/u1").body == b"{}"
    assert len(scripted.arrivals) == 2
    assert scripted.arrivals[1] - scripted.arrivals[0] >= 2.0
    assert max(scripted.clock.wakeups) >= 2.0


def test_429_with_an_http_date_waits_until_that_date(scripted):
    later = datetime.now(UTC) + timedelta(seconds=30)
    scripted.script = [(429, {"Retry-After": format_datetime(later, usegmt=True)})]
    client = scripted.client()
    assert client.request("GET", "/users/u1").body == b"{}"
    assert len(scripted.arrivals) == 2
    # the wait is the date minus the real time when the answer is read: 30 s ahead, less the
    # whole-second truncation and however long a loaded machine took to get there
    assert 20.0 <= scripted.arrivals[1] - scripted.arrivals[0] <= 30.0


def test_every_429_of_a_burst_is_waited_out_then_calls_resume(scripted):
    scripted.script = [(429, {"Retry-After": "1"})] * 3
    client = scripted.client()
    assert client.request("GET", "/users/u1").body == b"{}"
    gaps = [b - a for a, b in itertools.pairwise(scripted.arrivals)]
    assert len(scripted.arrivals) == 4 and all(gap >= 1.0 for gap in gaps)


def test_budget_spreads_calls_over_the_rate():
    clock = VirtualClock()
    budget = clock.budget(20.0)
    granted = []
    for _ in range(11):
        budget.acquire()
        granted.append(clock.monotonic())
    # 11 permits at 20/s never fit in fewer than 10 intervals of 50 ms
    assert granted[-1] - granted[0] >= 10 / 20.0 - 1e-9
    assert all(b - a >= 0.05 - 1e-9 for a, b in itertools.pairwise(granted))


def test_threads_share_one_budget():
    clock = VirtualClock(advance=False)
    budget = clock.budget(50.0)

    def worker() -> None:
        for _ in range(10):
            budget.acquire()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # time stands still: the first permit is free, the other 29 each get their own slot
    slots = sorted(clock.wakeups)
    assert len(slots) == 29
    assert slots == pytest.approx([k / 50.0 for k in range(1, 30)])


def test_pause_delays_every_user():
    clock = VirtualClock()
    budget = clock.budget(1000.0)
    budget.pause(0.2)
    budget.acquire()
    assert clock.monotonic() >= 0.2


def test_daily_exhaustion_refuses_until_the_reset():
    clock = VirtualClock()
    budget = clock.budget(10.0)
    budget.exhaust(3600)
    assert budget.exhausted_for() == pytest.approx(3600)
    clock.sleep(3600)
    assert budget.exhausted_for() == 0.0


def test_a_real_429_burst_is_waited_out_and_the_budget_keeps_to_the_limit(
    zoom_simulator_factory,
):
    sim = zoom_simulator_factory(meetings=1, plan="pro", faults=["429_burst:3"])
    config = zoom_source_config(sim, plan="pro")
    provider = TokenProvider(
        config.oauth_token_url, sim.account_id, sim.client_id, config.client_secret, 10.0
    )
    client = ZoomClient(config, provider)
    try:
        users = [client.request("GET", "/users/me").body for _ in range(40)]
    finally:
        client.close()
    assert all(user.startswith(b"{") for user in users)
    statuses = [r["status"] for r in sim.inspect()["requests"] if "/users/" in r["path"]]
    # the burst's three 429s, then 40 answers: the budget never ran into Zoom's per-second cap
    assert statuses.count(429) == 3
    assert statuses[3:] == [200] * 40
