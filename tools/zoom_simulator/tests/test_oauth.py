"""The S2S OAuth token endpoint and token checks, proven with plain httpx."""

from __future__ import annotations

import httpx
import pytest
from ecomms_zoom_simulator.scopes import OPERATIONS


def _token(sim, auth=None, **params):
    data = {"grant_type": "account_credentials", "account_id": sim.account_id, **params}
    return httpx.post(
        sim.oauth_token_url, data=data, auth=auth or (sim.client_id, sim.client_secret)
    )


def test_token_response_lists_granted_scopes_lifetime_and_api_url(zoom_simulator):
    body = _token(zoom_simulator).json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["api_url"] == zoom_simulator.base_url
    scopes = body["scope"].split(" ")
    assert "archiving:read:list_archived_files:admin" in scopes
    assert "dashboard:read:list_meeting_participants:admin" in scopes


def test_grant_in_query_string_is_accepted(zoom_simulator):
    response = httpx.post(
        zoom_simulator.oauth_token_url,
        params={"grant_type": "account_credentials", "account_id": zoom_simulator.account_id},
        auth=(zoom_simulator.client_id, zoom_simulator.client_secret),
    )
    assert response.status_code == 200
    assert response.json()["access_token"]


def test_wrong_secret_is_invalid_client(zoom_simulator):
    response = _token(zoom_simulator, auth=(zoom_simulator.client_id, "wrong"))
    assert response.status_code == 400
    assert response.json() == {
        "reason": "Invalid client_id or client_secret",
        "error": "invalid_client",
    }


def test_wrong_grant_and_wrong_account_are_refused(zoom_simulator):
    grant = _token(zoom_simulator, grant_type="client_credentials")
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    account = _token(zoom_simulator, account_id="someone-else")
    assert (account.status_code, account.json()["error"]) == (400, "invalid_request")


def test_granted_scopes_are_configurable(zoom_simulator_factory):
    sim = zoom_simulator_factory(granted_scopes=["recording:read:admin"])
    assert _token(sim).json()["scope"] == "recording:read:admin"


def test_configurable_lifetime_expires_tokens(zoom_simulator_factory):
    sim = zoom_simulator_factory(token_ttl=0)
    body = _token(sim).json()
    assert body["expires_in"] == 0
    response = httpx.get(
        sim.api_base_url + "/users", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Access token is expired."}


def test_tokens_coexist_unless_minting_invalidates_previous(zoom_simulator_factory):
    for invalidate, first_status in ((False, 200), (True, 401)):
        sim = zoom_simulator_factory(invalidate_previous_on_mint=invalidate)
        first = _token(sim).json()["access_token"]
        second = _token(sim).json()["access_token"]
        users = sim.api_base_url + "/users"
        assert httpx.get(users, headers={"Authorization": f"Bearer {second}"}).status_code == 200
        old = httpx.get(users, headers={"Authorization": f"Bearer {first}"})
        assert old.status_code == first_status


def test_unknown_missing_and_query_tokens_are_401_124(zoom_simulator):
    users = zoom_simulator.api_base_url + "/users"
    token = _token(zoom_simulator).json()["access_token"]
    answers = [
        httpx.get(users, headers={"Authorization": "Bearer not-a-token"}),
        httpx.get(users),
        httpx.get(users, params={"access_token": token}),
    ]
    for response in answers:
        assert response.status_code == 401
        assert response.json() == {"code": 124, "message": "Invalid access token."}
        assert response.headers["x-zm-trackingid"]


def test_missing_scope_is_400_4711_naming_the_scopes(zoom_simulator, api_factory):
    api = api_factory(zoom_simulator)
    response = api.get("/archive_files/statistics", **api.WEEK_1)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 4711
    assert "archiving:read:archived_file_statistics:admin" in body["message"]
    assert body["message"].startswith("Invalid access token, does not contain scopes:[")


def test_a_classic_scope_satisfies_its_operation(zoom_simulator_factory, api_factory):
    sim = zoom_simulator_factory(granted_scopes=["recording:read:admin"])
    api = api_factory(sim)
    assert api.get("/archive_files", **api.WEEK_1).status_code == 200
    assert api.get("/archive_files/statistics", **api.WEEK_1).status_code == 200
    assert api.get("/users").json()["code"] == 4711


def _every_call(api) -> dict[str, int]:
    """The status of one call of each kind the connector makes (the per-meeting GET too)."""
    meetings = api.all_meetings()
    internal = next(m for m in meetings if m["type"] == 2 and not m["is_breakout_room"])
    webinar = next(m for m in meetings if m["type"] in (5, 6, 9))
    uuid, wuuid = api.encode(internal["uuid"]), api.encode(webinar["uuid"])
    paths = {
        "list": ("/archive_files", api.WEEK_1),
        "statistics": ("/archive_files/statistics", api.WEEK_1),
        "archive": (f"/past_meetings/{uuid}/archive_files", {}),
        "past": (f"/past_meetings/{uuid}", {}),
        "report": (f"/report/meetings/{uuid}/participants", {}),
        "dashboard": (f"/metrics/meetings/{uuid}/participants", {"type": "past"}),
        "dashboard_webinar": (f"/metrics/webinars/{wuuid}/participants", {"type": "past"}),
        "users": ("/users", {}),
        "groups": ("/groups", {}),
        "summary": (f"/meetings/{uuid}/meeting_summary", {}),
        "survey_report": (f"/report/webinars/{wuuid}/survey", {}),
    }
    return {name: api.get(path, **params).status_code for name, (path, params) in paths.items()}


@pytest.mark.parametrize("form", ["classic", "granular"])
def test_classic_only_and_granular_only_apps_reach_every_operation(
    zoom_simulator_factory, api_factory, form
):
    api = api_factory(zoom_simulator_factory(scope_set=form))
    granted = set(_token(api.sim).json()["scope"].split(" "))
    of_form = {scope for op in OPERATIONS.values() for scope in getattr(op, form)}
    other = {scope for op in OPERATIONS.values() for scope in op.scopes} - of_form
    assert granted == of_form and not granted & other
    assert set(_every_call(api).values()) == {200}
    meeting = api.all_meetings()[0]
    path = f"{api.sim.api_base_url}/past_meetings/{api.encode(meeting['uuid'])}/archive_files"
    assert api.http.delete(path, headers=api.auth).status_code == 204
    file_id = api.all_meetings()[0]["archive_files"][0]["id"]
    patch = api.http.patch(
        f"{api.sim.api_base_url}/archive_files/{file_id}",
        json={"auto_delete": True},
        headers=api.auth,
    )
    assert patch.status_code == 204


@pytest.mark.parametrize(
    ("scope", "allowed"),
    [
        ("dashboard:read:admin", {"dashboard", "dashboard_webinar"}),
        ("dashboard_meetings:read:admin", {"dashboard"}),
        ("dashboard_webinars:read:admin", {"dashboard_webinar"}),
        ("dashboard:read:list_meeting_participants:admin", {"dashboard"}),
        ("dashboard:read:list_webinar_participants:admin", {"dashboard_webinar"}),
    ],
)
def test_dashboard_accepts_each_documented_form(
    zoom_simulator_factory, api_factory, scope, allowed
):
    api = api_factory(
        zoom_simulator_factory(granted_scopes=["archiving:read:list_archived_files:admin", scope])
    )
    statuses = _every_call(api)
    assert {name for name, status in statuses.items() if status == 200} == allowed | {"list"}
    assert set(statuses.values()) == {200, 400}
