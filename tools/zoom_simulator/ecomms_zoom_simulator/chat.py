"""In-meeting chat in both archive formats: JSON (ZOOM_API §4.2) and TXT (§4.4).

A script of messages is generated once per meeting; the JSON file holds all of it (base64
string fields), the TXT file the public and private messages as the client shows them, in
one of the layouts of :mod:`.chat_txt`. Files shared in the chat are listed with the JSON
messages that share them; the meeting offers them as ``physical_files``.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from typing import Any

from ecomms_zoom_simulator.chat_txt import TxtEntry, render_txt
from ecomms_zoom_simulator.people import Person
from ecomms_zoom_simulator.phrases import FLAGGED, ORDINARY

__all__ = ["ChatFiles", "ChatPlan", "build_chat", "hms"]


def hms(seconds: int) -> str:
    """Format elapsed seconds as ``HH:MM:SS``."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass
class ChatPlan:
    """What a meeting's chat contains: who talks, where (location code), which extras."""

    people: list[Person]
    uuid: str = ""
    location: str = "01"
    waiting_room: bool = False
    group_chat: bool = True
    archive_offset: int = 20
    txt_layout: str = "classic"
    more_files: bool = False  # a second message sharing two more files


@dataclass
class ChatFiles:
    """The generated chat: JSON body, TXT body, their message counts, the files shared."""

    json_body: bytes
    txt_body: bytes
    json_count: int
    txt_count: int
    shared: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Script:
    rng: random.Random
    plan: ChatPlan
    clock: int = 30
    messages: list[dict[str, Any]] = field(default_factory=list)
    lines: list[TxtEntry] = field(default_factory=list)

    def msg_id(self) -> str:
        """A fresh, seeded message id."""
        raw = f"{self.rng.getrandbits(128):032x}"
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"

    def add(self, msg_type: int, sender: Person, ext: str | None, **extra: Any) -> dict:
        """Append a JSON message (string fields base64-encoded) a little later than the last."""
        self.clock += self.rng.randint(5, 90)
        msg: dict[str, Any] = {
            "msg_type": msg_type,
            "e_time": hms(self.clock),
            "e_archive_time": hms(max(0, self.clock - self.plan.archive_offset)),
            "s_id": sender.user_id,
            "s_name": _b64(sender.name),
            "s_email": _b64(sender.email),
        }
        if ext is not None:
            msg["msg_id"] = _b64(self.msg_id())
            msg["msg_extended_type"] = ext
        for key, value in extra.items():
            msg[key] = _b64(value) if key in _B64_FIELDS else value
        self.messages.append(msg)
        return msg

    def line(self, sender: Person, receiver: str, text: str, **extra: Any) -> None:
        """Append the TXT entry of the message just added (``private``, ``reply_to``...)."""
        self.lines.append(TxtEntry(hms(self.clock), sender.name, receiver, text, **extra))


_B64_FIELDS = {"msg_content", "r_name", "r_email", "original_msg_id", "parent_msg_id"}
_B64_FIELDS |= {"private_group_id"}


def _public(script: _Script, sender: Person, text: str, **extra: Any) -> dict:
    loc = script.plan.location
    kind = "02" if loc == "02" and not sender.internal else "01"
    msg = script.add(1, sender, f"{loc}{loc}0100{kind}00", msg_content=text, **extra)
    script.line(sender, "Everyone", text)
    return msg


def _private(script: _Script, sender: Person, receiver: Person, text: str) -> dict:
    loc = script.plan.location
    msg = script.add(
        2,
        sender,
        f"{loc}{loc}01000400",
        r_id=receiver.user_id,
        r_name=receiver.name,
        r_email=receiver.email,
        msg_content=text,
    )
    script.line(sender, receiver.name, text, private=True)
    return msg


def _waiting_room(script: _Script, host: Person, guest: Person) -> None:
    script.add(1, guest, "040101000600", msg_content="Hi, I'm waiting to be admitted.")
    script.add(1, host, "010401000500", msg_content="Thanks for waiting, letting you in now.")


def _group_chat(script: _Script, members: list[Person], late: Person) -> None:
    loc = script.plan.location
    group_id = script.msg_id()
    texts = ["Quick side huddle on pricing?", FLAGGED[2], "Agreed, I'll handle it."]
    # msg_type 2 requires r_id, r_name, r_email; a group has no single receiver: all empty
    # (what Zoom puts there for a group is not documented).
    group = {"private_group_id": group_id, "r_id": "", "r_name": "", "r_email": ""}
    for sender, text in zip(members, texts, strict=False):
        script.add(2, sender, f"{loc}{loc}01000700", msg_content=text, **group)
    script.add(2, late, f"{loc}{loc}01000700", msg_content="Joined late, what's up?", **group)


def _edits(script: _Script, people: list[Person], targets: list[dict]) -> None:
    loc = script.plan.location
    sender = people[0]
    oops = _public(script, sender, "Numbers attached are final.")
    script.lines.pop()
    script.add(3, sender, f"{loc}{loc}02000100", original_msg_id=_decode(oops["msg_id"]))
    edited = targets[0]
    script.add(
        6,
        sender,
        f"{loc}{loc}03000100",
        original_msg_id=_decode(edited["msg_id"]),
        msg_content="Volumes were up 14% on the week (corrected).",
    )
    reply_to = targets[-1]
    replier = people[-1]
    script.add(
        7,
        replier,
        f"{loc}{loc}01000100",
        parent_msg_id=_decode(reply_to["msg_id"]),
        msg_content="+1, agreed.",
    )
    script.line(replier, "Everyone", "+1, agreed.", reply_to=_decode(reply_to["msg_content"]))
    reactor = people[1 % len(people)]
    script.add(4, reactor, None, msg_content="👍")
    script.line(reactor, "Everyone", _decode(targets[0]["msg_content"]), reaction="👍")
    script.add(5, people[-1], None)["msg_content"] = "1"


def _decode(value: str) -> str:
    return base64.b64decode(value).decode()


def build_chat(rng: random.Random, plan: ChatPlan) -> ChatFiles:
    """Generate a meeting's chat script and render it as JSON and TXT."""
    script = _Script(rng, plan)
    people = plan.people
    host = people[0]
    guests = [p for p in people if not p.internal]
    if plan.waiting_room and guests:
        _waiting_room(script, host, guests[0])
    sent = []
    for i in range(rng.randint(6, 10)):
        sender = people[i % len(people)]
        text = rng.choice(ORDINARY)
        extra: dict[str, Any] = {}
        if i == 3:
            text = rng.choice(FLAGGED[:2])
        if i == 4:
            extra["files"] = [
                {"fileId": script.msg_id(), "fileName": "Q4 pipeline.xlsx", "fileSize": 48213}
            ]
        if i == 5:
            extra["rich_text"] = [{"start_position": 0, "end_position": 4, "format_type": "Bold"}]
        sent.append(_public(script, sender, text, **extra))
    if len(people) > 1:
        _private(script, people[1], people[0], rng.choice(FLAGGED[1:4]))
        _private(script, people[0], people[1], "Understood, let's discuss later.")
    if plan.group_chat and len(people) > 3:
        _group_chat(script, [*people[1:3], people[1]], people[3])
    _edits(script, people, sent)
    if plan.more_files:
        files = [
            {"fileId": script.msg_id(), "fileName": "Term sheet v3.pdf", "fileSize": 91342},
            {"fileId": script.msg_id(), "fileName": "Roadmap 2027.pptx", "fileSize": 203517},
        ]
        _public(script, people[-1], "Both documents for the follow-up.", files=files)
    body = {"uuid": plan.uuid, "messages": script.messages}
    txt, txt_count = render_txt(script.lines, plan.txt_layout)
    shared = [f for msg in script.messages for f in msg.get("files", [])]
    return ChatFiles(
        json.dumps(body, ensure_ascii=False).encode(), txt, len(script.messages), txt_count, shared
    )
