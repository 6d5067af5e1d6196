"""The TXT chat archive (CHAT, ZOOM_API §4.4): the layouts Zoom is known to write.

* ``HH:MM:SS From <sender> to <receiver>: <text>`` — one or two spaces around names, the
  text on the same line or on the following tab-indented line(s); the receiver is
  ``Everyone`` (public) or a person (private), possibly followed by ``(Direct Message)``
  or ``(Privately)``.
* ``HH:MM:SS<TAB><sender>:<TAB><text>`` — the cloud-recording layout (no receiver: public).

Lines that follow a message and match neither layout continue that message's text.
Times are taken as elapsed time since the meeting start, as in the JSON format.
"""

from __future__ import annotations

import re
from datetime import datetime

from core.records import Message, Party

from .chat_items import ChatLog
from .participants import Roster
from .values import bad, hms_seconds, shifted

__all__ = ["parse_txt_chat"]

_FROM = re.compile(
    r"^(\d{1,2}:\d{2}:\d{2})\s+From\s{1,2}(.+?)\s{1,2}to\s{1,2}(.+?)\s?:(?:\s?(.*))?$"
)
_CLOUD = re.compile(r"^(\d{1,2}:\d{2}:\d{2})\t([^\t]+?)\s?:\t?(.*)$")
_PRIVATE_MARK = re.compile(r"\s*\((?:direct message|privately|private)\)\s*$", re.IGNORECASE)


def _receiver_route(receiver: str) -> tuple[str, str, str]:
    """(receiver name, route, receiver kind) of a TXT receiver."""
    plain = _PRIVATE_MARK.sub("", receiver).strip()
    lowered = plain.lower()
    if lowered.startswith("everyone"):
        if "waiting room" in lowered:
            return "", "waiting_room", "waiting_room"
        return "", "public", "everyone"
    if "panelist" in lowered:
        return "", "panelists", "hosts_and_panelists"
    return plain, "private", "direct"


class _TxtParser:
    """Builds chat items line by line."""

    def __init__(self, label: str, start: datetime | None, roster: Roster) -> None:
        self.label = label
        self.start = start
        self.roster = roster
        self.log = ChatLog()

    def party(self, name: str) -> Party:
        """A Party for a display name, with the email and id of the participant of that name."""
        known = self.roster.find(Party(name=name))
        if known is None:
            return Party(name=name)
        return Party(name=name, email=known.email, id=known.id)

    def add(self, offset: str, sender: str, receiver: str | None, text: str, line: int) -> None:
        """Append one message (``receiver`` None: the layout without a receiver)."""
        seconds = hms_seconds(offset.zfill(8), self.label, f"line {line}")
        name, route, kind = (
            _receiver_route(receiver) if receiver is not None else ("", "public", "")
        )
        message = Message(
            id=f"txt-{len(self.log.messages) + 1}",
            thread_id="",
            sender=self.party(sender.strip()),
            receivers=[self.party(name)] if name else [],
            text=text,
            offset=offset.zfill(8),
            sent_at=shifted(self.start, seconds),
            receiver_kind=kind,
        )
        self.log.add(message, route, seconds)

    def feed(self, raw: str, number: int) -> None:
        """Consume line ``number``: a new message, a continuation, or a blank line."""
        line = raw.rstrip("\r\n")
        match = _FROM.match(line)
        if match:
            self.add(match[1], match[2], match[3], match[4] or "", number)
            return
        match = _CLOUD.match(line)
        if match:
            self.add(match[1], match[2], None, match[3], number)
            return
        if not line.strip():
            return
        if not self.log.messages:
            raise bad(
                self.label,
                f"line {number}",
                "not a chat line (expected 'HH:MM:SS From A to B: text')",
            )
        last = self.log.messages[-1]
        piece = line.lstrip("\t").rstrip()
        last.text = f"{last.text}\n{piece}" if last.text else piece


def parse_txt_chat(data: bytes, label: str, start: datetime | None, roster: Roster) -> ChatLog:
    """Parse a TXT chat file into a chat log, in file order; names are matched to ``roster``."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise bad(label, f"byte {exc.start}", "not UTF-8 text") from None
    parser = _TxtParser(label, start, roster)
    for number, line in enumerate(content.splitlines(), start=1):
        parser.feed(line, number)
    return parser.log
