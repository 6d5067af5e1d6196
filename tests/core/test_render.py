"""``ecomms show`` rendering: a chat as its threads, timed segments, risk and hits."""

from __future__ import annotations

from core.render import render_record, summary_line
from core.testing import sample_records


def _by_kind(kind: str):
    return next(r for r in sample_records() if r.kind == kind)


def test_chat_renders_nested_threads_in_order() -> None:
    """Public thread first, private thread indented inside it, markers, participants, actions."""
    lines = render_record(_by_kind("chat")).splitlines()
    start_public = lines.index("── start of public thread t-public Everyone (00:01:00)")
    start_private = next(i for i, x in enumerate(lines) if "start of private thread" in x)
    end_private = next(i for i, x in enumerate(lines) if "end of private thread" in x)
    end_public = lines.index("── end of public thread t-public (00:20:00)")
    assert start_public < start_private < end_private < end_public
    assert lines[start_private].startswith("    ──")
    assert (
        "participants: Alice Trader <alice@bank.example>, Carol Client" in lines[start_private + 1]
    )
    body = "\n".join(lines[start_public:end_public])
    assert body.index("Welcome all") < body.index("(edited m2)") < body.index("(deleted m1)")
    assert "(reacted to m2): 👍" in body and "(reply to m6): No, never." in body
    assert "[file guidance.pdf 1024 bytes]" in body
    assert "risk: 70 (guarantee)" in lines
    assert any(
        "hit guarantee-returns [guarantee] matched 'guarantee returns' at thread=t-private-1" in x
        for x in lines
    )


def test_transcript_renders_timed_lines() -> None:
    """Segments are timed lines with their speaker."""
    text = render_record(_by_kind("transcript"))
    assert "[00:00:04.500 --> 00:00:09.000] Bob Broker: Rates outlook is stable" in text


def test_entries_and_summary_line() -> None:
    """Q&A entries show question and answer; a search hit is one line with risk."""
    assert "answer: Fees? -> Zero (Alice Trader <alice@bank.example>)" in render_record(
        _by_kind("qa")
    )
    line = summary_line(_by_kind("chat"))
    assert line.startswith(_by_kind("chat").id) and "risk=70" in line and "\n" not in line
