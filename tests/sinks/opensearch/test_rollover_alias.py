"""Writing through a write alias, across a rollover (the layout the ISM policy expects)."""

from __future__ import annotations

import uuid

import msgspec
import pytest

from core.protocols import Query
from core.records import decode_record, encode_record
from core.testing.samples import SAMPLE_MEETING_ID, sample_records

pytestmark = pytest.mark.opensearch


def test_records_before_and_after_a_rollover_are_found_and_read(make_sink, os_client) -> None:
    alias = f"ecomms-alias-{uuid.uuid4().hex[:8]}"
    sink = make_sink(index=alias)
    sink.ensure_template()
    os_client.indices.create(
        index=f"{alias}-000001", body={"aliases": {alias: {"is_write_index": True}}}
    )
    before = sample_records()
    sink.write(before, {})
    rolled = os_client.indices.rollover(alias=alias)
    assert rolled["rolled_over"] and rolled["new_index"] == f"{alias}-000002"
    after = [msgspec.structs.replace(r, id=r.id[:-4] + "beef") for r in sample_records()]
    sink.write(after, {})

    assert sink.get(before[2].id) == decode_record(encode_record(before[2]))
    assert sink.get(after[2].id) == decode_record(encode_record(after[2]))
    everything = sink.search(Query(where={"MeetingId": [SAMPLE_MEETING_ID]}, limit=100))
    assert everything.total == len(before) + len(after)
    mapping = os_client.indices.get_mapping(index=f"{alias}-000002")
    assert mapping[f"{alias}-000002"]["mappings"]["dynamic"] == "strict"
