"""Hostile and poison fault switches, proven with plain httpx."""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib

import httpx
import pytest


def _entries(text: str) -> list[str]:
    """The raw entries of the listing's ``meetings`` array, without a recursive decoder
    (no standard JSON decoder takes the 10,000-level entry)."""
    start = text.index('"meetings":') + len('"meetings":')
    start = text.index("[", start) + 1
    entries, depth, quoted, escaped, begin = [], 0, False, False, start
    for index in range(start, len(text)):
        char = text[index]
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == '"':
            quoted = True
        elif char in "[{":
            depth += 1
        elif char in "]}" and depth:
            depth -= 1
        elif depth == 0 and char in ",]":
            entries.append(text[begin:index].strip())
            begin = index + 1
            if char == "]":
                return entries
    raise AssertionError("unterminated meetings array")


def _field(entry: str, name: str) -> str | None:
    """A string field of a shallow entry, as the escaped JSON text Zoom sent."""
    marker = f'"{name}": "'
    if marker not in entry:
        return None
    rest = entry.split(marker, 1)[1]
    out, escaped = [], False
    for char in rest:
        if char == '"' and not escaped:
            return "".join(out)
        escaped = char == "\\" and not escaped
        out.append(char)
    return None


def test_poison_listing_holds_every_kind_of_malformed_meeting(api):
    clean = api.get("/archive_files", page_size=300, **api.WEEK_1).json()
    api.sim.set_faults(["poison_listing"])
    response = api.get("/archive_files", page_size=300, **api.WEEK_1)
    assert response.status_code == 200
    text = response.text
    entries = _entries(text)
    assert len(entries) == len(clean["meetings"]) + 9
    assert json.loads(text.split('"total_records":', 1)[1].split(",", 1)[0]) == len(entries)
    uuids = [_field(e, "uuid") for e in entries if e.startswith("{")]
    assert "poison\\ud800surrogate==" in uuids and "." in uuids and ".." in uuids
    assert "poison\\u0000\\u001b[31m\\nctl==" in uuids
    assert None in uuids  # a meeting without uuid
    assert {'"this is not a meeting"', "42"} <= set(entries)
    deep = next(e for e in entries if '"x_unknown"' in e)
    assert "[" * 10_000 + "]" * 10_000 in deep
    with pytest.raises(RecursionError):
        json.loads(deep)
    topics = [_field(e, "topic") for e in entries if e.startswith("{")]
    assert "Q4 \\udc00 review" in topics and "Weekly\\u0007\\b review\\r\\n" in topics


def test_poison_files_are_real_and_the_colliding_ids_distinct(api):
    api.sim.set_faults(["poison_listing"])
    entries = _entries(api.get("/archive_files", page_size=300, **api.WEEK_1).text)
    colliding = next(e for e in entries if "poisonCollidingIds" in e)
    files = json.loads(colliding)["archive_files"]
    assert [f["id"] for f in files] == ["poison-file/1", "poison-file_1", "POISON-FILE_1"]
    digests = set()
    for f in files:
        body = api.download(f)
        assert body.status_code == 200 and len(body.content) == f["file_size"]
        assert hashlib.sha256(body.content).hexdigest() == f["encryption_fingerprint"]
        digests.add(f["encryption_fingerprint"])
    assert len(digests) == 3
    dot = json.loads(next(e for e in entries if '"uuid": "."' in e))
    assert api.download(dot["archive_files"][0]).status_code == 200
    archive = api.get(f"/past_meetings/{api.encode('.')}/archive_files")
    assert archive.status_code in (400, 404)


def test_gzip_bomb_inflates_far_beyond_what_is_sent(api):
    api.sim.set_faults(["gzip_bomb"])
    url = api.sim.api_base_url + "/archive_files"
    with api.http.stream("GET", url, params=api.WEEK_1, headers=api.auth) as response:
        assert response.headers["content-encoding"] == "gzip"
        sent = int(response.headers["content-length"])
        assert 4 << 20 < sent < 5 << 20  # about 4.3 MB for 4 GiB
        inflate = zlib.decompressobj(31)
        taken = inflated = 0
        first = b""
        for chunk in response.iter_raw():
            out = inflate.decompress(chunk)
            first = first or out
            taken += len(chunk)
            inflated += len(out)
            if taken > 256 << 10:
                break
    assert first.startswith(b'{"from":"2026-10-01T00:00:00Z"')
    assert inflated > 200 * taken


def test_a_small_bomb_is_valid_gzip_of_valid_json(api):
    api.sim.set_faults(["gzip_bomb:0.01"])
    url = api.sim.api_base_url + "/archive_files"
    raw = api.http.get(url, params=api.WEEK_1, headers={**api.auth}).content  # httpx inflates
    assert len(raw) >= 10 << 20
    body = json.loads(raw)
    assert body["meetings"] == [] and body["total_records"] > 0
    with api.http.stream("GET", url, params=api.WEEK_1, headers=api.auth) as response:
        packed = b"".join(response.iter_raw())
    assert gzip.decompress(packed) == raw


def test_a_trickling_listing_sends_whitespace_a_byte_at_a_time_forever(api):
    api.sim.set_faults(["trickle_listing:4"])
    url = api.sim.api_base_url + "/archive_files"
    with api.http.stream("GET", url, params=api.WEEK_1, headers=api.auth) as response:
        assert response.status_code == 200
        assert response.headers["transfer-encoding"] == "chunked"
        pieces = response.iter_raw()
        received = b"".join(next(pieces) for _ in range(6))
    assert 6 <= len(received) < 64
    assert received.strip() == b""  # whitespace: valid JSON so far, and never more
    assert api.sim.inspect()["request_counts"]["list_archive_files"] == 1


def test_trickled_download_is_the_files_first_bytes(api):
    mp4 = next(f for m in api.all_meetings() for f in m["archive_files"] if f["file_type"] == "MP4")
    whole = api.download(mp4).content
    api.sim.set_faults(["trickle_download:8"])
    with api.http.stream("GET", mp4["download_url"], headers=api.auth) as response:
        assert int(response.headers["content-length"]) == mp4["file_size"]
        pieces = response.iter_raw()
        received = b"".join(next(pieces) for _ in range(4))
    assert received and whole.startswith(received) and len(received) < 256


def test_endless_pages_never_end(api):
    internal = next(m for m in api.all_meetings() if m["type"] == 2)
    api.sim.set_faults(["endless_pages"])
    for path, params in (
        ("/archive_files", {**api.WEEK_1, "page_size": 300}),
        (f"/past_meetings/{api.encode(internal['uuid'])}/participants", {"page_size": 300}),
    ):
        seen = 0
        for _ in range(25):
            body = api.get(path, **params).json()
            seen += len(body.get("meetings", body.get("participants", [])))
            assert body["next_page_token"], path
            params["next_page_token"] = body["next_page_token"]
        assert seen == body["total_records"]


def test_an_error_body_echoes_the_bearer_token(api):
    api.sim.set_faults(["echo_token:2"])
    for _ in range(2):
        echoed = api.get("/users")
        assert echoed.status_code == 400 and api.token in echoed.json()["message"]
    assert api.get("/users").status_code == 200


def test_token_revocation_mid_run_then_a_fresh_token_works(api):
    api.sim.set_faults(["revoke_tokens:2"])
    assert [api.get("/users").status_code for _ in range(2)] == [200, 200]
    for _ in range(3):
        revoked = api.get("/users")
        assert revoked.status_code == 401
        assert revoked.json() == {"code": 124, "message": "Invalid access token."}
    mp4 = next(f for f in api.sim.state.meetings()[0].files if f.file_type == "MP4")
    url = f"{api.sim.base_url}/rec/archive/download/{mp4.id}"
    assert api.http.get(url, headers=api.auth).status_code == 401
    api.token = api.mint()
    assert api.get("/users").status_code == 200
    assert api.http.get(url, headers=api.auth).status_code == 200


def test_token_revocation_where_minting_fails(zoom_simulator_factory):
    sim = zoom_simulator_factory(faults=["revoke_tokens_no_remint"])
    auth = (sim.client_id, sim.client_secret)
    data = {"grant_type": "account_credentials", "account_id": sim.account_id}
    token = httpx.post(sim.oauth_token_url, data=data, auth=auth).json()["access_token"]
    call = httpx.get(sim.api_base_url + "/users", headers={"Authorization": f"Bearer {token}"})
    assert (call.status_code, call.json()["code"]) == (401, 124)
    again = httpx.post(sim.oauth_token_url, data=data, auth=auth)
    assert again.status_code == 400 and again.json()["error"] == "invalid_client"


def test_inspection_counts_requests_and_downloads_since_a_mark(api):
    meetings = api.all_meetings()
    mark = api.sim.inspect()["seq"]
    api.get("/archive_files", **api.WEEK_1)
    f = meetings[0]["archive_files"][0]
    api.download(f)
    api.download(f)
    later = httpx.get(api.sim.base_url + "/_sim/inspect", params={"since": mark}).json()
    assert later["request_counts"] == {"list_archive_files": 1, "download": 2}
    assert later["downloads"] == {f["id"]: 2}
    assert [r["operation"] for r in later["requests"]] == [
        "list_archive_files",
        "download",
        "download",
    ]
    quiet = api.sim.inspect(since=api.sim.inspect()["seq"])
    assert quiet["request_counts"] == {} and quiet["downloads"] == {}
    everything = api.sim.inspect()
    assert everything["request_counts"]["list_archive_files"] >= 3
    assert everything["downloads"][f["id"]] >= 2


def test_inspection_lists_deleted_files(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(scope_set="granular"))
    meeting = api.all_meetings()[0]
    path = f"{api.sim.api_base_url}/past_meetings/{api.encode(meeting['uuid'])}/archive_files"
    assert api.http.delete(path, headers=api.auth).status_code == 204
    inspected = api.sim.inspect()
    expected = [f["id"] for f in meeting["archive_files"]]
    expected += [p["file_id"] for p in meeting.get("physical_files", [])]
    assert inspected["deleted"] == [meeting["uuid"]]
    assert sorted(inspected["deleted_files"]) == sorted(expected)
