"""Zoom's daily cap of Heavy calls (ZOOM_API §7.1): the capture holds, loses nothing, tags
nothing early, and does not hammer Zoom with calls that can only be refused."""

from __future__ import annotations

import json
from datetime import datetime

from plugins.zoom_ecomms.models import zoom_time as parse_time

HEAVY = ("/v2/report/", "/v2/metrics/")


def heavy_calls(sim) -> list[int]:
    return [r["status"] for r in sim.inspect()["requests"] if r["path"].startswith(HEAVY)]


def completed(listed_meetings, sim) -> dict[str, datetime]:
    return {
        uuid: parse_time(m["complete_time"])
        for uuid, m in listed_meetings(sim).items()
        if m["status"] == "completed"
    }


def test_daily_cap_holds_the_capture_without_loss(
    zoom_simulator_factory, make_source, stored_receipt, listed_meetings
):
    # a unique account: the rate budget is shared process-wide per account
    sim = zoom_simulator_factory(seed=7, account_id="sim-daily-cap", heavy_daily_cap=5)
    source = make_source(sim, auto_delete=True, workers=1)
    units = list(source.pull(None))
    assert 0 < len(units) < len(completed(listed_meetings, sim))
    assert "daily limit of heavy calls is reached" in (source.held or "")
    assert heavy_calls(sim).count(429) == 1
    for unit in units:
        assert unit.failure is None
        source.acknowledge(unit, [stored_receipt(unit)])
    tagged = set(sim.inspect()["tagged_for_deletion"])
    assert tagged == {f.file_id for u in units for f in u.files if f.role == "file"}

    # the checkpoint handed over never passes a meeting that was not captured
    resume = parse_time(json.loads(units[-1].checkpoint)["from"])
    captured = {u.key for u in units}
    left = {k: t for k, t in completed(listed_meetings, sim).items() if k not in captured}
    assert left and all(t >= resume for t in left.values())

    # until the reset, a new pass sends no Heavy call at all and holds again
    sent = len(heavy_calls(sim))
    assert list(source.pull(units[-1].checkpoint)) == []
    assert len(heavy_calls(sim)) == sent
    assert source.held
    assert set(sim.inspect()["tagged_for_deletion"]) == tagged
