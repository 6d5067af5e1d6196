"""Capture first with the real Zoom source over HTTP: a refused lookup never holds back a
meeting's custody, and a later pass fills it from Zoom and derives the meeting again."""

from __future__ import annotations

from core.ledger import entries
from tests.core.hosthelp import build
from tests.fixtures.zoom_simulator import zoom_source_toml
from tests.zoom_ecomms.source.proxy import ZoomProxy
from tests.zoom_ecomms.source.test_refill import QA, Switch

SINKS = """
[ecomms]
sink_backoff = 0
[sinks.filesystem]
path = "archive"
[sinks.sqlite]
path = "search.db"
"""


def test_a_refused_lookup_is_refilled_and_derived_by_a_later_pass(zoom_simulator, tmp_path):
    """/qa answers 503 at capture: every meeting is archived and acknowledged with the gap
    listed; once Zoom answers, the next pass adds the answer to the archive (a new capture
    record version), drops the gap and derives the meeting again, with the same ids."""
    switch = Switch()
    proxy = ZoomProxy(zoom_simulator.api_base_url.removesuffix("/v2"), switch)
    try:
        source = zoom_source_toml(
            zoom_simulator,
            api_base_url=f"{proxy.url}/v2",
            oauth_token_url=f"{proxy.url}/oauth/token",
            max_attempts=1,
            gap_retry_after_minutes=0,  # the next pass is already a retry
        )
        env = {"ZOOM_CLIENT_SECRET": zoom_simulator.client_secret}
        built = build(tmp_path, SINKS + source, env)
        first = built.pipeline.run_pass()
        committed = first.outcomes["committed"]
        assert committed and "failed" not in first.outcomes and "dead" not in first.outcomes
        refused = sorted(
            key
            for key in (c.split("/", 1)[1] for c in committed)
            if any(g.part == QA for g in built.state.unit("zoom_ecomms", key).gaps)
        )
        assert refused, "the proxy refused no /qa lookup"
        acked = {e.unit_key for e in entries(built.state.db) if e.event == "acknowledge"}
        assert set(refused) <= acked  # released at Zoom although a lookup failed
        ids_before = _record_ids(built, refused)

        switch.on = False
        second = built.pipeline.run_pass()
        refilled = {k.split("/", 1)[1] for k in second.outcomes["refilled"]}
        assert set(refused) <= refilled  # (others retried their own retryable gaps)
        assert set(second.derived) == {"ok"}
        for key in refused:
            assert QA not in {g.part for g in built.state.unit("zoom_ecomms", key).gaps}
        archive = built.components.sinks["filesystem"]
        captures = {r.key: r for r in archive.records(["capture"])}
        for key in refused:
            assert any(p.role == "response" and "qa" in p.file_id for p in captures[key].parts)
        assert ids_before <= _record_ids(built, refused)  # same ids, perhaps more records
        refills = [
            e.payload()
            for e in entries(built.state.db)
            if e.event == "derive" and e.payload()["reason"] == "refill"
        ]
        assert len(refills) == len(refilled)
        assert built.state.verify_ledger()[1] == []
        built.close()
    finally:
        proxy.close()


def _record_ids(built, keys: list[str]) -> set[str]:
    derived = [
        e.payload()
        for e in entries(built.state.db)
        if e.event == "derive" and e.unit_key in keys and e.payload()["status"] == "ok"
    ]
    return {rid for d in derived for rid in d["record_ids"]}
