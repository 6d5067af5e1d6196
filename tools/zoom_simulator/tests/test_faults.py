"""Fault switches, set at start or at run time, proven with plain httpx."""

from __future__ import annotations

import hashlib
import re

import httpx
import pytest
from ecomms_zoom_simulator import Simulator, SimulatorConfig


def _first_mp4(api):
    return next(
        f
        for m in api.all_meetings()
        for f in m["archive_files"]
        if f["file_type"] == "MP4" and f["status"] == "completed"
    )


def test_429_burst_then_recovery(api):
    api.sim.set_faults(["429_burst:2"])
    answers = [api.get("/users") for _ in range(3)]
    assert [r.status_code for r in answers] == [429, 429, 200]
    assert answers[0].json()["code"] == 429
    assert "maximum per-second rate limit" in answers[0].json()["message"]
    assert answers[0].headers["X-RateLimit-Type"] == "QPS"
    assert answers[0].headers["Retry-After"] == "1"


def test_5xx_rate_one_fails_everything_zero_nothing(api):
    mp4 = _first_mp4(api)
    api.sim.set_faults(["5xx:1"])
    assert api.get("/users").status_code == 503
    assert api.download(mp4).status_code == 503
    api.sim.set_faults([])
    assert api.get("/users").status_code == 200


def test_token_expiry_after_n_calls(api):
    api.sim.set_faults(["token_expiry:2"])
    fresh = api.mint()
    headers = {"Authorization": f"Bearer {fresh}"}
    statuses = [api.http.get(api.sim.api_base_url + "/users", headers=headers) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 401]
    assert statuses[2].json() == {"code": 124, "message": "Access token is expired."}
    renewed = {"Authorization": f"Bearer {api.mint()}"}
    assert api.http.get(api.sim.api_base_url + "/users", headers=renewed).status_code == 200


def test_page_token_expiry_hits_the_next_token_use_once(api):
    first = api.get("/archive_files", page_size=1, **api.WEEK_1).json()
    api.sim.set_faults(["page_token_expiry"])
    params = {"page_size": 1, "next_page_token": first["next_page_token"], **api.WEEK_1}
    expired = api.get("/archive_files", **params)
    assert expired.json() == {"code": 300, "message": "The next page token is invalid or expired."}
    restarted = api.get("/archive_files", page_size=1, **api.WEEK_1).json()
    params["next_page_token"] = restarted["next_page_token"]
    assert api.get("/archive_files", **params).status_code == 200


@pytest.mark.parametrize("fault", ["truncated_download", "corrupt_download", "html_download"])
def test_download_faults_hit_once_then_a_retry_succeeds(api, fault):
    mp4 = _first_mp4(api)
    api.sim.set_faults([fault])
    bad = api.download(mp4)
    assert bad.status_code == 200
    assert hashlib.sha256(bad.content).hexdigest() != mp4["encryption_fingerprint"]
    if fault == "corrupt_download":
        assert len(bad.content) == mp4["file_size"]
    if fault == "html_download":
        assert bad.headers["content-type"].startswith("text/html")
    good = api.download(mp4)
    assert hashlib.sha256(good.content).hexdigest() == mp4["encryption_fingerprint"]


def test_always_variant_keeps_failing(api):
    mp4 = _first_mp4(api)
    api.sim.set_faults(["corrupt_download:always"])
    for _ in range(3):
        body = api.download(mp4).content
        assert hashlib.sha256(body).hexdigest() != mp4["encryption_fingerprint"]


def test_dropped_download_breaks_the_connection(api):
    mp4 = _first_mp4(api)
    api.sim.set_faults(["dropped_download"])
    with pytest.raises(httpx.RemoteProtocolError):
        api.download(mp4)
    again = api.download(mp4)
    assert hashlib.sha256(again.content).hexdigest() == mp4["encryption_fingerprint"]


def test_faults_over_http_and_inspection(zoom_simulator, api):
    base = zoom_simulator.base_url
    assert httpx.post(base + "/_sim/faults", json=["5xx:1"]).status_code == 200
    assert api.get("/users").status_code == 503
    refused = httpx.post(base + "/_sim/faults", json=["meteor_strike"])
    assert refused.status_code == 400 and "unknown fault" in refused.json()["message"]
    state = httpx.get(base + "/_sim/inspect").json()
    assert state["faults"] == ["5xx:1"]
    assert any(r["path"] == "/v2/users" and r["status"] == 503 for r in state["requests"])


def test_faults_at_start_and_bad_names_refused(zoom_simulator_factory, api_factory):
    with pytest.raises(ValueError, match="unknown fault"):
        Simulator(SimulatorConfig(faults=["nope"]))
    with pytest.raises(ValueError, match="bad value"):
        Simulator(SimulatorConfig(faults=["5xx:2"]))
    api = api_factory(zoom_simulator_factory(meetings=1, faults=["429_burst:1"]))
    assert api.get("/users").status_code == 429


def test_invalidate_on_mint_switch(api):
    api.sim.set_faults(["invalidate_on_mint"])
    old = api.token
    api.mint()
    stale = api.http.get(
        api.sim.api_base_url + "/users", headers={"Authorization": f"Bearer {old}"}
    )
    assert stale.status_code == 401


def test_429_daily_says_when_to_come_back(api):
    api.sim.set_faults(["429_daily"])
    limited = api.get("/users")
    assert limited.status_code == 429
    assert "maximum daily rate limit" in limited.json()["message"]
    assert limited.headers["X-RateLimit-Type"] == "Daily-limit"
    assert limited.headers["X-RateLimit-Category"] == "Medium"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", limited.headers["Retry-After"])
    assert api.get("/users").status_code == 200
