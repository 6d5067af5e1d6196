"""The retry table, Retry-After parsing and the shared rate budget."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx

from plugins.zoom_ecomms.rate_budget import PLAN_LIMITS, RateBudget, budget_for, label_for
from plugins.zoom_ecomms.retry import Action, backoff_seconds, classify, retry_after_seconds


def test_table_maps_statuses_and_codes_to_actions():
    assert classify(200, None) is Action.OK
    assert classify(204, None) is Action.OK
    assert classify(429, 429) is Action.RATE_LIMITED
    assert classify(503, None) is Action.RETRY
    assert classify(599, None) is Action.RETRY
    assert classify(400, 4711) is Action.SCOPE
    assert classify(401, 124) is Action.AUTH
    assert classify(404, 3001) is Action.ABSENT
    assert classify(400, 300) is Action.FAIL
    assert classify(400, None) is Action.FAIL


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


def test_one_budget_per_account_and_label():
    a = budget_for("acct-budget-test", "pro", "medium")
    assert budget_for("acct-budget-test", "pro", "medium") is a
    assert budget_for("acct-budget-test", "pro", "light") is not a
    assert a.rate == PLAN_LIMITS["pro"]["medium"]


def test_budget_spaces_requests_across_threads():
    budget = RateBudget(50.0)
    stamps: list[float] = []

    def worker() -> None:
        for _ in range(10):
            budget.acquire()
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    # 30 permits at 50/s never fit in fewer than 29 intervals of 20 ms
    assert stamps[-1] - stamps[0] >= 29 * 0.02 * 0.95


def test_pause_delays_every_user():
    budget = RateBudget(1000.0)
    budget.pause(0.2)
    start = time.monotonic()
    budget.acquire()
    assert time.monotonic() - start >= 0.15
