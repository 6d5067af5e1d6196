"""What polls, Q&A and surveys share: respondents, question lines."""

from __future__ import annotations

from core.records import Party

from .participants import Roster

__all__ = ["add_respondent", "question_line", "respondent"]


def respondent(name: str, email: str, first_name: str = "", last_name: str = "") -> Party:
    """The Party of a poll / Q&A / survey respondent (name possibly "Anonymous", email maybe "")."""
    name = name or f"{first_name} {last_name}".strip()
    return Party(name=name, email=email, role="respondent")


def question_line(name: str, options: list[str]) -> str:
    """``Q: name`` followed by the answer options, when there are any."""
    return f"Q: {name}" + (f" (options: {', '.join(options)})" if options else "")


def add_respondent(roster: Roster, author: Party) -> None:
    """Add a respondent who can be told apart (an email, or a name other than Anonymous)."""
    if author.email or author.name not in ("", "Anonymous"):
        roster.add(Party(name=author.name, email=author.email))
