"""Downloads: Bearer auth, fingerprints, Range, redirects, processing and failed files."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

import httpx


def _completed(api):
    return [f for m in api.all_meetings() for f in m["archive_files"] if f["status"] == "completed"]


def test_every_completed_file_matches_size_and_fingerprint(api):
    files = _completed(api)
    assert {f["file_type"] for f in files} >= {
        "MP4",
        "M4A",
        "CHAT",
        "CHAT_MESSAGE",
        "CC",
        "TRANSCRIPT",
    }
    for f in files:
        response = api.download(f)
        assert response.status_code == 200
        assert len(response.content) == f["file_size"]
        assert hashlib.sha256(response.content).hexdigest() == f["encryption_fingerprint"]


def test_content_types_follow_the_extension(api):
    kinds = {f["file_extension"]: api.download(f).headers["content-type"] for f in _completed(api)}
    assert kinds["MP4"] == "video/mp4"
    assert kinds["M4A"] == "audio/mp4"
    assert kinds["VTT"].startswith("text/vtt")
    assert kinds["JSON"] == "application/json"
    assert kinds["TXT"].startswith("text/plain")


def test_download_needs_the_bearer_token(api):
    f = _completed(api)[0]
    bare = httpx.get(f["download_url"])
    assert (bare.status_code, bare.json()["code"]) == (401, 124)
    assert httpx.get(f["download_url"], params={"access_token": api.token}).status_code == 401


def test_range_requests_resume_a_download(api):
    f = max(_completed(api), key=lambda item: item["file_size"])
    whole = api.download(f).content
    head = api.download(f, Range="bytes=0-99999")
    tail = api.download(f, Range="bytes=100000-")
    assert (head.status_code, tail.status_code) == (206, 206)
    assert tail.headers["content-range"] == f"bytes 100000-{f['file_size'] - 1}/{f['file_size']}"
    assert head.content + tail.content == whole
    beyond = api.download(f, Range=f"bytes={f['file_size']}-")
    assert beyond.status_code == 416


def test_redirect_hop_to_a_signed_url(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(download_redirect=True))
    f = _completed(api)[0]
    hop = api.download(f)
    assert hop.status_code == 302
    target = hop.headers["location"]
    assert "/rec/archive/file/" in target and "signature=" in target
    followed = api.http.get(f["download_url"], headers=api.auth, follow_redirects=True)
    assert hashlib.sha256(followed.content).hexdigest() == f["encryption_fingerprint"]
    tampered = httpx.get(target.replace("signature=", "signature=0"))
    assert tampered.status_code == 403


def test_failed_files_have_no_bytes(api):
    failed = [f for m in api.all_meetings() for f in m["archive_files"] if f["status"] == "failed"]
    assert failed
    for f in failed:
        assert (f["file_size"], f["encryption_fingerprint"]) == (0, "")
        assert api.download(f).status_code == 404


def test_processing_archives_complete_on_request(api):
    pending = [m for m in api.all_meetings() if m["status"] == "processing"]
    assert pending
    assert api.download(pending[0]["archive_files"][0]).status_code == 404
    done = httpx.post(api.sim.base_url + "/_sim/complete").json()["completed"]
    assert done == [m["uuid"] for m in pending]
    after = {m["uuid"]: m for m in api.all_meetings()}[done[0]]
    assert after["status"] == "completed" and after["complete_time"]
    statuses = [f["status"] for f in after["archive_files"]]
    assert "processing" not in statuses and "failed" in statuses
    listed = api.get(
        "/archive_files",
        query_date_type="archive_complete_time",
        **{"from": after["complete_time"], "to": after["complete_time"]},
    ).json()["meetings"]
    assert done[0] in [m["uuid"] for m in listed]
    good = next(f for f in after["archive_files"] if f["status"] == "completed")
    assert hashlib.sha256(api.download(good).content).hexdigest() == good["encryption_fingerprint"]


def test_big_media_is_streamed_with_the_announced_fingerprint(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(meetings=1, media_size=5 * 2**20 + 123))
    mp4 = next(f for f in _completed(api) if f["file_type"] == "MP4")
    assert mp4["file_size"] == 5 * 2**20 + 123
    digest = hashlib.sha256()
    with api.http.stream("GET", mp4["download_url"], headers=api.auth) as response:
        for chunk in response.iter_bytes():
            digest.update(chunk)
    assert digest.hexdigest() == mp4["encryption_fingerprint"]


def test_parallel_downloads_and_listings_are_served_correctly(api):
    files = _completed(api)

    def fetch(f):
        with httpx.Client(timeout=30) as client:
            body = client.get(f["download_url"], headers=api.auth).content
            listed = client.get(
                api.sim.api_base_url + "/archive_files", params=api.WEEK_1, headers=api.auth
            )
        return hashlib.sha256(body).hexdigest() == f["encryption_fingerprint"], listed.status_code

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(fetch, files))
    assert results == [(True, 200)] * len(files)
    assert sum(api.sim.inspect()["downloads"].values()) >= len(files)
