"""QARecord: questions asked during a meeting or webinar, and their answers."""

from __future__ import annotations

from typing import Any

from core.records import Entry, Party, QARecord

from .meeting import MeetingContext
from .polls import respondent
from .values import as_list, as_str, bad

__all__ = ["build_qa_record"]


def _entries(body: Any) -> list[Entry]:
    where = "payload qa"
    if not isinstance(body, dict):
        raise bad(where, "body", "expected an object")
    entries: list[Entry] = []
    for i, item in enumerate(as_list(body.get("questions"), where, "questions")):
        author = respondent(item, f"{where} questions[{i}]")
        author.role = "asker"
        details = as_list(item.get("question_details"), where, f"questions[{i}].question_details")
        for j, detail in enumerate(details):
            field = f"questions[{i}].question_details[{j}]"
            if not isinstance(detail, dict):
                raise bad(where, field, "expected an object")
            question = as_str(detail.get("question"), where, f"{field}.question")
            answer = as_str(detail.get("answer"), where, f"{field}.answer")
            qid = f"q{i + 1}.{j + 1}"
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
            if entry.author.email or entry.author.name not in ("", "Anonymous"):
                roster.add(Party(name=entry.author.name, email=entry.author.email))
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
