"""Polls, Q&A, surveys and AI Companion summaries of a meeting (ZOOM_API §6.6–6.8)."""

from __future__ import annotations

import functools
import random
from datetime import datetime, timedelta

from ecomms_zoom_simulator.model import Meeting
from ecomms_zoom_simulator.phrases import QUESTIONS

__all__ = ["add_polls", "add_qa", "add_summary", "add_survey", "iso"]


@functools.lru_cache(maxsize=65536)
def iso(moment: datetime) -> str:
    """Format a UTC datetime as Zoom does: ``yyyy-MM-ddTHH:mm:ssZ``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _question(name: str, qtype: str, answers: list[str]) -> dict:
    return {
        "name": name,
        "type": qtype,
        "answer_required": False,
        "show_as_dropdown": False,
        "answers": answers,
        "right_answers": [],
        "case_sensitive": False,
        "answer_min_character": 1,
        "answer_max_character": 200,
        "rating_min_value": 1,
        "rating_max_value": 5,
        "rating_min_label": "Poor",
        "rating_max_label": "Great",
        "prompts": [],
    }


def add_polls(rng: random.Random, meeting: Meeting) -> None:
    """Give the meeting one poll and every attendee's answers."""
    poll_id = f"{rng.getrandbits(64):016x}"
    anonymous = rng.random() < 0.3
    q1 = _question("Which product line should we prioritise?", "single", ["Rates", "Credit", "FX"])
    q2 = _question("Any concerns about the launch?", "short_answer", [])
    meeting.polls = [
        {
            "id": poll_id,
            "status": "ended",
            "anonymous": anonymous,
            "poll_type": 1,
            "title": "Priorities check",
            "questions": [q1, q2],
        }
    ]
    at = meeting.start_time + timedelta(minutes=12)
    for attendance in meeting.attendees[1:]:
        person = attendance.person
        details = [
            {
                "question": q1["name"],
                "answer": rng.choice(q1["answers"]),
                "polling_id": poll_id,
                "date_time": iso(at),
            },
            {
                "question": q2["name"],
                "answer": rng.choice(["None", "Timeline is tight", "—"]),
                "polling_id": poll_id,
                "date_time": iso(at + timedelta(seconds=40)),
            },
        ]
        meeting.poll_answers.append(
            {
                "name": "Anonymous" if anonymous else person.name,
                "email": "" if anonymous else person.email,
                "question_details": details,
            }
        )


def add_qa(rng: random.Random, meeting: Meeting) -> None:
    """Give the meeting a few Q&A questions, answered live or in writing, some anonymous."""
    for attendance in meeting.attendees[1:4]:
        anonymous = rng.random() < 0.25
        person = attendance.person
        answer = rng.choice(
            [
                "live answered",
                "Yes, the slides will be emailed.",
                "I guarantee you will make money.",
            ]
        )
        meeting.qa.append(
            {
                "name": "Anonymous" if anonymous else person.name,
                "email": "" if anonymous else person.email,
                "question_details": [{"question": rng.choice(QUESTIONS), "answer": answer}],
            }
        )


def add_survey(rng: random.Random, meeting: Meeting) -> None:
    """Give the meeting a post-meeting survey and the attendees' answers."""
    q1 = _question("How useful was this session?", "rating_scale", [])
    q2 = _question("What should we cover next time?", "long_answer", [])
    meeting.survey = {
        "title": "Session feedback",
        "anonymous": False,
        "numbered_questions": True,
        "show_question_type": False,
        "feedback": "Thank you for your feedback!",
        "questions": [q1, q2],
    }
    at = meeting.end_time + timedelta(minutes=2)
    for index, attendance in enumerate(meeting.attendees[1:]):
        person = attendance.person
        meeting.survey_answers.append(
            {
                "email": person.email,
                "name": person.name,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "answer_details": [
                    {
                        "question": q1["name"],
                        "question_id": "q1",
                        "answer": str(rng.randint(3, 5)),
                        "date_time": iso(at + timedelta(seconds=index)),
                    },
                    {
                        "question": q2["name"],
                        "question_id": "q2",
                        "answer": rng.choice(
                            ["More on hedging", "Client case studies", "Q&A time"]
                        ),
                        "date_time": iso(at + timedelta(seconds=index + 30)),
                    },
                ],
            }
        )


def add_summary(rng: random.Random, meeting: Meeting) -> None:
    """Give the meeting an AI Companion summary, sometimes edited by the host."""
    start = meeting.start_time + timedelta(seconds=rng.randint(5, 60))
    created = meeting.end_time + timedelta(minutes=rng.randint(1, 9))
    details = [
        {"label": "Pipeline", "summary": "The team reviewed volumes, up 12% on the week."},
        {"label": "Follow-ups", "summary": "Legal sign-off is needed before the next step."},
    ]
    meeting.summary = {
        "summary_start_time": iso(start),
        "summary_end_time": iso(meeting.end_time),
        "summary_created_time": iso(created),
        "summary_last_modified_time": iso(created + timedelta(minutes=rng.choice([0, 14]))),
        "summary_title": f"Meeting summary for {meeting.topic}",
        "summary_overview": "Volumes, hedging assumptions and onboarding status were discussed.",
        "summary_details": details,
        "next_steps": ["Send the updated term sheet", "Book legal review"],
        "edited_summary": {
            "summary_details": "Volumes up 12%; legal review booked.",
            "next_steps": ["Send the updated term sheet"],
        },
    }
