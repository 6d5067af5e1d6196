"""What Zoom documents about refusals and chat attachments (issue 13 items 1-3): a lookup
Zoom refuses is a gap, never a failed unit, and the rest of the meeting is captured; files
shared in the chat are archived as attachments of the unit."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from core.protocols import Receipt
from plugins.zoom_ecomms.enrich import plan
from plugins.zoom_ecomms.models import ArchiveMeeting
from tests.zoom_ecomms.source.conftest import meeting, parts, responses
from tests.zoom_ecomms.source.proxy import Reply, Seen, ZoomProxy

DECK = b"%PDF-1.7 quarterly numbers\n" * 50


def _error(status: int, code: int, message: str) -> Reply:
    body = json.dumps({"code": code, "message": message}).encode()
    return Reply(status, body, {"Content-Type": "application/json"})


@pytest.fixture
def through(zoom_simulator_factory, make_source):
    """``through(rewrite, sim_options, **config)`` -> (source, proxy, simulator)."""
    proxies: list[ZoomProxy] = []

    def make(rewrite, sim_options=None, **overrides):
        sim = zoom_simulator_factory(seed=7, **(sim_options or {}))
        proxy = ZoomProxy(sim.api_base_url.removesuffix("/v2"), rewrite or (lambda _s: None))
        proxies.append(proxy)
        source = make_source(
            sim, api_base_url=f"{proxy.url}/v2", oauth_token_url=f"{proxy.url}/oauth/token",
            **overrides,
        )  # fmt: skip
        return source, proxy, sim

    yield make
    for proxy in proxies:
        proxy.close()


def test_externally_hosted_meetings_keep_media_chat_and_other_lookups(through):
    source, _, sim = through(None, {"refusals": True, "unknown_endpoint_status": 400})
    units = list(source.pull(None))
    assert units and all(u.failure is None for u in units)
    external = next(u for u in units if meeting(u)["meeting_type"] == "external")
    refused = {g.part: g for g in external.gaps}
    for endpoint in ("GET /past_meetings/{uuid}", "GET /report/meetings/{uuid}/participants",
                     "GET /metrics/meetings/{uuid}/participants"):  # fmt: skip
        assert "HTTP 400 code 300: Cannot access meeting information" in refused[endpoint].reason
    assert parts(external) and any(f.meta["file_type"] == "CHAT_MESSAGE" for f in parts(external))
    planned = plan(ArchiveMeeting(**external.meta["meeting"]), source.config)
    answered = {p.meta["endpoint"] for p in parts(external, "response")}
    assert {lk.endpoint for lk in planned} <= answered | set(refused)  # each: a part or a gap
    assert "unrouted" not in sim.inspect()["request_counts"]  # only documented endpoints


def test_unknown_endpoint_anywhere_is_a_final_gap(through):
    def rewrite(seen: Seen) -> Reply | None:
        if seen.path.endswith("/qa"):
            return _error(400, 2300, "This API endpoint is not recognized.")
        return None

    source, _, _ = through(rewrite)
    units = list(source.pull(None))
    assert units and all(u.failure is None for u in units)
    for unit in units:
        gap = next(g for g in unit.gaps if g.part.endswith("/qa"))
        assert gap.reason == "HTTP 400 code 2300: This API endpoint is not recognized."
        assert gap.retry_until is None  # Zoom will not learn the endpoint by tomorrow


def test_one_person_meetings_ask_the_dashboard_with_past_one(through):
    solo: list[str] = []

    def rewrite(seen: Seen) -> Reply | None:
        if not solo and seen.path.startswith("/v2/report/meetings/"):
            solo.append(seen.path.split("/")[4])
        uuid = seen.path.split("/")[4] if seen.path.count("/") >= 5 else ""
        if not solo or uuid != solo[0]:
            return None
        if seen.path.startswith("/v2/report/"):
            return _error(
                400, 300, "Report is only available for meetings with two or more participants."
            )
        if seen.path.startswith("/v2/metrics/") and "type=pastOne" not in seen.query:
            return _error(404, 3001, "Meeting does not exist.")
        return None

    source, proxy, _ = through(rewrite, workers=1)
    units = list(source.pull(None))
    assert solo
    alone = next(u for u in units if u.key == unquote(unquote(solo[0])))
    dashboard = responses(alone, "dashboard_participants")
    assert dashboard and all(p.meta["params"] == {"type": "pastOne"} for p in dashboard)
    assert "GET /metrics/meetings/{uuid}/participants" not in {g.part for g in alone.gaps}
    report = next(g for g in alone.gaps if g.part == "GET /report/meetings/{uuid}/participants")
    assert "two or more participants" in report.reason and alone.failure is None
    assert any("type=pastOne" in s.query for s in proxy.seen)


def _with_attachments(deck_host: str | None = None, fail_first: list[int] | None = None):
    """Add two chat attachments to the first meeting listed; serve their bytes (only with
    the bearer token on Zoom's host), the second from ``deck_host`` when given."""

    def rewrite(seen: Seen) -> Reply | None:
        base = seen.headers.get("Host", "")
        if seen.path == "/v2/archive_files" and b'"meetings":[{' in seen.answer:
            page = json.loads(seen.answer)
            page["meetings"][0]["physical_files"] = [
                {"file_id": "att-1", "file_name": "deck.pdf", "file_size": len(DECK),
                 "download_url": f"http://{base}/rec/archive/attached/download/att-1"},
                {"file_id": "att-2", "file_name": "notes.html", "file_size": 14,
                 "download_url": f"http://{deck_host or base}/rec/archive/attached/download/att-2"},
            ]  # fmt: skip
            return json.dumps(page).encode()
        if seen.path.startswith("/rec/archive/attached/download/"):
            if fail_first is not None and fail_first and seen.path.endswith("att-1"):
                fail_first.pop()
                return _error(503, 503, "try later")
            bearer = "authorization" in {k.lower() for k in seen.headers}
            if seen.path.endswith("att-1"):
                return Reply(200, DECK) if bearer else _error(401, 124, "Invalid access token.")
            return Reply(200, b"<html>hi</html>"[:14])
        return None

    return rewrite


def test_chat_attachments_are_archived_with_their_computed_hash(through):
    source, _, _ = through(_with_attachments(), delete_mode=True)
    units = list(source.pull(None))
    unit = next(u for u in units if parts(u, "attachment"))
    deck, notes = sorted(parts(unit, "attachment"), key=lambda f: f.file_id)
    assert (deck.file_id, deck.name, deck.fingerprint) == ("att-1", "deck.pdf", "computed")
    assert deck.sha256 == hashlib.sha256(DECK).hexdigest() == hashlib.sha256(
        Path(deck.path).read_bytes()).hexdigest()  # fmt: skip
    assert notes.size == 14 and notes.meta["file_name"] == "notes.html"  # an HTML file is fine
    assert unit.meta["attachment_ids"] == ["att-1", "att-2"]
    assert not [g for g in unit.gaps if g.kind == "file" and "attachment" in g.part]


def test_the_token_goes_to_zooms_hosts_only(through):
    source, proxy, _ = through(None)
    # a second host name for the same loopback server: not the API host, so no token
    proxy.rewrite = _with_attachments(deck_host=f"localhost:{proxy.url.rsplit(':', 1)[1]}")
    units = list(source.pull(None))
    unit = next(u for u in units if parts(u, "attachment"))
    assert {f.file_id for f in parts(unit, "attachment")} == {"att-1", "att-2"}
    sent = {s.path: {k.lower() for k in s.headers} for s in proxy.seen if "/attached/" in s.path}
    assert "authorization" in sent["/rec/archive/attached/download/att-1"]
    assert "authorization" not in sent["/rec/archive/attached/download/att-2"]


def test_an_attachment_not_downloaded_is_a_file_gap_that_blocks_delete_mode_only(
    through, stored_receipt
):
    source, _, sim = through(
        _with_attachments(fail_first=[1] * 10), delete_mode=True, auto_delete=True,
        download_attempts=1,
    )  # fmt: skip
    units = list(source.pull(None))
    unit = next(u for u in units if u.meta.get("attachment_ids"))
    gap = next(g for g in unit.gaps if g.part == "attachment att-1 (deck.pdf)")
    assert gap.kind == "file" and gap.retry_until is not None and unit.failure is None
    actions = source.acknowledge(unit, [stored_receipt(unit)])
    assert {a["file_id"] for a in actions if a["action"] == "auto_delete"} == {
        f.file_id for f in parts(unit)
    }
    assert actions[-1]["status"] == "skipped" and "att-1" in actions[-1]["reason"]
    assert unit.key not in sim.inspect()["deleted"]


def test_the_simulators_chat_attachments_are_captured_and_gate_delete_mode(
    zoom_simulator_factory, make_source, stored_receipt
):
    sim = zoom_simulator_factory(seed=7, meetings=8, profiles="realistic", refusals=True)
    source = make_source(sim, delete_mode=True)
    units = list(source.pull(None))
    shared = [u for u in units if meeting(u).get("physical_files")]
    assert shared and all(u.failure is None for u in shared)
    for unit in shared:
        listed = {p["file_id"]: p for p in meeting(unit)["physical_files"]}
        attachments = {f.file_id: f for f in parts(unit, "attachment")}
        assert set(attachments) == set(listed) == set(unit.meta["attachment_ids"])
        for file_id, part in attachments.items():
            assert part.fingerprint == "computed" and part.size == listed[file_id]["file_size"]
            assert part.sha256 == hashlib.sha256(Path(part.path).read_bytes()).hexdigest()
    unit = next(u for u in shared if not [g for g in u.gaps if g.kind == "file"])
    without = [f for f in unit.files if f.role != "attachment"]
    receipt = Receipt(sink="archive", record_ids=[], artifacts=[f.sha256 for f in without])
    held = source.acknowledge(unit, [receipt])[-1]
    assert held["status"] == "skipped" and "chat attachment" in held["reason"]
    assert source.acknowledge(unit, [stored_receipt(unit)])[-1]["status"] == 204
