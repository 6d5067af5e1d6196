"""QARecord: questions asked during a meeting or webinar, and their answers."""

from __future__ import annotations

from typing import Any

from core.records import Entry, QARecord

from .meeting import MeetingContext
from .respondents import add_respondent, answers
from .values import as_str, bad

__all__ = ["build_qa_record"]


def _entries(body: Any) -> list[Entry]:
    where = "payload qa"
    if not isinstance(body, dict):
        raise bad(where, "body", "expected an object")
    entries: list[Entry] = []
    for author, detail, field, number in answers(body, where, "questions", "question_details"):
        author.role = "asker"
        question = as_str(detail.get("question"), where, f"{field}.question")
        answer = as_str(detail.get("answer"), where, f"{field}.answer")
        qid = f"q{number}"
        entries.append(Entry(kind="question", question=question, author=author, id=qid))
        if answer:
            entries.append(Entry(kind="answer", question=question, answer=answer, id=qid + "a"))
    return entries


def build_qa_record(ctx: MeetingContext, body: Any) -> QARecord:
    """One entry per question (with its asker) and one per answer (linked by id)."""
    entries = _entries(body)
    roster = ctx.roster.copy()
    lines = []
    for entry in entries:
        if entry.kind == "question":
            lines.append(
                f"Q ({entry.author.name or entry.author.email or 'Anonymous'}): {entry.question}"
            )
            add_respondent(roster, entry.author)
        else:
            lines.append(f"A: {entry.answer}")
    return ctx.base(
        QARecord,
        ctx.record_id("qa"),
        title=f"Q&A: {ctx.title}",
        text="\n".join(lines),
        entries=entries,
        participants=roster.parties(),
    )
