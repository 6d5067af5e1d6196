"""The TXT chat archive (CHAT, ZOOM_API §4.4): every layout Zoom is known to write.

Zoom publishes no grammar for it. A message starts with a head line:

* ``HH:MM:SS From <sender> to <receiver>: <text>`` — one or two spaces around the names,
  ``to`` in any case (``To``); the text on the same line and/or on the following
  tab-indented line(s); the receiver is ``Everyone`` (public), ``Everyone … Waiting Room``,
  hosts and panelists, or a person (private), possibly marked ``(Direct Message)``,
  ``(privately)`` or ``(Privately)``, with or without a space before it;
* ``HH:MM:SS From <sender> : <text>`` — no receiver (public);
* ``HH:MM:SS<TAB><sender>:<TAB><text>`` — the cloud-recording layout (public).

A message whose text starts with ``Replying to "<quote>":`` is a reply, one that reads
``Reacted to "<quote>" with <emoji>`` a reaction, each linked to the latest earlier message
the quote matches (Zoom cuts long quotes with ``...``); when none matches, the message is
kept as written. A line that matches nothing continues the message before it when it is
tab-indented, or when that message's text began on its head line (Zoom writes the lines of
a multi-line message unindented in the one-line layouts); any other such line (before the
first message, or after a message written on indented lines) is never dropped nor pinned
on a sender: it is kept in the chat log's ``unmatched`` lines, named by file and line.
Times are taken as elapsed time since the meeting start, as in the JSON format.
"""

from __future__ import annotations

import re
from datetime import datetime

from core.records import Message, Party

from .chat_items import ChatLog
from .participants import Roster
from .values import HMS, decode_text, hms_seconds, shifted

__all__ = ["parse_txt_chat"]

_FROM = re.compile(
    r"^(\d{1,2}:\d{2}:\d{2})\s+From\s{1,2}([^:]+?)\s{1,2}to\s{1,2}(.+?)\s?:(?:\s?(.*))?$",
    re.IGNORECASE,
)
_FROM_ALONE = re.compile(
    r"^(\d{1,2}:\d{2}:\d{2})\s+From\s{1,2}(.+?)\s?:(?:\s?(.*))?$", re.IGNORECASE
)
_CLOUD = re.compile(r"^(\d{1,2}:\d{2}:\d{2})\t([^\t]+?)\s?:\t?(.*)$")
_PRIVATE_MARK = re.compile(r"\s*\((?:direct message|privately|private)\)\s*$", re.IGNORECASE)
_REPLY = re.compile(r'^Replying to "(.*)":\s?(.*)$', re.DOTALL)
_REACTION = re.compile(r'^Reacted to "(.*)" with (\S.*)$', re.DOTALL)


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


def _quoted(quote: str, text: str) -> bool:
    """Whether ``quote`` (Zoom's possibly cut quotation) quotes ``text``."""
    flat = " ".join(text.split("\n"))
    if quote.endswith("...") and len(quote) > 3:
        return flat.startswith(quote[:-3])
    return flat == quote


class _TxtParser:
    """Builds chat items line by line."""

    def __init__(self, label: str, start: datetime | None, roster: Roster) -> None:
        self.label = label
        self.start = start
        self.roster = roster
        self.log = ChatLog()
        self.open = False  # the last message may still take continuation lines
        self.inline = False  # the last message's head held text: unindented lines continue it

    def party(self, name: str) -> Party:
        """A Party for a display name, with the email and id of the participant of that name."""
        known = self.roster.find(Party(name=name))
        if known is None:
            return Party(name=name)
        return Party(name=name, email=known.email, id=known.id)

    def add(self, offset: str, sender: str, receiver: str | None, text: str) -> bool:
        """Append one message (``receiver`` None: a layout without a receiver); False when
        ``offset`` is no elapsed time (the line is then kept unmatched)."""
        if HMS.fullmatch(offset.zfill(8)) is None:
            return False
        seconds = hms_seconds(offset.zfill(8), self.label, "offset")
        name, route, kind = (
            _receiver_route(receiver) if receiver is not None else ("", "public", "")
        )
        message = Message(
            id=f"txt-{len(self.log.messages) + 1}",
            thread_id="",
            sender=self.party(sender.strip()),
            receivers=[self.party(name)] if name else [],
            text=text.rstrip(),
            offset=offset.zfill(8),
            sent_at=shifted(self.start, seconds),
            receiver_kind=kind,
        )
        self.log.add(message, route, seconds)
        self.open, self.inline = True, bool(text.strip())
        return True

    def feed(self, raw: str, number: int) -> None:
        """Consume line ``number``: a new message, a continuation, or a line kept unmatched."""
        line = raw.rstrip("\r\n")
        match = _FROM.match(line)
        if match and self.add(match[1], match[2], match[3], match[4] or ""):
            return
        match = _FROM_ALONE.match(line) or _CLOUD.match(line)
        if match and self.add(match[1], match[2], None, match[3] or ""):
            return
        if not line.strip():
            return
        if self.open and (self.inline or line.startswith("\t")):
            last = self.log.messages[-1]
            piece = line.lstrip("\t").rstrip()
            last.text = f"{last.text}\n{piece}" if last.text else piece
            return
        self.open = False
        self.log.unmatched.append(f"{self.label} line {number}: {line.strip()}")

    def link(self) -> None:
        """Turn ``Replying to "…":`` and ``Reacted to "…" with …`` messages into replies and
        reactions of the message they quote (when one does)."""
        messages = self.log.messages
        for index, message in enumerate(messages):
            reply = _REPLY.match(message.text)
            reaction = None if reply else _REACTION.match(message.text)
            found = reply or reaction
            if found is None:
                continue
            original = next(
                (m for m in reversed(messages[:index]) if _quoted(found[1], m.text)), None
            )
            if original is None:
                continue
            message.refers_to = original.id
            message.action = "reply" if reply else "reaction"
            message.text = found[2].strip()


def parse_txt_chat(
    data: bytes, label: str, start: datetime | None, roster: Roster, errors: list[str]
) -> ChatLog:
    """Parse a TXT chat file into a chat log, in file order; names are matched to ``roster``.

    Nothing fails the file: bytes that are not UTF-8 are named in ``errors`` (and shown as
    U+FFFD), lines that are no message kept in the log's ``unmatched``.
    """
    content = decode_text(data, label, errors)
    parser = _TxtParser(label, start, roster)
    for number, line in enumerate(content.splitlines(), start=1):
        parser.feed(line, number)
    parser.link()
    return parser.log
