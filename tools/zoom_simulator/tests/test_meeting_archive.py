"""Per-meeting GET/DELETE with double-encoded UUIDs, statistics, and PATCH auto_delete."""

from __future__ import annotations

from urllib.parse import quote

import pytest

ARCHIVE_SCOPES = [
    "archiving:read:list_archived_files:admin",
    "archiving:read:archived_files:admin",
    "archiving:delete:archived_files:admin",
    "archiving:read:archived_file_statistics:admin",
    "archiving:update:archived_file_auto_delete_status:admin",
]


@pytest.fixture
def admin(zoom_simulator_factory, api_factory):
    """A client whose token holds every archiving scope."""
    return api_factory(zoom_simulator_factory(granted_scopes=ARCHIVE_SCOPES))


def test_get_by_double_encoded_uuid_returns_the_bare_meeting_object(admin):
    for meeting in admin.all_meetings():
        response = admin.get(f"/past_meetings/{admin.encode(meeting['uuid'])}/archive_files")
        assert response.status_code == 200
        body = response.json()
        assert body["uuid"] == meeting["uuid"]
        assert [f["id"] for f in body["archive_files"]] == [
            f["id"] for f in meeting["archive_files"]
        ]


def test_slash_uuids_encoded_once_are_not_found(admin):
    awkward = [m for m in admin.all_meetings() if m["uuid"].startswith("/") or "//" in m["uuid"]]
    assert len(awkward) >= 2
    for meeting in awkward:
        once = quote(meeting["uuid"], safe="")
        response = admin.get(f"/past_meetings/{once}/archive_files")
        assert (response.status_code, response.json()["code"]) == (404, 3001)


def test_plain_uuid_encoded_once_still_works(admin):
    plain = next(m for m in admin.all_meetings() if "/" not in m["uuid"])
    response = admin.get(f"/past_meetings/{quote(plain['uuid'], safe='')}/archive_files")
    assert response.status_code == 200


def test_delete_removes_the_instance_and_is_inspectable(admin):
    meeting = admin.all_meetings()[0]
    path = f"/past_meetings/{admin.encode(meeting['uuid'])}/archive_files"
    response = admin.http.delete(admin.sim.api_base_url + path, headers=admin.auth)
    assert response.status_code == 204
    assert meeting["uuid"] not in {m["uuid"] for m in admin.all_meetings()}
    assert admin.get(path).status_code == 404
    assert admin.sim.inspect()["deleted"] == [meeting["uuid"]]


def test_delete_needs_its_scope(api):
    meeting = api.all_meetings()[0]
    path = f"/past_meetings/{api.encode(meeting['uuid'])}/archive_files"
    # The integration's default grant includes recording:write, which authorises DELETE.
    assert api.http.delete(api.sim.api_base_url + path, headers=api.auth).status_code == 204


def test_get_per_meeting_needs_a_scope_the_integration_lacks(api):
    meeting = api.all_meetings()[0]
    response = api.get(f"/past_meetings/{api.encode(meeting['uuid'])}/archive_files")
    assert (response.status_code, response.json()["code"]) == (400, 4711)


def test_patch_auto_delete_tags_and_untags(admin):
    file_id = admin.all_meetings()[0]["archive_files"][0]["id"]
    url = f"{admin.sim.api_base_url}/archive_files/{file_id}"
    assert admin.http.patch(url, json={"auto_delete": True}, headers=admin.auth).status_code == 204
    assert admin.sim.inspect()["tagged_for_deletion"] == [file_id]
    tagged = [f for m in admin.all_meetings() for f in m["archive_files"] if f["id"] == file_id]
    assert tagged[0]["auto_delete"] is True
    assert admin.http.patch(url, json={"auto_delete": False}, headers=admin.auth).status_code == 204
    assert admin.sim.inspect()["tagged_for_deletion"] == []


def test_patch_refuses_bad_bodies_and_unknown_files(admin):
    file_id = admin.all_meetings()[0]["archive_files"][0]["id"]
    url = f"{admin.sim.api_base_url}/archive_files/{file_id}"
    for body in ({}, {"auto_delete": "yes"}):
        response = admin.http.patch(url, json=body, headers=admin.auth)
        assert (response.status_code, response.json()["code"]) == (400, 300)
    missing = admin.http.patch(
        f"{admin.sim.api_base_url}/archive_files/nope",
        json={"auto_delete": True},
        headers=admin.auth,
    )
    assert missing.status_code == 404
    assert admin.sim.inspect()["tagged_for_deletion"] == []


def test_statistics_count_files_by_extension_and_status(admin):
    body = admin.get("/archive_files/statistics", **admin.WEEK_1).json()
    meetings = admin.get("/archive_files", page_size=300, **admin.WEEK_1).json()["meetings"]
    files = [f for m in meetings for f in m["archive_files"]]
    assert body["total_records"] == len(meetings)
    by_ext = body["statistic_by_file_extension"]
    assert by_ext["mp4_file_count"] == sum(f["file_extension"] == "MP4" for f in files)
    assert by_ext["vtt_file_count"] == sum(f["file_extension"] == "VTT" for f in files)
    by_status = body["statistic_by_file_status"]
    assert by_status["completed_file_count"] == sum(f["status"] == "completed" for f in files)
    assert by_status["processing_file_count"] == sum(f["status"] == "processing" for f in files)
    too_long = admin.get("/archive_files/statistics", **{"from": "2026-09-01", "to": "2026-10-01"})
    assert too_long.json()["code"] == 300
