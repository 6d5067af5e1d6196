"""PollRecord: poll definitions (questions, options) and every respondent's answers."""

from __future__ import annotations

from typing import Any

from core.records import Entry, PollRecord

from .meeting import MeetingContext
from .respondents import add_respondent, answers, object_body, question_line
from .values import as_datetime, as_list, as_str, bad

__all__ = ["build_poll_record"]


def _definitions(body: Any) -> tuple[dict[str, str], list[str]]:
    """Poll titles by poll id, and the readable lines of every poll's questions."""
    where = "payload poll_definitions"
    body = object_body(body, where)
    if body is None:
        return {}, []
    titles: dict[str, str] = {}
    lines: list[str] = []
    for i, poll in enumerate(as_list(body.get("polls"), where, "polls")):
        if not isinstance(poll, dict):
            raise bad(where, f"polls[{i}]", "expected an object")
        title = as_str(poll.get("title"), where, f"polls[{i}].title")
        titles[as_str(poll.get("id"), where, f"polls[{i}].id")] = title
        lines.append(f"Poll: {title}")
        for j, question in enumerate(
            as_list(poll.get("questions"), where, f"polls[{i}].questions")
        ):
            field = f"polls[{i}].questions[{j}]"
            if not isinstance(question, dict):
                raise bad(where, field, "expected an object")
            name = as_str(question.get("name"), where, f"{field}.name")
            options = [
                as_str(a, where, f"{field}.answers")
                for a in as_list(question.get("answers"), where, f"{field}.answers")
            ]
            lines.append(question_line(name, options))
    return titles, lines


def _answers(body: Any, titles: dict[str, str]) -> list[Entry]:
    where = "payload poll_results"
    body = object_body(body, where)
    if body is None:
        return []
    entries = []
    for author, detail, field, _ in answers(body, where, "questions", "question_details"):
        poll_id = as_str(detail.get("polling_id"), where, f"{field}.polling_id")
        entries.append(Entry(
            kind="poll_answer",
            title=titles.get(poll_id, ""),
            question=as_str(detail.get("question"), where, f"{field}.question"),
            answer=as_str(detail.get("answer"), where, f"{field}.answer"),
            author=author,
            at=as_datetime(detail.get("date_time"), where, f"{field}.date_time"),
            id=poll_id,
        ))  # fmt: skip
    return entries


def build_poll_record(ctx: MeetingContext, definitions: Any, results: Any) -> PollRecord:
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
