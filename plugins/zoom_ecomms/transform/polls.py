"""PollRecord: poll definitions (questions, options) and every respondent's answers."""

from __future__ import annotations

from typing import Any

from core.records import Entry, Party, PollRecord

from .meeting import MeetingContext
from .values import as_datetime, as_list, as_str, bad

__all__ = ["build_poll_record", "respondent"]


def respondent(item: Any, where: str) -> Party:
    """The Party of a poll / Q&A / survey respondent (name possibly "Anonymous", email maybe "")."""
    if not isinstance(item, dict):
        raise bad(where, "item", "expected an object")
    name = as_str(item.get("name"), where, "name")
    if not name:
        first = as_str(item.get("first_name"), where, "first_name")
        name = f"{first} {as_str(item.get('last_name'), where, 'last_name')}".strip()
    return Party(name=name, email=as_str(item.get("email"), where, "email"), role="respondent")


def _definitions(body: Any) -> tuple[dict[str, str], list[str]]:
    """Poll titles by poll id, and the readable lines of every poll's questions."""
    where = "payload poll_definitions"
    if body is None:
        return {}, []
    if not isinstance(body, dict):
        raise bad(where, "body", "expected an object")
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
            name = as_str(question.get("name"), where, f"{field}.name")
            options = [
                as_str(a, where, f"{field}.answers")
                for a in as_list(question.get("answers"), where, f"{field}.answers")
            ]
            lines.append(f"Q: {name}" + (f" (options: {', '.join(options)})" if options else ""))
    return titles, lines


def _answers(body: Any, titles: dict[str, str]) -> list[Entry]:
    where = "payload poll_results"
    if body is None:
        return []
    if not isinstance(body, dict):
        raise bad(where, "body", "expected an object")
    entries = []
    for i, item in enumerate(as_list(body.get("questions"), where, "questions")):
        author = respondent(item, f"{where} questions[{i}]")
        details = as_list(item.get("question_details"), where, f"questions[{i}].question_details")
        for j, detail in enumerate(details):
            field = f"questions[{i}].question_details[{j}]"
            if not isinstance(detail, dict):
                raise bad(where, field, "expected an object")
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
        if entry.author.email or (entry.author.name and entry.author.name != "Anonymous"):
            roster.add(Party(name=entry.author.name, email=entry.author.email))
    return ctx.base(
        PollRecord,
        ctx.record_id("polls"),
        title=f"Polls: {ctx.title}",
        text="\n".join(lines),
        entries=entries,
        participants=roster.parties(),
    )
