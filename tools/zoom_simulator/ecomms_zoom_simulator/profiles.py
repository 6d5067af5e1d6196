"""The meeting profiles and :func:`build_account`, which cycles through them."""

from __future__ import annotations

import json
import random
from datetime import timedelta

from ecomms_zoom_simulator.build import PROFILES, REALISTIC, Builder, meeting_uuid
from ecomms_zoom_simulator.chat import ChatPlan
from ecomms_zoom_simulator.config import SimulatorConfig
from ecomms_zoom_simulator.extras import add_polls, add_qa, add_summary, add_survey
from ecomms_zoom_simulator.model import Account, Meeting

__all__ = ["build_account", "fill"]

_OPTIONAL = ("no optional archiving", "join with archiving", "join without archiving")


def _media(b: Builder, meeting: Meeting, video: bool, individual: bool) -> None:
    if video:
        meeting.files.append(b.media(meeting, "MP4", b.mp4_size()))
    meeting.files.append(b.media(meeting, "M4A", b.rng.randint(40_000, 300_000)))
    if individual:
        for attendance in meeting.attendees[:3]:
            audio = b.media(
                meeting,
                "M4A",
                b.rng.randint(20_000, 120_000),
                individual=True,
                participant_email=attendance.person.email,
            )
            audio.join_time, audio.leave_time = attendance.join_time, attendance.leave_time
            meeting.files.append(audio)


def _unknown(b: Builder, meeting: Meeting) -> None:
    activity = {
        "archiving_start_time": meeting.start_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "private_group": [
            {
                "id": "pg-1",
                "createTime": "00:03:10",
                "deleteTime": "00:41:00",
                "actions": [
                    {
                        "email": meeting.attendees[1].person.email,
                        "joinTime": "00:03:10",
                        "leaveTime": "00:41:00",
                    }
                ],
            }
        ],
    }
    meeting.files.append(
        b.text(meeting, "SUBGROUP_ACTIVITY", "subgroup_activity", json.dumps(activity).encode())
    )
    meeting.files.append(
        b.text(meeting, "CSV", "poll_results", b"question,answer\nPriorities,Rates\n")
    )


def _breakout(b: Builder, parent: Meeting) -> Meeting:
    start = parent.start_time + timedelta(minutes=10)
    room = Meeting(
        uuid=meeting_uuid(b.rng, "breakout"),
        number=parent.number,
        type=100,
        topic="Breakout Room 1",
        host=parent.host,
        start_time=start,
        duration_s=min(900, parent.duration_s - 700),
        timezone=parent.timezone,
        complete_time=parent.complete_time,
        group_id=parent.group_id,
        parent_uuid=parent.uuid,
    )
    b.attendees(room, [a.person for a in parent.attendees[1:4]])
    _media(b, room, video=False, individual=False)
    plan = ChatPlan(
        people=[a.person for a in room.attendees], uuid=room.uuid, location="03", group_chat=False
    )
    b.chat_files(room, plan, txt=False, json_=True)
    return room


def fill(b: Builder, meeting: Meeting, profile: str) -> list[Meeting]:
    """Give ``meeting`` its attendees, files and extras as ``profile`` says; the instances
    made (the meeting, and its breakout room for ``full``)."""
    people = b.people_for(meeting, profile)
    if meeting.webinar:
        meeting.panelists = people[1:3]
    b.attendees(meeting, people)
    for index, attendance in enumerate(meeting.attendees):
        if profile in ("full", "personal") and index in (1, 2):
            attendance.optional_archiving = _OPTIONAL[index]
    location = "02" if meeting.webinar else "01"
    plan = ChatPlan(
        people=people,
        uuid=meeting.uuid,
        location=location,
        waiting_room=profile in ("full", "external"),
        more_files=profile == "full" and b.config.profiles == "realistic",
    )
    txt = b.config.txt_chat and profile != "external"
    json_ = b.config.json_chat and profile != "failed"
    b.chat_files(meeting, plan, txt=txt, json_=json_ or not txt)
    _media(b, meeting, video=profile != "external", individual=profile in ("personal", "full"))
    if profile != "external":
        b.vtt_files(meeting, transcript=True, captions=profile in ("full", "processing", "webinar"))
    if profile in ("full", "webinar"):
        add_polls(b.rng, meeting)
        add_survey(b.rng, meeting)
    if profile in ("full", "webinar", "personal"):
        add_qa(b.rng, meeting)
    if profile in ("full", "processing", "personal", "solo"):
        add_summary(b.rng, meeting)
    if profile == "webinar":  # its own generator: the rest of the account stays as it was
        add_summary(random.Random(f"{b.config.seed}:{meeting.uuid}:summary"), meeting)
    if b.config.file_types == "undocumented" and profile == "full":
        _unknown(b, meeting)
    _finish(meeting, profile)
    if b.config.profiles == "realistic":  # the primary groups of its account participants
        groups = [a.person.group_id for a in meeting.attendees if a.person.group_id]
        meeting.group_id = ",".join(dict.fromkeys(groups))
    return [meeting, _breakout(b, meeting)] if profile == "full" else [meeting]


def _finish(meeting: Meeting, profile: str) -> None:
    if profile == "failed":
        meeting.files[-1].status = meeting.files[-1].final_status = "failed"
    if profile == "processing":
        meeting.status, meeting.complete_time = "processing", None
        for archive_file in meeting.files:
            archive_file.status = "processing"
        meeting.files[-1].final_status = "failed"


def build_account(config: SimulatorConfig) -> Account:
    """Generate the account ``config`` describes; the same config gives the same account."""
    b = Builder(config)
    meetings: list[Meeting] = []
    cycle = REALISTIC if config.profiles == "realistic" else PROFILES
    for index in range(config.meetings):
        profile = cycle[index % len(cycle)]
        meetings += fill(b, b.new_meeting(index, profile), profile)
    external = [m for m in meetings if m.external]
    for ordinal, meeting in enumerate(external):
        meeting.refusal = (300, 1010)[ordinal % 2]
    return Account(
        id=config.account_id,
        name="Sim Bank & Co. 🏦",
        users=b.users,
        groups=b.groups,
        meetings=meetings,
    )
