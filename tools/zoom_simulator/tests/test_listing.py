"""GET /archive_files: windows, paging, page tokens, clamping, date types, groups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_window_longer_than_seven_days_is_refused(api):
    response = api.get(
        "/archive_files", **{"from": "2026-10-01T00:00:00Z", "to": "2026-10-08T00:00:01Z"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == 300


def test_page_size_above_300_is_refused(api):
    response = api.get("/archive_files", page_size=301, **api.WEEK_1)
    assert (response.status_code, response.json()["code"]) == (400, 300)


def test_envelope_and_rate_headers(api):
    response = api.get("/archive_files", **api.WEEK_1)
    body = response.json()
    assert set(body) == {"from", "to", "page_size", "total_records", "next_page_token", "meetings"}
    assert (body["from"], body["to"], body["page_size"]) == (
        api.WEEK_1["from"],
        api.WEEK_1["to"],
        30,
    )
    assert response.headers["X-RateLimit-Category"] == "Medium"
    assert response.headers["x-zm-trackingid"]


def test_paging_walks_every_meeting_once(api):
    everything = {m["uuid"] for m in api.all_meetings()}
    seen: list[str] = []
    for week in (api.WEEK_1, api.WEEK_2):
        params = {**week, "page_size": 2}
        while True:
            body = api.get("/archive_files", **params).json()
            seen += [m["uuid"] for m in body["meetings"]]
            if not body["next_page_token"]:
                break
            params["next_page_token"] = body["next_page_token"]
    assert sorted(seen) == sorted(everything)
    assert len(everything) == 7  # 6 meetings + 1 breakout room


def test_page_token_is_bound_to_the_first_requests_parameters(api):
    first = api.get("/archive_files", page_size=1, **api.WEEK_1).json()
    token = first["next_page_token"]
    changed = api.get("/archive_files", page_size=2, next_page_token=token, **api.WEEK_1)
    assert (changed.status_code, changed.json()["code"]) == (400, 300)
    other_type = api.get(
        "/archive_files",
        page_size=1,
        next_page_token=token,
        query_date_type="archive_complete_time",
        **api.WEEK_1,
    )
    assert other_type.status_code == 400
    same = api.get("/archive_files", page_size=1, next_page_token=token, **api.WEEK_1)
    assert same.status_code == 200
    assert same.json()["meetings"][0]["uuid"] != first["meetings"][0]["uuid"]


def test_unknown_page_token_is_refused(api):
    response = api.get("/archive_files", next_page_token="bogus", **api.WEEK_1)
    assert response.json() == {"code": 300, "message": "The next page token is invalid or expired."}


def test_future_to_is_clamped_echoed_and_must_be_resent(zoom_simulator_factory, api_factory):
    # An account whose fortnight of archives ends now, so a window ending later holds some.
    sim = zoom_simulator_factory(meetings=30, base_date=_iso(datetime.now(UTC)))
    api = api_factory(sim)
    asked_to = _iso(datetime.now(UTC) + timedelta(days=2))
    params = {"from": _iso(datetime.now(UTC) - timedelta(days=5)), "to": asked_to, "page_size": 1}
    body = api.get("/archive_files", **params).json()
    assert body["to"] <= _iso(datetime.now(UTC)) < asked_to
    assert body["total_records"] > 1 and body["next_page_token"]
    params["next_page_token"] = body["next_page_token"]
    stale = api.get("/archive_files", **params)
    assert (stale.status_code, stale.json()["code"]) == (400, 300)
    params["to"] = body["to"]
    follow = api.get("/archive_files", **params)
    assert follow.status_code == 200
    assert follow.json()["meetings"][0]["uuid"] != body["meetings"][0]["uuid"]


def test_omitted_window_defaults_to_the_last_day(api):
    body = api.get("/archive_files").json()
    start = datetime.fromisoformat(body["from"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(body["to"].replace("Z", "+00:00"))
    assert end - start == timedelta(days=1)


def test_processing_archives_only_listed_by_start_time(api):
    by_start = api.all_meetings()
    by_complete = api.all_meetings(query_date_type="archive_complete_time")
    processing = [m for m in by_start if m["status"] == "processing"]
    assert processing and processing[0]["complete_time"] == ""
    assert all(f["status"] == "processing" for f in processing[0]["archive_files"])
    assert processing[0]["uuid"] not in {m["uuid"] for m in by_complete}
    assert len(by_complete) == len(by_start) - len(processing)


def test_archive_complete_time_filters_on_completion(api):
    meetings = api.all_meetings(query_date_type="archive_complete_time")
    for meeting in meetings:
        assert meeting["complete_time"] >= meeting["start_time"]
    late = max(meetings, key=lambda m: m["complete_time"])
    window = {"from": late["complete_time"], "to": late["complete_time"]}
    body = api.get("/archive_files", query_date_type="archive_complete_time", **window).json()
    assert late["uuid"] in [m["uuid"] for m in body["meetings"]]


def test_group_ids_filter_meetings_by_group(api):
    groups = api.get("/groups").json()["groups"]
    everything = api.all_meetings()
    for group in groups:
        subset = api.all_meetings(group_ids=group["id"])
        assert {m["uuid"] for m in subset} == {
            m["uuid"] for m in everything if m["group_id"] == group["id"]
        }
    two = ",".join(g["id"] for g in groups[:2])
    assert len(api.all_meetings(group_ids=two)) == len(
        [m for m in everything if m["group_id"] in {g["id"] for g in groups[:2]}]
    )


def test_group_ids_limits(api):
    eight = ",".join(["x"] * 8)
    assert api.get("/archive_files", group_ids=eight, **api.WEEK_1).json()["code"] == 300
    unknown = api.get("/archive_files", group_ids="nope", **api.WEEK_1)
    assert (unknown.status_code, unknown.json()["code"]) == (404, 4130)


def test_external_meetings_lack_id_host_and_topic(api):
    meetings = api.all_meetings()
    external = [m for m in meetings if m["meeting_type"] == "external"]
    internal = [m for m in meetings if m["meeting_type"] == "internal"]
    assert external and internal
    for meeting in external:
        assert not {"id", "host_id", "topic"} & set(meeting)
    for meeting in internal:
        assert {"id", "host_id", "topic"} <= set(meeting)


def test_breakout_rooms_are_separate_meeting_objects(api):
    meetings = {m["uuid"]: m for m in api.all_meetings()}
    rooms = [m for m in meetings.values() if m["is_breakout_room"]]
    assert rooms
    for room in rooms:
        assert room["type"] == 100
        assert room["parent_meeting_id"] in meetings
    assert all("parent_meeting_id" not in m for m in meetings.values() if not m["is_breakout_room"])


def test_webinars_and_awkward_uuids_exist(api):
    meetings = api.all_meetings()
    assert any(m["type"] in (5, 6, 9) for m in meetings)
    assert any(m["uuid"].startswith("/") for m in meetings)
    assert any("//" in m["uuid"] for m in meetings)


def test_file_objects_have_the_documented_fields(api):
    for meeting in api.all_meetings():
        assert meeting["recording_count"] == len(meeting["archive_files"])
        assert meeting["total_size"] == sum(f["file_size"] for f in meeting["archive_files"])
        for f in meeting["archive_files"]:
            assert f["file_extension"] == f["file_extension"].upper()
            assert f["status"] in ("completed", "processing", "failed")
            if f["status"] != "failed":
                assert len(f["encryption_fingerprint"]) == 64
            assert ("participant_email" in f) == f["individual"]


def test_same_seed_same_account_other_seed_other_account(zoom_simulator_factory, api_factory):
    def listing(seed: int) -> list[dict]:
        api = api_factory(zoom_simulator_factory(seed=seed, meetings=4))
        body = api.get("/archive_files", **api.WEEK_1).json()
        for meeting in body["meetings"]:
            for f in meeting["archive_files"] + meeting.get("physical_files", []):
                f.pop("download_url")  # names the simulator's port
        return body["meetings"]

    assert listing(3) == listing(3)
    assert listing(3) != listing(4)


def test_master_account_variant(zoom_simulator_factory, api_factory):
    sim = zoom_simulator_factory(granted_scopes=["archiving:read:list_archived_files:master"])
    api = api_factory(sim)
    good = api.get(f"/accounts/{sim.account_id}/archive_files", **api.WEEK_1)
    assert good.status_code == 200 and good.json()["meetings"]
    bad = api.get("/accounts/other/archive_files", **api.WEEK_1)
    assert (bad.status_code, bad.json()["code"]) == (400, 2001)


def test_malformed_input_gets_zoom_errors(api):
    bad_date = api.get("/archive_files", **{"from": "yesterday", "to": "2026-10-08T00:00:00Z"})
    assert (bad_date.status_code, bad_date.json()["code"]) == (400, 300)
    assert "from" in bad_date.json()["message"]
    reversed_window = api.get("/archive_files", **{"from": "2026-10-08", "to": "2026-10-01"})
    assert reversed_window.json()["code"] == 300
    unknown = api.get("/no_such_endpoint")
    assert (unknown.status_code, unknown.json()["code"]) == (404, 2300)
    url = f"{api.sim.api_base_url}/archive_files/whatever"
    garbage = api.http.patch(url, content=b"{not json", headers=api.auth)
    assert (garbage.status_code, garbage.json()["code"]) == (400, 300)


def test_group_id_lists_the_participants_groups_and_the_filter_matches_any(
    zoom_simulator_factory, api_factory
):
    api = api_factory(zoom_simulator_factory(meetings=8, profiles="realistic"))
    meetings = api.all_meetings()
    listed = {m["uuid"]: m["group_id"].split(",") for m in meetings}
    assert any(len(groups) > 1 for groups in listed.values())
    for group in api.get("/groups").json()["groups"]:
        subset = {m["uuid"] for m in api.all_meetings(group_ids=group["id"])}
        assert subset == {uuid for uuid, groups in listed.items() if group["id"] in groups}
