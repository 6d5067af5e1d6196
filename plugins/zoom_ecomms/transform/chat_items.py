"""What the chat parsers hand the conversation builder: messages with their routing.

A route names the thread a message belongs to before threads exist: ``public``,
``private`` (keyed by its two parties), ``subgroup:<private group id>``,
``waiting_room``, ``breakout``, ``backstage`` or ``panelists``. Replies, edits and
deletions follow the thread of the message they refer to when it is known.
"""

from __future__ import annotations

from core.records import Message

__all__ = [
    "ACTIONS",
    "FEEDBACK",
    "LOCATIONS",
    "RECEIVER_KINDS",
    "ChatLog",
    "route_for",
]

LOCATIONS = {
    "01": "meeting",
    "02": "webinar",
    "03": "breakout_room",
    "04": "waiting_room",
    "05": "backstage",
}
ACTIONS = {"01": "sent", "02": "deleted", "03": "edited"}
RECEIVER_KINDS = {
    "01": "everyone",
    "02": "hosts_and_panelists",
    "03": "panelists_cc_attendee",
    "04": "direct",
    "05": "waiting_room",
    "06": "hosts",
    "07": "private_group",
}
FEEDBACK = {"1": "raised hand", "2": "yes", "3": "no"}

_AWAY = {"waiting_room": "waiting_room", "breakout_room": "breakout", "backstage": "backstage"}


class ChatLog:
    """Parsed chat events in file order: ``messages[i]`` has route ``routes[i]`` and was sent
    ``seconds[i]`` after the meeting start. A sub-group route is ``subgroup:<group id>``.
    ``unmatched`` holds the lines of a file that are no message (``<file> line N: text``).
    """

    __slots__ = ("messages", "routes", "seconds", "unmatched")

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.routes: list[str] = []
        self.seconds: list[int] = []
        self.unmatched: list[str] = []

    def add(self, message: Message, route: str, seconds: int) -> None:
        """Append one event."""
        self.messages.append(message)
        self.routes.append(route)
        self.seconds.append(seconds)

    def extend(self, other: ChatLog) -> None:
        """Append every event of ``other`` (a second chat file of the same meeting)."""
        self.messages += other.messages
        self.routes += other.routes
        self.seconds += other.seconds
        self.unmatched += other.unmatched


def route_for(sender_loc: str, receiver_loc: str, receiver_kind: str, home: str) -> str:
    """The thread route of a message from its decoded locations and receiver kind.

    ``home`` is where the unit's own chat happens: ``breakout_room`` for a breakout-room
    unit, else ``meeting``/``webinar``. Chat leaving or entering another place (waiting
    room, a breakout room seen from the main meeting, backstage) gets that place's thread.
    """
    if receiver_kind == "direct":
        return "private"
    if receiver_kind == "private_group":
        return "subgroup"
    if receiver_kind in ("waiting_room", "hosts"):
        return "waiting_room"
    for loc in (sender_loc, receiver_loc):
        if loc != home and loc in _AWAY:
            return _AWAY[loc]
    if receiver_kind == "hosts_and_panelists":
        return "panelists"
    return "public"
