"""PollRecord: poll definitions (questions, options) and every respondent's answers."""

from __future__ import annotations

from core.records import Entry, PollRecord
from plugins.zoom_ecomms.models import PollList, PollResults, zoom_time

from .meeting import MeetingContext
from .respondents import add_respondent, question_line, respondent

__all__ = ["build_poll_record"]


def _definitions(body: PollList | None) -> tuple[dict[str, str], list[str]]:
    """Poll titles by poll id, and the readable lines of every poll's questions."""
    titles: dict[str, str] = {}
    lines: list[str] = []
    for poll in body.polls if body is not None else []:
        titles[poll.id] = poll.title
        lines.append(f"Poll: {poll.title}")
        lines.extend(question_line(q.name, q.answers) for q in poll.questions)
    return titles, lines


def _answers(body: PollResults | None, titles: dict[str, str]) -> list[Entry]:
    entries = []
    for item in body.questions if body is not None else []:
        author = respondent(item.name, item.email)
        for detail in item.question_details:
            entries.append(Entry(
                kind="poll_answer",
                title=titles.get(detail.polling_id, ""),
                question=detail.question,
                answer=detail.answer,
                author=author,
                at=zoom_time(detail.date_time),
                id=detail.polling_id,
            ))  # fmt: skip
    return entries


def build_poll_record(
    ctx: MeetingContext, definitions: PollList | None, results: PollResults | None
) -> PollRecord:
    """The meeting's polls: questions from the definitions, one entry per answer given."""
    titles, lines = _definitions(definitions)
    entries = _answers(results, titles)
    roster = ctx.roster.copy()
    for entry in entries:
        who = entry.author.name or entry.author.email
        lines.append(f"{who}: {entry.question} → {entry.answer}")
        add_respondent(roster, entry.author)
    return ctx.base(
        PollRecord,
        ctx.record_id("polls"),
        title=f"Polls: {ctx.title}",
        text="\n".join(lines),
        entries=entries,
        participants=roster.parties(),
    )
