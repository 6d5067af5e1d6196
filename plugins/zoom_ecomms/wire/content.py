"""Polls (definitions and results), Q&A, surveys (definitions and reports) and AI Companion
summaries (list and one), after Zoom's published schemas and the Rivet types."""

from __future__ import annotations

from typing import Any

import msgspec

from plugins.zoom_ecomms.wire.base import ZoomModel

__all__ = [
    "CustomSurvey",
    "EditedSummary",
    "MeetingSummary",
    "Poll",
    "PollAnswer",
    "PollList",
    "PollPrompt",
    "PollQuestion",
    "PollRespondent",
    "PollResults",
    "QaItem",
    "QaRespondent",
    "QaResults",
    "SummaryDetail",
    "SummaryList",
    "SummaryListItem",
    "SurveyAnswer",
    "SurveyDefinition",
    "SurveyPrompt",
    "SurveyQuestion",
    "SurveyReport",
    "SurveyRespondent",
]


def _list() -> Any:
    return msgspec.field(default_factory=list)


class PollPrompt(ZoomModel):
    """A prompt of a matching / rank-order question."""

    prompt_question: str = ""
    prompt_right_answers: list[str] = _list()


class PollQuestion(ZoomModel):
    """A poll question; ``type`` is single, multiple, matching, rank_order, short_answer,
    long_answer, fill_in_the_blank or rating_scale (lists may be empty, whatever the spec's
    ``minItems`` says)."""

    name: str = ""
    type: str = ""
    answers: list[str] = _list()
    right_answers: list[str] = _list()
    answer_required: bool | None = None
    show_as_dropdown: bool | None = None
    case_sensitive: bool | None = None
    answer_min_character: int | None = None
    answer_max_character: int | None = None
    rating_min_value: int | None = None
    rating_max_value: int | None = None
    rating_min_label: str = ""
    rating_max_label: str = ""
    prompts: list[PollPrompt] = _list()


class Poll(ZoomModel):
    """A poll definition (``poll_type``: 1 poll, 2 advanced, 3 quiz)."""

    id: str = ""
    status: str = ""
    anonymous: bool | None = None
    poll_type: int | None = None
    title: str = ""
    questions: list[PollQuestion] = _list()


class PollList(ZoomModel):
    """``GET /meetings|webinars/{id}/polls``."""

    total_records: int | None = None
    polls: list[Poll] = _list()


class PollAnswer(ZoomModel):
    """One answer of a respondent (``polling_id`` names the poll)."""

    question: str = ""
    answer: str = ""
    polling_id: str = ""
    date_time: str = ""


class PollRespondent(ZoomModel):
    """One respondent of the poll results (``name`` anonymised for anonymous polls)."""

    name: str = ""
    email: str = ""
    question_details: list[PollAnswer] = _list()


class PollResults(ZoomModel):
    """``GET /past_meetings|past_webinars/{id}/polls``."""

    id: int | str | None = None
    uuid: str = ""
    start_time: str = ""
    questions: list[PollRespondent] = _list()


class QaItem(ZoomModel):
    """One question and its answer (``live answered`` for an answer given live)."""

    question: str = ""
    answer: str = ""


class QaRespondent(ZoomModel):
    """One asker (``Anonymous`` when asked anonymously)."""

    name: str = ""
    email: str = ""
    question_details: list[QaItem] = _list()


class QaResults(ZoomModel):
    """``GET /past_meetings|past_webinars/{id}/qa``."""

    id: int | str | None = None
    uuid: str = ""
    start_time: str = ""
    questions: list[QaRespondent] = _list()


class SurveyPrompt(ZoomModel):
    """A prompt of a survey question."""

    prompt_question: str = ""


class SurveyQuestion(ZoomModel):
    """A survey question (the same eight types as poll questions)."""

    name: str = ""
    type: str = ""
    answer_required: bool | None = None
    show_as_dropdown: bool | None = None
    answers: list[str] = _list()
    prompts: list[SurveyPrompt] = _list()
    answer_min_character: int | None = None
    answer_max_character: int | None = None
    rating_min_value: int | None = None
    rating_max_value: int | None = None
    rating_min_label: str = ""
    rating_max_label: str = ""


class CustomSurvey(ZoomModel):
    """The survey Zoom hosts for the meeting."""

    title: str = ""
    anonymous: bool | None = None
    numbered_questions: bool | None = None
    show_question_type: bool | None = None
    feedback: str = ""
    questions: list[SurveyQuestion] = _list()


class SurveyDefinition(ZoomModel):
    """``GET /meetings|webinars/{id}/survey``.

    ``third_party_survey`` is a link (a string, as Zoom documents); an object is accepted too.
    """

    custom_survey: CustomSurvey | None = None
    show_in_the_browser: bool | None = None
    show_in_the_follow_up_email: bool | None = None
    third_party_survey: str | dict[str, Any] | None = None


class SurveyAnswer(ZoomModel):
    """One answer of a survey respondent."""

    question: str = ""
    question_id: str = ""
    answer: str = ""
    date_time: str = ""


class SurveyRespondent(ZoomModel):
    """One respondent of a survey report."""

    email: str = ""
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    answer_details: list[SurveyAnswer] = _list()


class SurveyReport(ZoomModel):
    """``GET /report/meetings|webinars/{id}/survey`` (``meeting_*`` or ``webinar_*`` ids)."""

    meeting_id: int | str | None = None
    meeting_uuid: str = ""
    webinar_id: int | str | None = None
    webinar_uuid: str = ""
    start_time: str = ""
    survey_id: str = ""
    survey_name: str = ""
    survey_answers: list[SurveyRespondent] = _list()


class SummaryListItem(ZoomModel):
    """One item of ``GET /meetings/meeting_summaries`` (meetings and webinars)."""

    meeting_host_id: str = ""
    meeting_host_email: str = ""
    meeting_uuid: str = ""
    meeting_id: int | str | None = None
    meeting_topic: str = ""
    meeting_start_time: str = ""
    meeting_end_time: str = ""
    summary_start_time: str = ""
    summary_end_time: str = ""
    summary_created_time: str = ""
    summary_last_modified_time: str = ""


class SummaryList(ZoomModel):
    """One page of ``GET /meetings/meeting_summaries``."""

    page_size: int | None = None
    next_page_token: str = ""
    from_: str = msgspec.field(default="", name="from")
    to: str = ""
    summaries: list[SummaryListItem] = _list()


class SummaryDetail(ZoomModel):
    """One labelled section of a summary."""

    label: str = ""
    summary: str = ""


class EditedSummary(ZoomModel):
    """The host's edit of a summary (``summary_details`` is text in Zoom's types; a list of
    sections is accepted too)."""

    summary_details: str | list[SummaryDetail] = ""
    next_steps: list[str] = _list()


class MeetingSummary(SummaryListItem):
    """``GET /meetings/{meetingId}/meeting_summary`` (a meeting's or a webinar's)."""

    summary_title: str = ""
    summary_overview: str = ""
    summary_details: list[SummaryDetail] = _list()
    next_steps: list[str] = _list()
    edited_summary: EditedSummary | None = None
    summary_content: str = ""
