"""What polls, Q&A and surveys share: respondents, their answer details, question lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from core.records import Party

from .participants import Roster
from .values import as_list, as_str, bad

__all__ = ["Answer", "add_respondent", "answers", "object_body", "question_line", "respondent"]


class Answer(NamedTuple):
    """One answer detail of a respondent; ``field`` is its JSON path for error messages,
    ``number`` its 1-based position as ``"<respondent>.<detail>"``."""

    author: Party
    detail: dict[str, Any]
    field: str
    number: str


def object_body(body: Any, where: str) -> dict[str, Any] | None:
    """``body`` when it is a JSON object, ``None`` when absent; anything else is bad input."""
    if body is None or isinstance(body, dict):
        return body
    raise bad(where, "body", "expected an object")


def respondent(item: Any, where: str) -> Party:
    """The Party of a poll / Q&A / survey respondent (name possibly "Anonymous", email maybe "")."""
    if not isinstance(item, dict):
        raise bad(where, "item", "expected an object")
    name = as_str(item.get("name"), where, "name")
    if not name:
        first = as_str(item.get("first_name"), where, "first_name")
        name = f"{first} {as_str(item.get('last_name'), where, 'last_name')}".strip()
    return Party(name=name, email=as_str(item.get("email"), where, "email"), role="respondent")


def answers(body: dict[str, Any], where: str, items: str, details: str) -> Iterator[Answer]:
    """Every detail object under ``body[items][i][details]``, with the respondent of item i."""
    for i, item in enumerate(as_list(body.get(items), where, items)):
        author = respondent(item, f"{where} {items}[{i}]")
        listed = as_list(item.get(details), where, f"{items}[{i}].{details}")
        for j, detail in enumerate(listed):
            field = f"{items}[{i}].{details}[{j}]"
            if not isinstance(detail, dict):
                raise bad(where, field, "expected an object")
            yield Answer(author, detail, field, f"{i + 1}.{j + 1}")


def question_line(name: str, options: list[str]) -> str:
    """``Q: name`` followed by the answer options, when there are any."""
    return f"Q: {name}" + (f" (options: {', '.join(options)})" if options else "")


def add_respondent(roster: Roster, author: Party) -> None:
    """Add a respondent who can be told apart (an email, or a name other than Anonymous)."""
    if author.email or author.name not in ("", "Anonymous"):
        roster.add(Party(name=author.name, email=author.email))
