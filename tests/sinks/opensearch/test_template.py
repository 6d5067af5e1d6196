"""The index template the sink applies, checked on the real node."""

from __future__ import annotations

import logging

import pytest

from core.protocols import Query
from core.records import AttributeSpec, MeetingRecord
from core.testing.samples import SAMPLE_ATTRIBUTES, SAMPLE_WORD, sample_records
from plugins.sinks.opensearch.mapping import ANALYSED, mappings

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


def test_text_fields_are_analysed_as_the_query_language_says(make_sink, os_client) -> None:
    sink = make_sink()
    sink.ensure_template()
    simulated = os_client.indices.simulate_index_template(name=f"{sink.config.index}-x")
    analysis = simulated["template"]["settings"]["index"]["analysis"]
    props = simulated["template"]["mappings"]["properties"]
    assert {props[f].get("analyzer") for f in ("title", "text", "content")} == {"ecomms_text"}
    os_client.indices.create(index=f"{sink.config.index}-x")
    analysed = os_client.indices.analyze(
        index=f"{sink.config.index}-x",
        body={"analyzer": "ecomms_text", "text": "Résumé: e-mail Straße, Ærø don't 3.5 日本語"},
    )
    assert [t["token"] for t in analysed["tokens"]] == [
        "resume", "e", "mail", "strasse", "aero", "don", "t", "3", "5", "日本語"
    ]  # fmt: skip
    assert analysis["analyzer"]["ecomms_text"]["filter"] == ["lowercase", "asciifolding"]


def test_an_index_of_template_version_1_keeps_working_and_is_reported(
    make_sink, os_client, caplog
) -> None:
    sink = make_sink()
    old = mappings(SAMPLE_ATTRIBUTES)
    for name in ("title", "text", "content"):  # version 1: the standard analyzer
        old["properties"][name] = {k: v for k, v in ANALYSED[name].items() if k != "analyzer"}
    old["_meta"] = {"ecomms_template_version": 1}
    os_client.indices.create(index=sink.config.index, body={"mappings": old})
    with caplog.at_level(logging.WARNING, logger="plugins.sinks.opensearch"):
        sink.write(sample_records(), {})
    assert "made by template version 1" in caplog.text
    assert [r.kind for r in sink.search(Query(text=SAMPLE_WORD)).records] == ["chat"]
    carol = sink.search(Query(where={"participant": ["carol@client.example"]}, limit=100))
    assert carol.total == len(sample_records())
