"""SurveyRecord: the survey's questions and every respondent's answers."""

from __future__ import annotations

from typing import Any

from core.records import Entry, Party, SurveyRecord

from .meeting import MeetingContext
from .polls import respondent
from .values import as_datetime, as_list, as_str, bad

__all__ = ["build_survey_record"]


def _questions(definition: Any) -> tuple[str, list[str]]:
    where = "payload survey_definition"
    if definition is None:
        return "", []
    if not isinstance(definition, dict):
        raise bad(where, "body", "expected an object")
    survey = definition.get("custom_survey") or {}
    if not isinstance(survey, dict):
        raise bad(where, "custom_survey", "expected an object")
    title = as_str(survey.get("title"), where, "custom_survey.title")
    lines = []
    for i, question in enumerate(
        as_list(survey.get("questions"), where, "custom_survey.questions")
    ):
        field = f"custom_survey.questions[{i}]"
        if not isinstance(question, dict):
            raise bad(where, field, "expected an object")
        options = as_list(question.get("answers"), where, f"{field}.answers")
        name = as_str(question.get("name"), where, f"{field}.name")
        lines.append(
            f"Q: {name}" + (f" (options: {', '.join(map(str, options))})" if options else "")
        )
    return title, lines


def _answers(report: Any, title: str) -> list[Entry]:
    where = "payload survey_report"
    if report is None:
        return []
    if not isinstance(report, dict):
        raise bad(where, "body", "expected an object")
    title = as_str(report.get("survey_name"), where, "survey_name") or title
    entries = []
    for i, item in enumerate(as_list(report.get("survey_answers"), where, "survey_answers")):
        author = respondent(item, f"{where} survey_answers[{i}]")
        details = as_list(item.get("answer_details"), where, f"survey_answers[{i}].answer_details")
        for j, detail in enumerate(details):
            field = f"survey_answers[{i}].answer_details[{j}]"
            if not isinstance(detail, dict):
                raise bad(where, field, "expected an object")
            entries.append(Entry(
                kind="survey_answer",
                title=title,
                question=as_str(detail.get("question"), where, f"{field}.question"),
                answer=as_str(detail.get("answer"), where, f"{field}.answer"),
                author=author,
                at=as_datetime(detail.get("date_time"), where, f"{field}.date_time"),
                id=as_str(detail.get("question_id"), where, f"{field}.question_id"),
            ))  # fmt: skip
    return entries


def build_survey_record(ctx: MeetingContext, definition: Any, report: Any) -> SurveyRecord:
    """The meeting's survey: its questions, then one entry per answer given."""
    title, lines = _questions(definition)
    entries = _answers(report, title)
    title = entries[0].title if entries else title
    roster = ctx.roster.copy()
    for entry in entries:
        lines.append(
            f"{entry.author.name or entry.author.email}: {entry.question} → {entry.answer}"
        )
        if entry.author.email or entry.author.name not in ("", "Anonymous"):
            roster.add(Party(name=entry.author.name, email=entry.author.email))
    return ctx.base(
        SurveyRecord,
        ctx.record_id("survey"),
        title=f"Survey: {title or ctx.title}",
        text="\n".join([f"Survey: {title}", *lines] if title else lines),
        entries=entries,
        participants=roster.parties(),
    )
