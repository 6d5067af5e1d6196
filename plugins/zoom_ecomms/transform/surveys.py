"""SurveyRecord: the survey's questions and every respondent's answers."""

from __future__ import annotations

from core.records import Entry, SurveyRecord
from plugins.zoom_ecomms.models import SurveyDefinition, SurveyReport, zoom_time

from .meeting import MeetingContext
from .respondents import add_respondent, question_line, respondent

__all__ = ["build_survey_record"]


def _questions(definition: SurveyDefinition | None) -> tuple[str, list[str]]:
    survey = definition.custom_survey if definition is not None else None
    if survey is None:
        return "", []
    return survey.title, [question_line(q.name, q.answers) for q in survey.questions]


def _answers(report: SurveyReport | None, title: str) -> list[Entry]:
    if report is None:
        return []
    title = report.survey_name or title
    entries = []
    for item in report.survey_answers:
        author = respondent(item.name, item.email, item.first_name, item.last_name)
        for detail in item.answer_details:
            entries.append(Entry(
                kind="survey_answer",
                title=title,
                question=detail.question,
                answer=detail.answer,
                author=author,
                at=zoom_time(detail.date_time),
                id=detail.question_id,
            ))  # fmt: skip
    return entries


def build_survey_record(
    ctx: MeetingContext, definition: SurveyDefinition | None, report: SurveyReport | None
) -> SurveyRecord:
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
