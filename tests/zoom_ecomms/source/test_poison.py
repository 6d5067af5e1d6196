"""Poison in the listing never blocks (issue 12 item 3): each hostile meeting object is one
failed unit — keyed by its uuid, or ``raw-<hash>`` when it has no usable one — and every
other meeting of the page is captured. Unsafe ids never reach a URL; spool paths are
injective in ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plugins.zoom_ecomms.listing import raw_key
from tests.zoom_ecomms.source.conftest import parts
from tests.zoom_ecomms.source.proxy import Seen, ZoomProxy

DEEP = "[" * 10_000 + "]" * 10_000


def _poison() -> list[str]:
    """Hostile meeting objects, as raw JSON (escapes written as Zoom would send them)."""
    return [
        '{"uuid": "\\ud800", "archive_files": []}',  # a lone surrogate uuid
        '{"uuid": "lone-in-topic==", "topic": "Q3 \\udfff", "archive_files": []}',
        '{"uuid": "ctl\\u0001uuid", "archive_files": []}',
        '{"uuid": "..", "archive_files": []}',
        '{"uuid": "/", "archive_files": []}',
        '{"uuid": "deep==", "extra": ' + DEEP + ', "archive_files": []}',
        '{"topic": "no uuid at all", "archive_files": []}',
        "42",
        '{"uuid": "badfile==", "archive_files": [{"id": "..", "status": "completed"}]}',
    ]


@pytest.fixture
def poisoned(zoom_simulator, make_source):
    """A source whose listing pages carry the poison before Zoom's own meetings."""

    def rewrite(seen: Seen) -> bytes | None:
        if seen.path != "/v2/archive_files" or b'"meetings":[]' in seen.answer:
            return None
        text = seen.answer.decode()
        head, sep, rest = text.partition('"meetings":[')
        return (head + sep + ",".join(_poison()) + "," + rest).encode()

    proxy = ZoomProxy(zoom_simulator.api_base_url.removesuffix("/v2"), rewrite)
    source = make_source(
        zoom_simulator,
        api_base_url=f"{proxy.url}/v2",
        oauth_token_url=f"{proxy.url}/oauth/token",
        delete_mode=True,
        auto_delete=True,
    )
    yield source, proxy
    proxy.close()


def test_each_hostile_meeting_is_one_failed_unit_and_the_rest_is_captured(
    poisoned, listed_meetings, zoom_simulator
):
    source, _ = poisoned
    units = list(source.pull(None))
    good = {u.key for u in units if u.failure is None}
    expected = {k for k, m in listed_meetings(zoom_simulator).items() if m["status"] == "completed"}
    assert good == expected  # every real meeting, captured despite the poison around it
    failed = {u.key: u for u in units if u.failure is not None}
    poison = [p.encode() for p in _poison()]
    for raw in poison[:1] + poison[2:5] + poison[6:8]:
        assert raw_key(raw) in failed  # no usable uuid: keyed by a hash of the bytes
    assert "lone UTF-16 surrogate" in failed["lone-in-topic=="].failure.message
    assert "nested too deeply" in failed["deep=="].failure.message
    assert "archive file id '..' is unusable" in failed["badfile=="].failure.message
    for unit in failed.values():
        assert unit.files == [] and not unit.failure.transient
        assert unit.version  # a stable version: a dead letter is recognised next time
        assert source.acknowledge(unit, []) == []  # nothing is ever released for it


def test_the_same_poison_gets_the_same_keys_and_versions_every_pass(poisoned):
    source, _ = poisoned
    first = {u.key: u.version for u in source.pull(None) if u.failure is not None}
    again = {u.key: u.version for u in source.pull(None) if u.failure is not None}
    assert first == again and len(first) == len(_poison())


def test_an_unsafe_id_never_reaches_the_network(poisoned):
    source, proxy = poisoned
    list(source.pull(None))
    for seen in proxy.seen:
        segments = seen.path.split("/")
        assert ".." not in segments and "." not in segments, seen.path
        assert not (seen.method == "DELETE" and seen.path == "/v2/archive_files")


def test_file_ids_that_sanitise_alike_get_distinct_spool_paths(zoom_simulator, make_source):
    def rewrite(seen: Seen) -> bytes | None:
        if seen.path != "/v2/archive_files":
            return None
        page = json.loads(seen.answer)
        for meeting in page["meetings"]:
            files = [f for f in meeting["archive_files"] if f["status"] == "completed"]
            if len(files) >= 3:
                files[0]["id"], files[1]["id"], files[2]["id"] = "a/b", "a_b", "A_B"
                break
        return json.dumps(page).encode()

    proxy = ZoomProxy(zoom_simulator.api_base_url.removesuffix("/v2"), rewrite)
    try:
        source = make_source(
            zoom_simulator,
            api_base_url=f"{proxy.url}/v2",
            oauth_token_url=f"{proxy.url}/oauth/token",
        )
        units = list(source.pull(None))
        spooled = {
            f.file_id: f for u in units for f in parts(u) if f.file_id in ("a/b", "a_b", "A_B")
        }
        assert set(spooled) == {"a/b", "a_b", "A_B"}
        assert len({f.path for f in spooled.values()}) == 3
        for part in spooled.values():  # each holds its own, verified bytes
            assert Path(part.path).stat().st_size == part.size == part.meta["file_size"]
    finally:
        proxy.close()
