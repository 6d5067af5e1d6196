"""The index template the sink applies, checked on the real node."""

from __future__ import annotations

import pytest

from core.records import AttributeSpec, MeetingRecord
from core.testing.samples import SAMPLE_ATTRIBUTES, sample_records

pytestmark = pytest.mark.opensearch


def _index_mapping(client, index: str) -> dict:
    return next(iter(client.indices.get_mapping(index=index).values()))["mappings"]


def test_template_is_applied_with_strict_typed_mapping(make_sink, os_client) -> None:
    sink = make_sink()
    sink.write(sample_records()[:1], {})
    stored = os_client.indices.get_index_template(name=sink.config.template_name)
    template = stored["index_templates"][0]["index_template"]
    assert template["index_patterns"] == [f"{sink.config.index}*"]
    mapping = _index_mapping(os_client, sink.config.index)
    assert mapping["dynamic"] == "strict"
    attributes = mapping["properties"]["attributes"]["properties"]
    assert attributes["MeetingId"]["type"] == "keyword"
    assert attributes["MeetingDurationInSecond"]["type"] == "long"
    assert attributes["MeetingIsBreakoutRoom"]["type"] == "boolean"
    assert attributes["MeetingCompleteTime"]["type"] == "date"
    assert attributes["ParticipantsJoinWithArchiving"]["type"] == "keyword"
    assert attributes["MeetingAccountName"]["type"] == "text"
    assert attributes["MeetingAccountName"]["fields"]["keyword"]["type"] == "keyword"
    props = mapping["properties"]
    assert props["text"]["type"] == "text" and props["content"]["type"] == "text"
    assert props["risk"]["properties"]["score"]["type"] == "long"
    assert props["risk"]["properties"]["categories"]["type"] == "keyword"
    assert props["threads"] == {"type": "object", "enabled": False}
    settings = os_client.indices.get_settings(index=sink.config.index)
    index_settings = next(iter(settings.values()))["settings"]["index"]
    assert (index_settings["number_of_shards"], index_settings["number_of_replicas"]) == ("1", "0")
    assert index_settings["translog"]["durability"] == "request"


def test_shards_and_replicas_are_configurable(make_sink, os_client) -> None:
    sink = make_sink(shards=2, replicas=0)
    sink.ensure_template()
    simulated = os_client.indices.simulate_index_template(name=f"{sink.config.index}-000001")
    index = simulated["template"]["settings"]["index"]
    assert index["number_of_shards"] == "2"


def test_a_newly_declared_attribute_is_added_to_the_existing_index(make_sink, os_client) -> None:
    first = make_sink()
    first.write(sample_records()[:1], {})
    extra = AttributeSpec(name="DeskCode", type="keyword", description="Trading desk")
    later = make_sink(attributes=[*SAMPLE_ATTRIBUTES, extra], index=first.config.index)
    record = sample_records()[0]
    assert isinstance(record, MeetingRecord)
    record.attributes["DeskCode"] = "FX-1"
    later.write([record], {})
    assert later.get(record.id).attributes["DeskCode"] == "FX-1"
    mapping = _index_mapping(os_client, first.config.index)
    assert mapping["properties"]["attributes"]["properties"]["DeskCode"]["type"] == "keyword"
