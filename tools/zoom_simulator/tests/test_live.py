"""Meetings completing over time (``complete_per_minute``), with their webhooks."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _recent(api, since: datetime) -> list[dict]:
    window = {"from": _iso(since - timedelta(days=1)), "to": _iso(datetime.now(UTC))}
    body = api.get("/archive_files", query_date_type="archive_complete_time", **window).json()
    return body["meetings"]


def test_meetings_complete_at_a_steady_rate_and_announce_themselves(
    zoom_simulator_factory, api_factory, webhook_receiver
):
    url, received = webhook_receiver("sim-webhook-secret-token")
    started = datetime.now(UTC).replace(microsecond=0)
    sim = zoom_simulator_factory(meetings=2, complete_per_minute=600, webhook_url=url)
    api = api_factory(sim)
    deadline = time.monotonic() + 30
    while len({m["uuid"] for m in _recent(api, started) if not m["is_breakout_room"]}) < 3:
        assert time.monotonic() < deadline, "no meetings completed"
        time.sleep(0.1)
    sim.stop()
    recent = [m for m in _recent(api, started) if not m["is_breakout_room"]]
    for meeting in recent:
        assert meeting["status"] == "completed"
        assert _iso(started) <= meeting["complete_time"] <= _iso(datetime.now(UTC))
        assert meeting["start_time"] < meeting["complete_time"]
    announced = {json.loads(body)["payload"]["object"]["uuid"] for _, body in received}
    assert {m["uuid"] for m in recent} <= announced


def test_on_demand_completion_is_seeded(zoom_simulator_factory, api_factory):
    first = zoom_simulator_factory(meetings=1, seed=5)
    second = zoom_simulator_factory(meetings=1, seed=5)
    assert first.complete_meetings(3) == second.complete_meetings(3)
    api = api_factory(first)
    listed = {m["uuid"] for m in _recent(api, datetime.now(UTC) - timedelta(minutes=1))}
    assert set(first.complete_meetings(0)) == set() and len(listed) >= 3
