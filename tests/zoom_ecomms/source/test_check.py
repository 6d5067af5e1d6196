"""`check` and scope enforcement against the simulator's OAuth endpoint."""

from __future__ import annotations

import logging

import pytest

from core.config import Secret
from core.errors import ScopeError
from plugins.zoom_ecomms.scopes import FEATURE_SCOPES

EVERY = sorted({s for scopes in FEATURE_SCOPES.values() for s in scopes})


def test_check_passes_with_every_scope(zoom_simulator, make_source):
    findings = make_source(zoom_simulator).check()
    assert findings and all(f.ok for f in findings), findings


def test_wrong_secret_is_a_failed_finding_without_the_secret(zoom_simulator, make_source):
    source = make_source(zoom_simulator, client_secret=Secret("not-the-secret-XYZ"))
    findings = source.check()
    assert [f.ok for f in findings] == [False]
    assert findings[0].check == "credentials"
    assert "not-the-secret-XYZ" not in repr(findings)
    assert findings[0].action == "fix account_id / client_id / client_secret"


def test_unreachable_token_endpoint_points_at_the_url_not_the_credentials(
    zoom_simulator, make_source
):
    url = zoom_simulator.oauth_token_url
    zoom_simulator.stop()
    findings = make_source(zoom_simulator, oauth_token_url=url).check()
    assert [(f.check, f.ok) for f in findings] == [("token endpoint", False)]
    assert "cannot reach the Zoom token endpoint" in findings[0].detail
    assert findings[0].action.startswith("check oauth_token_url and the network")


def test_a_wrong_token_url_is_not_reported_as_wrong_credentials(zoom_simulator, make_source):
    wrong = zoom_simulator.oauth_token_url.replace("/oauth/token", "/oauth/tokens")
    findings = make_source(zoom_simulator, oauth_token_url=wrong).check()
    assert [(f.check, f.ok) for f in findings] == [("token endpoint", False)]
    assert "does not answer like Zoom's token endpoint (HTTP 404" in findings[0].detail
    assert findings[0].action.startswith("fix oauth_token_url")


def test_a_wrong_api_base_url_is_its_own_finding(zoom_simulator, make_source):
    wrong = zoom_simulator.api_base_url.replace("/v2", "/v1")
    findings = {f.check: f for f in make_source(zoom_simulator, api_base_url=wrong).check()}
    assert findings["credentials"].ok  # the token endpoint and the credentials are right
    api = findings["API base URL"]
    assert not api.ok and wrong in api.detail and api.action.startswith("fix api_base_url")


def test_an_unreachable_api_base_url_says_so(zoom_simulator, zoom_simulator_factory, make_source):
    other = zoom_simulator_factory(meetings=1)
    gone = other.api_base_url
    other.stop()
    findings = {f.check: f for f in make_source(zoom_simulator, api_base_url=gone).check()}
    assert findings["credentials"].ok
    assert not findings["API base URL"].ok
    assert f"cannot reach {gone}" in findings["API base URL"].detail


def test_missing_scopes_listed_per_feature(zoom_simulator_factory, make_source):
    granted = [
        s for s in EVERY if s not in ("meeting:read:past_qa:admin", "meeting:read:summary:admin")
    ]
    sim = zoom_simulator_factory(granted_scopes=granted, meetings=2)
    findings = {f.check: f for f in make_source(sim).check()}
    assert findings["credentials"].ok
    assert findings["scopes: Q&A"].detail == "missing meeting:read:past_qa:admin"
    assert findings["scopes: AI Companion summary"].action == (
        "add them to the app and re-authorize"
    )
    assert sum(not f.ok for f in findings.values()) == 2
    assert make_source(sim, content=["chat", "polls", "surveys"]).check()[-1].ok


def test_pull_raises_on_a_scope_error_instead_of_skipping(zoom_simulator_factory, make_source):
    granted = [s for s in EVERY if s != "meeting:read:past_qa:admin"]
    sim = zoom_simulator_factory(granted_scopes=granted, meetings=2)
    with pytest.raises(ScopeError, match="meeting:read:past_qa:admin"):
        list(make_source(sim).pull(None))


def test_no_secret_or_token_in_logs(zoom_simulator, make_source, caplog):
    caplog.set_level(logging.DEBUG)
    source = make_source(zoom_simulator, auto_delete=True)
    for unit in source.pull(None):
        source.acknowledge(unit, [])
    token = source.provider.token()
    assert caplog.records  # httpx logged the requests
    assert zoom_simulator.client_secret not in caplog.text
    assert token not in caplog.text


def test_an_app_with_classic_scopes_is_checked_and_told_in_classic_names(
    zoom_simulator_factory, make_source
):
    classic = [
        "recording:read:admin", "recording:write:admin", "user:read:admin", "meeting:read:admin",
        "webinar:read:admin", "report:read:admin", "dashboard:read:admin", "group:read:admin",
    ]  # fmt: skip
    sim = zoom_simulator_factory(granted_scopes=classic, meetings=2)
    findings = {f.check: f for f in make_source(sim, delete_mode=True).check()}
    assert findings["credentials"].ok and findings["API base URL"].ok
    assert findings["scopes: AI Companion summary"].detail == "missing meeting_summary:read:admin"
    assert sum(not f.ok for f in findings.values()) == 1
    full = zoom_simulator_factory(granted_scopes=[*classic, "meeting_summary:read:admin"])
    source = make_source(full, delete_mode=True)
    assert all(f.ok for f in source.check())
    assert [u for u in source.pull(None) if u.failure is None]
