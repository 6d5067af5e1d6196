"""SurveyRecord: the survey's questions and every respondent's answers."""

from __future__ import annotations

from typing import Any

from core.records import Entry, SurveyRecord

from .meeting import MeetingContext
from .respondents import add_respondent, answers, object_body, question_line
from .values import as_datetime, as_list, as_str, bad

__all__ = ["build_survey_record"]


def _questions(definition: Any) -> tuple[str, list[str]]:
    where = "payload survey_definition"
    definition = object_body(definition, where)
    if definition is None:
        return "", []
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
        lines.append(question_line(name, [str(option) for option in options]))
    return title, lines


def _answers(report: Any, title: str) -> list[Entry]:
    where = "payload survey_report"
    report = object_body(report, where)
    if report is None:
        return []
    title = as_str(report.get("survey_name"), where, "survey_name") or title
    entries = []
    for author, detail, field, _ in answers(report, where, "survey_answers", "answer_details"):
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
        add_respondent(roster, entry.author)
    return ctx.base(
        SurveyRecord,
        ctx.record_id("survey"),
        title=f"Survey: {title or ctx.title}",
        text="\n".join([f"Survey: {title}", *lines] if title else lines),
        entries=entries,
        participants=roster.parties(),
    )
