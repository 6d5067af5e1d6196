"""``refill``: a committed unit's retryable gaps are fetched again — only what they name,
spaced out, within the window set at the first capture (issue 12, optional enrichment)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from core.protocols import Unit
from tests.zoom_ecomms.source.conftest import parts, responses
from tests.zoom_ecomms.source.proxy import Reply, Seen, ZoomProxy
from tests.zoom_ecomms.source.test_fidelity import _with_attachments

QA = "GET /past_meetings/{uuid}/qa"


def from_archive(unit: Unit, captured_minutes_ago: float = 16) -> Unit:
    """The unit as the core rebuilds it from the archive on a later pass: every part a
    reference, captured that long ago (its gaps' windows end that much sooner)."""
    files = [msgspec.structs.replace(f, path="") for f in unit.files]
    earlier = timedelta(minutes=captured_minutes_ago)
    gaps = [
        g
        if g.retry_until is None
        else msgspec.structs.replace(g, retry_until=g.retry_until - earlier)
        for g in unit.gaps
    ]
    return msgspec.json.decode(
        msgspec.json.encode(msgspec.structs.replace(unit, files=files, gaps=gaps)), type=Unit
    )


class Switch:
    """Refuses ``/qa`` with 503 while ``on``; later answers pass through."""

    def __init__(self) -> None:
        self.on = True

    def __call__(self, seen: Seen) -> Reply | None:
        if self.on and seen.path.endswith("/qa"):
            return Reply(
                503, b'{"code": 503, "message": "busy"}', {"Content-Type": "application/json"}
            )
        return None


@pytest.fixture
def flaky(zoom_simulator, make_source):
    switch = Switch()
    proxy = ZoomProxy(zoom_simulator.api_base_url.removesuffix("/v2"), switch)
    source = make_source(
        zoom_simulator, api_base_url=f"{proxy.url}/v2", oauth_token_url=f"{proxy.url}/oauth/token",
        max_attempts=1,
    )  # fmt: skip
    yield source, switch, proxy
    proxy.close()


def test_a_failed_lookup_is_filled_by_a_later_refill(flaky):
    source, switch, proxy = flaky
    unit = next(u for u in source.pull(None) if u.meta["meeting"]["meeting_type"] == "internal")
    gap = next(g for g in unit.gaps if g.part == QA)
    assert "HTTP 503" in gap.reason and gap.retry_until is not None
    switch.on = False
    archived = from_archive(unit)
    before = len(proxy.seen)
    filled = source.refill(archived)
    asked = [s.path for s in proxy.seen[before:]]
    assert len(asked) == 1 and asked[0].endswith("/qa")  # only what the gap names
    assert QA not in {g.part for g in filled.gaps}
    qa = responses(filled, "qa")
    assert (
        len(qa) == 1
        and qa[0].path
        and json.loads(Path(qa[0].path).read_bytes())["questions"] is not None
    )
    assert {f.file_id for f in filled.files} == {f.file_id for f in unit.files} | {qa[0].file_id}
    assert all(f.path == "" for f in filled.files if f is not qa[0])  # nothing fetched again
    assert filled.version == unit.version  # the listing state is unchanged
    assert filled.meta["gap_retries"][QA]["attempts"] == 1


def test_the_pass_right_after_a_capture_asks_nothing_again(flaky):
    """The first retry comes ``gap_retry_after_minutes`` (15) after the capture, so a re-poll of
    an unchanged account costs listing calls only (issue 14 item 3)."""
    source, switch, proxy = flaky
    unit = next(u for u in source.pull(None) if any(g.part == QA for g in u.gaps))
    switch.on = False
    before = len(proxy.seen)
    archived = from_archive(unit, captured_minutes_ago=1)
    assert source.refill(archived) is archived
    assert len(proxy.seen) == before


def test_a_gap_that_fails_again_keeps_its_window_and_waits_its_turn(flaky):
    source, _, proxy = flaky
    unit = next(u for u in source.pull(None) if any(g.part == QA for g in u.gaps))
    archived = from_archive(unit)
    window = next(g for g in archived.gaps if g.part == QA).retry_until
    again = source.refill(archived)
    assert next(g for g in again.gaps if g.part == QA).retry_until == window
    before = len(proxy.seen)
    assert source.refill(again) is again  # spaced out: not due yet, nothing asked
    assert len(proxy.seen) == before


def test_final_gaps_are_never_retried(zoom_simulator, make_source):
    source = make_source(zoom_simulator)
    unit = next(u for u in source.pull(None) if any(g.kind == "file" for g in u.gaps))
    only_final = msgspec.structs.replace(unit, gaps=[g for g in unit.gaps if g.retry_until is None])
    assert only_final.gaps and source.refill(only_final) is only_final


def test_an_attachment_gap_is_downloaded_again_from_a_fresh_listing(
    zoom_simulator, make_source, stored_receipt
):
    failures = [1]
    proxy = ZoomProxy(
        zoom_simulator.api_base_url.removesuffix("/v2"), _with_attachments(fail_first=failures)
    )
    try:
        source = make_source(
            zoom_simulator,
            api_base_url=f"{proxy.url}/v2",
            oauth_token_url=f"{proxy.url}/oauth/token",
            download_attempts=1,
            delete_mode=True,
        )
        unit = next(u for u in source.pull(None) if u.meta.get("attachment_ids"))
        assert any(g.part == "attachment att-1 (deck.pdf)" for g in unit.gaps)
        filled = source.refill(from_archive(unit))
        assert "att-1" in {f.file_id for f in parts(filled, "attachment")}
        assert not [g for g in filled.gaps if g.part.startswith("attachment ")]
        assert not [g for g in filled.gaps if g.kind == "file"]
        # with every listed file and attachment committed, delete mode may now run
        assert source.acknowledge(filled, [stored_receipt(filled)])[-1]["status"] == 204
    finally:
        proxy.close()
