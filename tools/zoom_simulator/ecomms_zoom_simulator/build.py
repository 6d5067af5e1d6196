"""Seeded generation of a whole simulated account: same seed, same account.

Top-level instances cycle through six profiles so that even a small account holds every
case a connector must handle: an internal meeting with a breakout room and everything
enabled, a webinar, an external meeting, an archive still processing, a meeting with a
failed file and TXT-only chat, and a personal-room meeting with per-participant audio. The
``realistic`` set adds a one-person meeting and a second external meeting (eight profiles).
"""

from __future__ import annotations

import base64
import random
from datetime import datetime, timedelta

from ecomms_zoom_simulator.attachments import attachment_blob
from ecomms_zoom_simulator.captions import build_vtt
from ecomms_zoom_simulator.chat import ChatPlan, build_chat
from ecomms_zoom_simulator.chat_txt import MIXED
from ecomms_zoom_simulator.config import SimulatorConfig
from ecomms_zoom_simulator.media import MediaBlob, TextBlob, shared_block
from ecomms_zoom_simulator.model import ArchiveFile, Attachment, Attendance, Meeting
from ecomms_zoom_simulator.people import make_guests, make_users
from ecomms_zoom_simulator.phrases import TOPICS

__all__ = ["PROFILES", "REALISTIC", "Builder", "meeting_uuid"]

PROFILES = ("full", "webinar", "external", "processing", "failed", "personal")
REALISTIC = ("full", "webinar", "external", "processing", "failed", "solo", "personal", "external")
_ZONES = ("America/New_York", "Europe/London", "Asia/Shanghai", "Europe/Paris")


def meeting_uuid(rng: random.Random, profile: str) -> str:
    """A base64 instance UUID; the ``full`` and ``external`` profiles get awkward ones."""
    text = base64.b64encode(rng.randbytes(16)).decode()
    if profile == "full":
        return "/" + text[1:]
    if profile == "external":
        return text[:6] + "//" + text[8:]
    return text


class Builder:
    """Seeded makers of meetings, files and attendees (shared by the profiles)."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.block = shared_block(config.seed)
        self.users, self.groups = make_users(self.rng, "sim-bank.example.com")
        self.guests = make_guests()
        self.txt_files = 0

    def file_id(self) -> str:
        """A fresh, seeded UUID-style id."""
        raw = f"{self.rng.getrandbits(128):032x}"
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"

    def media(self, meeting: Meeting, file_type: str, size: int, **kw) -> ArchiveFile:
        """A generated audio or video file spanning the meeting."""
        fid = self.file_id()
        recording = "audio_only" if file_type == "M4A" else "shared_screen_with_speaker_view"
        if self.config.small_media:
            size = 2048 + size % 6144
        return ArchiveFile(
            id=fid,
            file_type=file_type,
            recording_type=recording,
            blob=MediaBlob(self.block, f"{self.config.seed}:{fid}", size, file_type),
            join_time=meeting.start_time + timedelta(seconds=5),
            leave_time=meeting.end_time,
            **kw,
        )

    def text(
        self, meeting: Meeting, file_type: str, recording: str, data: bytes, **kw
    ) -> ArchiveFile:
        """A small in-memory file (chat, VTT, JSON) spanning the meeting."""
        return ArchiveFile(
            id=self.file_id(),
            file_type=file_type,
            recording_type=recording,
            blob=TextBlob(data),
            join_time=meeting.start_time + timedelta(seconds=5),
            leave_time=meeting.end_time,
            **kw,
        )

    def attendees(self, meeting: Meeting, people: list) -> None:
        """Add attendance records for ``people`` (the first is the host)."""
        for index, person in enumerate(people):
            join = meeting.start_time + timedelta(seconds=index * self.rng.randint(3, 40))
            leave = meeting.end_time - timedelta(seconds=self.rng.randint(0, 120))
            role = "host" if index == 0 else "attendee"
            if meeting.webinar and person in meeting.panelists:
                role = "panelist"
            meeting.attendees.append(
                Attendance(
                    person=person,
                    join_time=join,
                    leave_time=leave,
                    role=role,
                    participant_uuid=self.file_id().upper(),
                    user_id=str(16778240 + index),
                )
            )

    def txt_layout(self, txt: bool) -> str:
        """The layout of the next TXT chat: the configured one, or under ``mix`` each in turn."""
        layout = self.config.txt_layout
        if layout == "mix" and txt:
            self.txt_files += 1
            return MIXED[(self.txt_files - 1) % len(MIXED)]
        return "classic" if layout == "mix" else layout

    def chat_files(self, meeting: Meeting, plan: ChatPlan, txt: bool, json_: bool) -> None:
        """Add the meeting's chat in the chosen formats, and the files shared in it."""
        plan.txt_layout = self.txt_layout(txt)
        chat = build_chat(self.rng, plan)
        for shared in chat.shared:
            blob = attachment_blob(self.config.seed, shared["fileId"], shared["fileSize"])
            meeting.attachments.append(Attachment(shared["fileId"], shared["fileName"], blob))
        if json_:
            meeting.files.append(
                self.text(
                    meeting,
                    "CHAT_MESSAGE",
                    "chat_message",
                    chat.json_body,
                    number_of_messages=chat.json_count,
                )
            )
        if txt:
            meeting.files.append(
                self.text(
                    meeting, "CHAT", "chat_file", chat.txt_body, number_of_messages=chat.txt_count
                )
            )

    def vtt_files(self, meeting: Meeting, transcript: bool, captions: bool) -> None:
        """Add an audio transcript and/or closed captions."""
        speakers = [a.person for a in meeting.attendees[:3]]
        if transcript:
            data = build_vtt(self.rng, speakers, meeting.duration_s, numbered=True, flagged=True)
            kind = ("CC", "closed_caption")
            if self.config.file_types != "documented":
                kind = ("TRANSCRIPT", "audio_transcript")
            meeting.files.append(self.text(meeting, *kind, data))
        if captions:
            data = build_vtt(self.rng, speakers, meeting.duration_s, numbered=False, flagged=False)
            meeting.files.append(self.text(meeting, "CC", "closed_caption", data))

    def mp4_size(self) -> int:
        """The size of the next MP4 (``media_size`` when configured)."""
        return self.config.media_size or self.rng.randint(150_000, 1_200_000)

    def new_meeting(self, index: int, profile: str, ended: datetime | None = None) -> Meeting:
        """A meeting instance placed at its slot of the account's fortnight (or that ended
        at ``ended``, its archive completing then)."""
        total = max(1, self.config.meetings)
        slot = timedelta(days=13) * index / total
        jitter = timedelta(minutes=self.rng.randint(0, 90))
        start = (self.config.base() - timedelta(days=14) + slot + jitter).replace(microsecond=0)
        duration = self.rng.randint(20, 90) * 60 + self.rng.randint(0, 59)
        if ended is not None:
            start = ended - timedelta(seconds=duration)
        mtype = {
            "full": 2,
            "webinar": self.rng.choice((5, 9)),
            "external": 2,
            "processing": 8,
            "failed": 1,
            "personal": 4,
            "solo": 2,
        }[profile]
        host = self.rng.choice(self.users[:6])
        complete = start + timedelta(seconds=duration, minutes=self.rng.randint(5, 120))
        if ended is not None:
            complete = ended
        meeting = Meeting(
            uuid=meeting_uuid(self.rng, profile),
            number=self.rng.randrange(81_000_000_000, 99_999_999_999),
            type=mtype,
            topic=TOPICS[index % len(TOPICS)],
            host=host,
            start_time=start,
            duration_s=duration,
            timezone=self.rng.choice(_ZONES),
            complete_time=complete,
            group_id=host.group_id,
            external=profile == "external",
            webinar=mtype in (5, 6, 9),
        )
        if profile == "webinar":
            meeting.topic = "Product launch webinar 🚀"
        return meeting

    def people_for(self, meeting: Meeting, profile: str) -> list:
        """Who attends: host first, then colleagues and outside guests."""
        others = [u for u in self.users if u is not meeting.host]
        self.rng.shuffle(others)
        guests = list(self.guests)
        self.rng.shuffle(guests)
        if profile == "external":
            return [guests[0], meeting.host, guests[1], guests[2]]
        if profile == "personal":
            return [meeting.host, others[0], guests[0]]
        if profile == "solo":
            return [meeting.host]
        count = self.rng.randint(3, 5)
        return [meeting.host, *others[:count], *guests[: self.rng.randint(1, 2)]]
