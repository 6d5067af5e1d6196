"""The transformer on records of every kind: where each hit is, no double counting."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pluggy

from core import hookspecs
from core.protocols import Transformer, Unit
from core.records import (
    ChatRecord,
    Entry,
    Hit,
    MeetingRecord,
    Message,
    QARecord,
    Risk,
    Segment,
    SummaryRecord,
    SurveyRecord,
    Thread,
    TranscriptRecord,
    decode_record,
    encode_record,
)
from plugins.policies import PolicyTransformer, plugin

AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
UNIT = Unit(source="zoom_ecomms", platform="zoom", key="uuid-1")


def base(**fields):
    return {"id": "rec", "source": "zoom_ecomms", "platform": "zoom", "occurred_at": AT, **fields}


def chat_record() -> ChatRecord:
    public = Thread(
        id="public",
        type="public",
        messages=[
            Message(id="m1", thread_id="public", text="Morning all"),
            Message(id="m2", thread_id="public", text="Let's move this to WhatsApp"),
        ],
    )
    private = Thread(
        id="p-ann-bob",
        type="private",
        parent="public",
        messages=[
            Message(id="m3", thread_id="p-ann-bob", text="my password is Falcon!2026"),
        ],
    )
    rendered = "Morning all\nLet's move this to WhatsApp\nmy password is Falcon!2026"
    return ChatRecord(**base(text=rendered, threads=[public, private]))


def test_chat_hits_name_thread_and_message_and_text_is_not_double_counted(transformer):
    risk = transformer().assess(chat_record())
    assert [(h.rule, h.where) for h in risk.hits] == [
        ("fs.offchannel.move", "thread=public message=m2"),
        ("fs.credentials.disclosed", "thread=p-ann-bob message=m3"),
    ]
    assert risk.categories == ["credentials", "off_channel"]
    assert risk.score == 94  # 100 × (1 − 0.3 × 0.2)


def test_transcript_cues_are_located_by_time(transformer):
    record = TranscriptRecord(
        **base(
            segments=[
                Segment(start=1.0, end=4.0, text="Welcome to the review", speaker="Ann"),
                Segment(start=3722.5, end=3725.0, text="this one is a sure thing", speaker="Bob"),
            ]
        )
    )
    risk = transformer().assess(record)
    assert [(h.where, h.matched) for h in risk.hits] == [("segment 01:02:02.500", "sure thing")]


def test_entries_of_qa_and_surveys_are_located_by_entry(transformer):
    qa = QARecord(
        **base(
            entries=[
                Entry(kind="question", id="q1", question="When is the next webinar?"),
                Entry(
                    kind="question",
                    id="q2",
                    question="I never authorized that trade",
                    answer="We will look",
                ),
            ]
        )
    )
    assert [h.where for h in transformer().assess(qa).hits] == ["entry q2"]
    survey = SurveyRecord(**base(entries=[Entry(kind="survey_answer", answer="You lied to me")]))
    assert [h.where for h in transformer().assess(survey).hits] == ["entry #1"]


def test_summary_text_and_title_are_scanned(transformer):
    record = SummaryRecord(
        **base(
            title="Deal review: inside information",
            text="The advisor promised guaranteed returns of 12 percent.",
        )
    )
    hits = transformer().assess(record).hits
    assert [(h.where, h.category) for h in hits] == [("title", "insider"), ("text", "promissory")]
    assert hits[1].description and hits[1].weight == 0.7


def test_clean_records_get_score_zero_and_inputs_are_not_modified(transformer):
    clean = MeetingRecord(**base(title="Quarterly review", text="Agenda and minutes"))
    risky = SummaryRecord(**base(id="s", text="I promise you'll double your money"))
    out = transformer().transform(UNIT, [clean, risky])
    assert [r.risk.score for r in out] == [0, 70]
    assert clean.risk is None and risky.risk is None
    assert [r.id for r in out] == ["rec", "s"]


def test_existing_risk_from_another_instance_is_merged(transformer):
    earlier = Hit(rule="acme.x", category="complaint", weight=0.5, matched="x", where="text")
    record = SummaryRecord(
        **base(text="I never authorized this", risk=Risk(score=50, hits=[earlier]))
    )
    risk = transformer().assess(record)
    assert {h.rule for h in risk.hits} == {"acme.x", "fs.complaint.unauthorized"}
    assert risk.score == 85


def test_risk_survives_the_canonical_json_every_sink_stores(transformer):
    [out] = transformer().transform(UNIT, [chat_record()])
    again = decode_record(encode_record(out))
    assert again.risk == out.risk and again.risk.score == 94


def test_matched_text_is_capped(transformer):
    record = SummaryRecord(**base(text="password: " + "x" * 500))
    [h] = transformer(max_matched_chars=20).assess(record).hits
    assert h.matched == "password: xxxxxxxxxx"


def test_plugin_registers_a_records_stage_transformer_for_every_platform(transformer):
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(plugin)
    [[cls]] = pm.hook.ecomms_register_transformers()
    assert cls is PolicyTransformer
    assert (cls.name, cls.stage, cls.consumes) == ("policies", "records", frozenset({"*"}))
    assert isinstance(transformer(), Transformer)
    assert msgspec.convert({}, cls.Config).packs == ["financial_services"]
