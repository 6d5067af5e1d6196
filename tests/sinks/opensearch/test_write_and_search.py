"""The opensearch sink against a real node: write, find again, idempotence, rejections."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest
from opensearchpy import OpenSearch

from core.errors import QueryError, RecordRejected
from core.protocols import Query
from core.records import RECORD_KINDS, decode_record, encode_record
from core.testing.samples import SAMPLE_ATTRIBUTES, SAMPLE_WORD, sample_records

pytestmark = pytest.mark.opensearch


def _count(client: OpenSearch, index: str) -> int:
    client.indices.refresh(index=index)
    return client.count(index=index)["count"]


def test_every_kind_round_trips_through_get(make_sink) -> None:
    sink = make_sink()
    records = sample_records()
    assert {r.kind for r in records} == set(RECORD_KINDS)
    receipt = sink.write(records, {})
    assert receipt.record_ids == [r.id for r in records]
    for record in records:
        assert sink.get(record.id) == decode_record(encode_record(record))
    assert sink.get("no-such-record") is None


def test_writing_the_same_records_twice_keeps_one_copy(make_sink, os_client) -> None:
    sink = make_sink()
    records = sample_records()
    first = sink.write(records, {})
    second = sink.write(records, {})
    assert first.detail["created"] == len(records)
    assert second.detail["updated"] == len(records)
    assert _count(os_client, sink.config.index) == len(records)


def _attribute_value_as_query(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize("spec", SAMPLE_ATTRIBUTES, ids=lambda s: s.name)
def test_records_are_found_by_each_attribute(make_sink, spec) -> None:
    sink = make_sink()
    records = sample_records()
    sink.write(records, {})
    value = records[0].attributes[spec.name]
    wanted = value[0] if isinstance(value, list) else value
    found = sink.search(Query(where={spec.name: [_attribute_value_as_query(wanted)]}, limit=50))
    assert found.total == len(records)
    assert {r.id for r in found.records} == {r.id for r in records}


def test_attribute_filters_exclude_other_values(make_sink) -> None:
    sink = make_sink()
    sink.write(sample_records(), {})
    assert sink.search(Query(where={"MeetingId": ["000"]})).total == 0
    assert sink.search(Query(where={"MeetingIsBreakoutRoom": ["true"]})).total == 0
    assert sink.search(Query(where={"MeetingDurationInSecond": ["59"]})).total == 0
    assert sink.search(Query(where={"MeetingCompleteTime": ["2026-11-02"]})).total == 9
    assert sink.search(Query(where={"MeetingCompleteTime": ["2026-11-03"]})).total == 0


def test_text_kind_time_and_risk_filters(make_sink) -> None:
    sink = make_sink()
    records = sample_records()
    sink.write(records, {})
    chat = next(r for r in records if r.kind == "chat")
    by_text = sink.search(Query(text=SAMPLE_WORD))
    assert [r.id for r in by_text.records] == [chat.id]
    assert sink.search(Query(text="guarantee returns")).records[0].id == chat.id
    assert sink.search(Query(text="Rates outlook", kind="transcript")).total == 1
    assert sink.search(Query(kind="poll")).total == 1
    assert sink.search(Query(min_risk=50)).records == [decode_record(encode_record(chat))]
    before = datetime(2026, 11, 1, tzinfo=UTC)
    assert sink.search(Query(until=before)).total == 0
    assert sink.search(Query(since=before, limit=3)).total == len(records)
    assert len(sink.search(Query(since=before, limit=3)).records) == 3


def test_unknown_attribute_in_a_query_lists_the_known_ones(make_sink) -> None:
    sink = make_sink()
    with pytest.raises(QueryError) as caught:
        sink.search(Query(where={"MeetingTopic": ["x"]}))
    assert "MeetingTopic" in caught.value.message
    assert "MeetingUUID" in caught.value.message


def test_a_wrong_typed_attribute_is_rejected_with_its_reason_and_the_rest_lands(
    make_sink, os_client
) -> None:
    sink = make_sink()
    records = sample_records()
    bad = msgspec.structs.replace(
        records[3], attributes={**records[3].attributes, "MeetingDurationInSecond": "an hour"}
    )
    batch = [*records[:3], bad, *records[4:]]
    with pytest.raises(RecordRejected) as caught:
        sink.write(batch, {})
    assert list(caught.value.reasons) == [bad.id]
    assert "MeetingDurationInSecond" in caught.value.reasons[bad.id]
    assert "mapper_parsing_exception" in caught.value.reasons[bad.id]
    assert _count(os_client, sink.config.index) == len(records) - 1
    assert sink.get(bad.id) is None
    assert sink.get(records[4].id) == decode_record(encode_record(records[4]))


def test_an_undeclared_attribute_is_rejected_not_mapped(make_sink, os_client) -> None:
    sink = make_sink()
    record = sample_records()[0]
    extra = msgspec.structs.replace(record, attributes={**record.attributes, "Surprise": "x"})
    with pytest.raises(RecordRejected) as caught:
        sink.write([extra], {})
    assert "strict_dynamic_mapping_exception" in caught.value.reasons[record.id]
    mapping = os_client.indices.get_mapping(index=sink.config.index)
    properties = next(iter(mapping.values()))["mappings"]["properties"]["attributes"]["properties"]
    assert "Surprise" not in properties
