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
    assert [(f.check, f.ok) for f in findings] == [("credentials", False)]
    assert "cannot reach the Zoom token endpoint" in findings[0].detail
    assert findings[0].action.startswith("check oauth_token_url and the network")


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
