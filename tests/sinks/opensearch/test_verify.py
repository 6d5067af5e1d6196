"""``verify(expected)`` of the opensearch sink: every record the ledger names is indexed."""

from __future__ import annotations

import pytest

from core.protocols import Expected
from core.testing.samples import sample_records

pytestmark = pytest.mark.opensearch


def test_every_record_named_is_found_and_a_deleted_one_is_named(make_sink, os_client):
    sink = make_sink(refresh="false")  # verification must not depend on a refresh policy
    records = [r for r in sample_records() if r.kind != "capture"]
    receipt = sink.write(records, {})
    expected = Expected(records={rid: "" for rid in receipt.record_ids}, ledger_seq=7)
    [finding] = sink.verify(expected)
    assert finding.ok, finding
    assert f"the ledger's {len(records)} records (as of entry 7) all present" in finding.detail
    victim = records[0].id
    os_client.delete(index=sink.config.index, id=victim, refresh=True)
    [missing] = sink.verify(expected)
    assert not missing.ok and missing.check == "missing"
    assert victim in missing.detail and "ecomms rebuild opensearch" in missing.action


def test_a_missing_index_is_named_with_what_the_ledger_expected(make_sink):
    sink = make_sink()
    [finding] = sink.verify(Expected(records={"a" * 32: ""}))
    assert not finding.ok
    assert "does not exist" in finding.detail and "1 records are all missing" in finding.detail
