"""Zoom's documented refusals: unknown endpoints, external meetings, breakout rooms, dashboards."""

from __future__ import annotations

import pytest

REFUSING = {"refusals": True, "unknown_endpoint_status": 400}


def _lookups(api, meeting: dict) -> dict[str, object]:
    """Every past-meeting, report and dashboard lookup of a meeting: path -> response."""
    uuid = api.encode(meeting["uuid"])
    kind, past = (
        ("webinars", "past_webinars")
        if meeting["type"] in (5, 6, 9)
        else ("meetings", "past_meetings")
    )
    paths = [
        f"/{past}/{uuid}/participants",
        f"/{past}/{uuid}/polls",
        f"/{past}/{uuid}/qa",
        f"/report/{kind}/{uuid}/participants",
        f"/report/{kind}/{uuid}/survey",
        f"/metrics/{kind}/{uuid}/participants?type=past",
    ]
    if past == "past_meetings":
        paths.append(f"/past_meetings/{uuid}")
    out = {}
    for path in paths:
        route, _, query = path.partition("?")
        params = dict([query.split("=")]) if query else {}
        out[path] = api.get(route, **params)
    return out


@pytest.mark.parametrize(
    "path", ["/past_webinars/{uuid}", "/no_such_endpoint", "/archive_files/statistics/more"]
)
def test_unknown_endpoints_answer_400_2300(zoom_simulator_factory, api_factory, path):
    api = api_factory(zoom_simulator_factory(**REFUSING))
    webinar = next(m for m in api.all_meetings() if m["type"] in (5, 6, 9))
    response = api.get(path.format(uuid=api.encode(webinar["uuid"])))
    assert response.status_code == 400
    assert response.json() == {"code": 2300, "message": "This API endpoint is not recognized."}
    outside = api.http.get(api.sim.base_url + "/oauth/tokens", headers=api.auth)  # not the API
    assert outside.status_code == 404
    counts = api.sim.inspect()["request_counts"]
    assert counts["unknown_endpoint"] == 2


def test_unknown_endpoints_answer_404_while_compatible(api):
    response = api.get("/no_such_endpoint")
    assert (response.status_code, response.json()["code"]) == (404, 2300)


def test_external_meetings_refuse_lookups_with_both_documented_codes(
    zoom_simulator_factory, api_factory
):
    api = api_factory(zoom_simulator_factory(meetings=12, **REFUSING))
    meetings = api.all_meetings()
    external = [m for m in meetings if m["meeting_type"] == "external"]
    assert len(external) == 2
    codes = set()
    for meeting in external:
        for path, response in _lookups(api, meeting).items():
            body = response.json()
            assert response.status_code == 400, (path, body)
            assert (body["code"], body["message"]) in {
                (300, "Cannot access meeting information"),
                (1010, "User does not belong to this account"),
            }
            codes.add(body["code"])
    assert codes == {300, 1010}
    internal = next(m for m in meetings if m["meeting_type"] == "internal" and m["type"] == 2)
    assert all(r.status_code == 200 for r in _lookups(api, internal).values())


def test_breakout_rooms_are_unknown_to_lookups_and_show_in_the_parents_report(
    zoom_simulator_factory, api_factory
):
    api = api_factory(zoom_simulator_factory(**REFUSING))
    meetings = {m["uuid"]: m for m in api.all_meetings()}
    room = next(m for m in meetings.values() if m["is_breakout_room"])
    for path, response in _lookups(api, room).items():
        assert (response.status_code, response.json()["code"]) == (404, 3001), path
    parent = api.encode(room["parent_meeting_id"])
    for path, params in (
        (f"/report/meetings/{parent}/participants", {}),
        (f"/metrics/meetings/{parent}/participants", {"type": "past"}),
    ):
        rows = api.get(path, page_size=300, **params).json()["participants"]
        in_room = [p for p in rows if p["bo_mtg_id"] == room["uuid"]]
        assert in_room and len(in_room) < len(rows), path
        assert {p["bo_mtg_id"] for p in rows} == {"", room["uuid"]}


def test_dashboard_type_past_one_is_for_one_person_meetings_only(
    zoom_simulator_factory, api_factory
):
    api = api_factory(zoom_simulator_factory(**REFUSING))
    internal = next(m for m in api.all_meetings() if m["type"] == 2 and not m["is_breakout_room"])
    path = f"/metrics/meetings/{api.encode(internal['uuid'])}/participants"
    assert api.get(path, type="past").status_code == 200
    one = api.get(path, type="pastOne")
    assert (one.status_code, one.json()["code"]) == (404, 3001)
    live = api.get(path)
    assert (live.status_code, live.json()["code"]) == (404, 3001)


def test_compatible_default_serves_external_and_breakout_lookups(api):
    meetings = api.all_meetings()
    for meeting in (
        next(m for m in meetings if m["meeting_type"] == "external"),
        next(m for m in meetings if m["is_breakout_room"]),
    ):
        served = _lookups(api, meeting)
        assert served[next(iter(served))].status_code == 200
