"""The realistic account: one-person meetings, a second external meeting, chat attachments
(``physical_files``), TXT chat in several layouts; small media for big accounts."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

REALISTIC = {"profiles": "realistic", "txt_layout": "mix", "meetings": 8}
LAYOUTS = {
    "one_line": re.compile(r"^\d\d:\d\d:\d\d From \S.* to \S.*: .+$"),
    "two_spaces": re.compile(r"^\d\d:\d\d:\d\d From  \S.*  to  \S.*: .+$"),
    "next_line": re.compile(r"^\d\d:\d\d:\d\d From  \S.*  To  \S.*:$"),
}
STRAY = "--- messages sent before you joined are not shown ---"


def _txt_files(api) -> list[tuple[dict, str]]:
    return [
        (f, api.download(f).text)
        for m in api.all_meetings()
        for f in m["archive_files"]
        if f["file_type"] == "CHAT" and f["status"] == "completed"
    ]


def _layout(text: str) -> str:
    first = text.splitlines()[0]
    return next(name for name, pattern in LAYOUTS.items() if pattern.match(first))


def test_one_person_meetings_have_no_report_and_need_past_one(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(refusals=True, **REALISTIC))
    solo = [m for m in api.all_meetings() if m.get("id") and not m["is_breakout_room"]]
    solo = [
        m
        for m in solo
        if api.get(f"/past_meetings/{api.encode(m['uuid'])}").json().get("participants_count") == 1
    ]
    assert len(solo) == 1
    uuid = api.encode(solo[0]["uuid"])
    assert api.get(f"/past_meetings/{uuid}/participants").json()["participants"] == []
    report = api.get(f"/report/meetings/{uuid}/participants")
    assert (report.status_code, report.json()["code"]) == (400, 300)
    path = f"/metrics/meetings/{uuid}/participants"
    past = api.get(path, type="past")
    assert (past.status_code, past.json()["code"]) == (404, 3001)
    one = api.get(path, type="pastOne").json()["participants"]
    assert [p["role"] for p in one] == ["host"]


def test_two_external_meetings_refuse_with_each_code(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(refusals=True, **REALISTIC))
    external = [m for m in api.all_meetings() if m["meeting_type"] == "external"]
    codes = {
        api.get(f"/report/meetings/{api.encode(m['uuid'])}/participants").json()["code"]
        for m in external
    }
    assert codes == {300, 1010}


def test_chat_attachments_are_physical_files_the_json_chat_refers_to(
    zoom_simulator_factory, api_factory
):
    api = api_factory(zoom_simulator_factory(**REALISTIC))
    meetings = api.all_meetings()
    most = max(meetings, key=lambda m: len(m.get("physical_files", [])))
    assert len(most["physical_files"]) == 3
    for meeting in meetings:
        physical = {p["file_id"]: p for p in meeting.get("physical_files", [])}
        for p in physical.values():
            assert set(p) == {"file_id", "file_name", "file_size", "download_url"}
            assert "/rec/archive/attached/download/" in p["download_url"]
            body = api.http.get(p["download_url"], headers=api.auth)
            assert body.status_code == 200 and len(body.content) == p["file_size"]
            assert httpx.get(p["download_url"]).status_code == 401
        chat = next((f for f in meeting["archive_files"] if f["file_type"] == "CHAT_MESSAGE"), None)
        if chat is None or chat["status"] != "completed":
            continue
        shared = [x for msg in api.download(chat).json()["messages"] for x in msg.get("files", [])]
        assert shared and {x["fileId"] for x in shared} == set(physical)
        for x in shared:
            assert (x["fileName"], x["fileSize"]) == (
                physical[x["fileId"]]["file_name"],
                physical[x["fileId"]]["file_size"],
            )
    inspected = api.sim.inspect()
    ids = [p["file_id"] for m in meetings for p in m.get("physical_files", [])]
    assert {i: inspected["downloads"][i] for i in ids} == dict.fromkeys(ids, 1)
    assert inspected["request_counts"]["attachment"] == 2 * len(ids)  # with and without a token


def test_txt_chat_in_every_layout_with_markers_and_one_stray_line(
    zoom_simulator_factory, api_factory
):
    api = api_factory(zoom_simulator_factory(**REALISTIC))
    files = _txt_files(api)
    assert {_layout(text) for _, text in files} == set(LAYOUTS)
    joined = "\n".join(text for _, text in files)
    for marker in (
        "(privately):",
        "(Privately):",
        "(Direct Message):",
        'Replying to "',
        'Reacted to "',
    ):
        assert marker in joined, marker
    for f, text in files:
        lines = text.rstrip("\n").split("\n")
        assert lines.count(STRAY) == 1
        heads = [ln for ln in lines if re.match(r"^\d\d:\d\d:\d\d From ", ln)]
        assert f["number_of_messages"] == len(heads)
        if _layout(text) == "next_line":
            body = [ln for ln in lines if ln not in heads and ln != STRAY]
            assert body and all(ln.startswith("\t") for ln in body)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_one_layout_for_every_txt_file(zoom_simulator_factory, api_factory, layout):
    api = api_factory(zoom_simulator_factory(meetings=6, txt_layout=layout))
    assert {_layout(text) for _, text in _txt_files(api)} == {layout}


def test_the_json_chat_of_a_one_person_meeting_has_only_its_host(
    zoom_simulator_factory, api_factory
):
    api = api_factory(zoom_simulator_factory(**REALISTIC))
    for meeting in api.all_meetings():
        chat = next((f for f in meeting["archive_files"] if f["file_type"] == "CHAT_MESSAGE"), None)
        if chat is None or chat["status"] != "completed":
            continue
        senders = {msg["s_name"] for msg in api.download(chat).json()["messages"]}
        if len(senders) == 1:
            name = base64.b64decode(senders.pop()).decode()
            host = api.get(f"/users/{meeting['host_id']}").json()["display_name"]
            assert name == host
            return
    raise AssertionError("no one-person meeting chat")


def test_small_media_keeps_hundreds_of_meetings_light(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(meetings=300, small_media=True, plan="unlimited"))
    meetings = api.all_meetings()
    assert len([m for m in meetings if not m["is_breakout_room"]]) == 300
    media = [f for m in meetings for f in m["archive_files"] if f["file_type"] in ("MP4", "M4A")]
    assert media and max(f["file_size"] for f in media) <= 8192
    assert len({f["id"] for f in media}) == len(media)
