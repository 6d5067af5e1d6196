"""Malformed answers from Zoom. An enrichment answer that does not decode is archived as it
came and becomes a gap naming the endpoint and the JSON path — the unit is still captured
and its files still tagged. A meeting object that does not decode is one failed unit; the
others are captured. A listing that is not JSON at all stops the pass with a clear error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from core.errors import PayloadError
from plugins.zoom_ecomms.checkpoint import ZoomCheckpoint
from tests.zoom_ecomms.source.conftest import parts, responses
from tests.zoom_ecomms.source.proxy import Seen, ZoomProxy


@pytest.fixture
def proxied(zoom_simulator, make_source, stored_receipt):
    """``proxied(rewrite)`` -> (units, tagged file ids) of a capture through the proxy;
    ``proxied.bodies`` maps (unit key, part id) to each response part's bytes."""
    proxies: list[ZoomProxy] = []

    def run(rewrite, **overrides):
        proxy = ZoomProxy(zoom_simulator.api_base_url.removesuffix("/v2"), rewrite)
        proxies.append(proxy)
        source = make_source(
            zoom_simulator,
            api_base_url=f"{proxy.url}/v2",
            oauth_token_url=f"{proxy.url}/oauth/token",
            auto_delete=True,
            **overrides,
        )
        units = list(source.pull(None))
        for unit in units:
            run.bodies.update(
                {(unit.key, f.file_id): Path(f.path).read_bytes() for f in parts(unit, "response")}
            )
            source.acknowledge(unit, [stored_receipt(unit)])
        return units, zoom_simulator.inspect()["tagged_for_deletion"]

    run.bodies = {}
    yield run
    for proxy in proxies:
        proxy.close()


def _first_participants_as_a_string() -> Callable[[Seen], bytes | None]:
    done: list[str] = []

    def rewrite(seen: Seen) -> bytes | None:
        path = seen.path
        if path.startswith("/v2/past_meetings/") and path.endswith("/participants") and not done:
            done.append(path)
            return json.dumps(dict(json.loads(seen.answer), participants="oops")).encode()
        return None

    return rewrite


def test_a_wrong_typed_enrichment_field_is_a_gap_and_the_unit_is_captured(proxied):
    units, tagged = proxied(_first_participants_as_a_string())
    assert [u.failure for u in units if u.failure] == []
    gapped = [u for u in units if any("participants" in g.part for g in u.gaps)]
    assert len(gapped) == 1
    gap = next(g for g in gapped[0].gaps if g.part == "GET /past_meetings/{uuid}/participants")
    assert gap.kind == "lookup" and gap.retry_until is not None
    assert "Expected `array`, got `str` - at `$.participants`" in gap.reason
    kept = responses(gapped[0], "participants")  # the malformed answer is archived as it came
    bodies = [json.loads(proxied.bodies[gapped[0].key, p.file_id]) for p in kept]
    assert [body["participants"] for body in bodies] == ["oops"]
    assert sorted(tagged) == sorted(f.file_id for u in units for f in parts(u))


def test_an_enrichment_answer_that_is_not_json_is_archived_and_a_gap(proxied):
    units, tagged = proxied(lambda seen: b'{"questions": [' if seen.path.endswith("/qa") else None)
    assert units and all(u.failure is None for u in units)
    for unit in units:
        gap = next(g for g in unit.gaps if g.part.endswith("/qa"))
        assert "not valid JSON" in gap.reason
        assert proxied.bodies[unit.key, responses(unit, "qa")[0].file_id] == b'{"questions": ['
    assert sorted(tagged) == sorted(f.file_id for u in units for f in parts(u))


def _listing(change):
    def rewrite(seen: Seen) -> bytes | None:
        if seen.path != "/v2/archive_files":
            return None
        page = json.loads(seen.answer)
        change(page["meetings"])
        return json.dumps(page).encode()

    return rewrite


def test_malformed_meeting_in_listing_is_a_failed_unit(proxied):
    def change(meetings):
        if meetings:
            meetings[0]["archive_files"] = "not a list"

    units, tagged = proxied(_listing(change))
    failed = [u for u in units if u.failure is not None]
    assert failed
    for unit in failed:
        assert "Expected `array`, got `str` - at `$.archive_files`" in unit.failure.message
        assert unit.failure.message.startswith("GET /archive_files: ")
        assert unit.files == [] and not unit.key.startswith("raw-")  # its uuid was usable
    assert tagged  # the other meetings were captured and committed
    assert not {u.key for u in failed} & {u.key for u in units if u.failure is None}


def test_listing_that_is_not_json_stops_the_pass_with_a_clear_error(proxied):
    def rewrite(seen: Seen) -> bytes | None:
        return b"<html>maintenance</html>" if seen.path == "/v2/archive_files" else None

    with pytest.raises(PayloadError, match="GET /archive_files: not valid JSON"):
        proxied(rewrite)


def test_processing_files_hold_the_checkpoint(proxied):
    held: list[str] = []

    def change(meetings):
        for meeting in meetings[:1]:
            held.append(meeting["uuid"])
            meeting["status"] = "processing"
            for file in meeting["archive_files"]:
                file["status"] = "processing"

    units, _ = proxied(_listing(change))
    assert held and not set(held) & {u.key for u in units}
    checkpoints = {ZoomCheckpoint.parse(u.checkpoint).from_ for u in units}
    # every checkpoint stays at or before the start of the window holding the processing one
    assert len(checkpoints) == 1
    assert all(u.failure is None for u in units)
