"""A reviewer's question end to end: "records with risk above 50, and why", in the real
embedded search store (the sqlite sink) fed by the policies transformer."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from core.protocols import Context, Query, Unit
from core.records import ChatRecord, Message, SummaryRecord, Thread
from plugins.sinks.sqlite import SqliteSink

AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def records():
    chat = ChatRecord(
        id="chat-1",
        source="zoom_ecomms",
        platform="zoom",
        occurred_at=AT,
        threads=[
            Thread(
                id="public",
                type="public",
                messages=[
                    Message(id="m1", thread_id="public", text="Agenda is in the invite"),
                    Message(id="m2", thread_id="public", text="WhatsApp me the client list"),
                    Message(id="m3", thread_id="public", text="card 4111 1111 1111 1111"),
                ],
            )
        ],
    )
    quiet = SummaryRecord(
        id="sum-1", source="zoom_ecomms", platform="zoom", occurred_at=AT, text="Minutes only"
    )
    mild = SummaryRecord(
        id="sum-2",
        source="zoom_ecomms",
        platform="zoom",
        occurred_at=AT,
        text="The client was very disappointed with the statement delay",
    )
    return [chat, quiet, mild]


def test_reviewer_finds_risky_records_and_sees_why(transformer, tmp_path):
    unit = Unit(source="zoom_ecomms", platform="zoom", key="uuid-1")
    scored = transformer().transform(unit, records())
    context = Context(name="sqlite", state_dir=tmp_path, spool_dir=tmp_path / "spool")
    sink = SqliteSink(
        msgspec.convert({"path": str(tmp_path / "search.db")}, SqliteSink.Config), context
    )
    try:
        sink.write(scored, {})
        risky = sink.search(Query(min_risk=51))  # "above 50"; sum-2 scores exactly 50
        assert [r.id for r in risky.records] == ["chat-1"]
        [record] = risky.records
        assert record.risk.score == 92  # 100 × (1 − 0.4 × 0.2)
        assert [(h.category, h.where) for h in record.risk.hits] == [
            ("off_channel", "thread=public message=m2"),
            ("pii", "thread=public message=m3"),
        ]
        by_category = sink.search(Query(where={"risk_category": ["complaint"]}))
        assert [r.id for r in by_category.records] == ["sum-2"]
        assert sink.get("sum-1").risk.score == 0
    finally:
        sink.close()
