"""QARecord: questions asked during a meeting or webinar, and their answers."""

from __future__ import annotations

from core.records import Entry, QARecord
from plugins.zoom_ecomms.models import QaResults

from .meeting import MeetingContext
from .respondents import add_respondent, respondent

__all__ = ["build_qa_record"]


def _entries(body: QaResults) -> list[Entry]:
    entries: list[Entry] = []
    for i, item in enumerate(body.questions, start=1):
        author = respondent(item.name, item.email)
        author.role = "asker"
        for j, detail in enumerate(item.question_details, start=1):
            qid = f"q{i}.{j}"
            entries.append(Entry(kind="question", question=detail.question, author=author, id=qid))
            if detail.answer:
                entries.append(Entry(
                    kind="answer", question=detail.question, answer=detail.answer, id=qid + "a"
                ))  # fmt: skip
    return entries


def build_qa_record(ctx: MeetingContext, body: QaResults) -> QARecord:
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
