"""A chat log → one conversation: the public thread with private, sub-group and other
threads nested in it (DESIGN §4.4), and the readable text reviewers search.

Thread ids are stable within a record: ``public``, ``waiting_room``, ``breakout``,
``backstage``, ``panelists``, ``private-N`` and ``subgroup-N`` (N counts threads of that
type in order of their first message).
"""

from __future__ import annotations

from collections.abc import Iterable

from core.records import Message, Party, Thread

from .chat_items import ChatLog
from .participants import Roster

__all__ = ["build_conversation", "build_threads", "render_conversation"]

_TITLES = {
    "public": "Meeting chat",
    "waiting_room": "Waiting room chat",
    "breakout": "Breakout room chat",
    "backstage": "Backstage chat",
    "panelists": "Hosts and panelists chat",
}


_FOLLOWING = frozenset({"reply", "edit", "delete"})


def _who(party: Party) -> str:
    return party.name or party.email or party.id or "(unknown)"


def _identity(party: Party) -> str:
    return party.id or party.email.lower() or party.name


class _Builder:
    """Assigns each message to its thread, creating threads on first use."""

    def __init__(self) -> None:
        self.public = Thread(id="public", type="public", title=_TITLES["public"])
        self.threads: dict[tuple[str, ...], Thread] = {("public",): self.public}
        self.by_tid: dict[str, Thread] = {"public": self.public}
        self.counts: dict[str, int] = {}
        self.index: dict[str, Message] = {}

    def thread(self, key: tuple[str, ...], message: Message) -> Thread:
        """The thread of ``key``, created (id, type, title) when ``message`` is its first."""
        found = self.threads.get(key)
        if found is not None:
            return found
        kind = key[0]
        if kind in ("private", "subgroup"):
            self.counts[kind] = self.counts.get(kind, 0) + 1
            tid = f"{kind}-{self.counts[kind]}"
        else:
            tid = kind
        title = _TITLES.get(kind, "")
        if kind == "private":
            names = [_who(message.sender)] + [_who(r) for r in message.receivers]
            title = "Private chat: " + " ↔ ".join(names)
        elif kind == "subgroup":
            title = f"Private group chat {key[1]}".rstrip()
        found = Thread(id=tid, type=kind, parent="public", title=title)
        self.threads[key] = self.by_tid[tid] = found
        return found

    @staticmethod
    def key(message: Message, route: str) -> tuple[str, ...]:
        """The thread key of a route: private threads by their two parties, groups by id."""
        if route == "private":
            ends = [_identity(message.sender), *(_identity(r) for r in message.receivers)]
            return ("private", *sorted(ends))
        if route.startswith("subgroup:"):
            return ("subgroup", route[9:])
        return (route,)

    def place(self, message: Message, route: str) -> None:
        """Append ``message`` to its thread (the referred message's thread when known)."""
        thread = None
        if message.refers_to and message.action in _FOLLOWING:
            original = self.index.get(message.refers_to)
            if original is not None and original.thread_id:  # placed already
                thread = self.by_tid[original.thread_id]
        if thread is None:
            thread = (
                self.public if route == "public" else self.thread(self.key(message, route), message)
            )
        message.thread_id = thread.id
        thread.messages.append(message)


def _participants(messages: list[Message]) -> list[Party]:
    """Everyone who sent or received in a thread, merged, in order of first appearance."""
    distinct = {id(m.sender): m.sender for m in messages}
    distinct.update((id(r), r) for m in messages if m.receivers for r in m.receivers)
    roster = Roster()
    for party in distinct.values():
        if party.name or party.email or party.id:
            roster.add(party)
    return roster.parties()


def _build(log: ChatLog) -> _Builder:
    builder = _Builder()
    builder.index = {m.id: m for m in reversed(log.messages)}  # the first of an id wins
    place, public = builder.place, builder.public.messages
    pairs: Iterable[tuple[Message, str]] = zip(log.messages, log.routes, strict=True)
    if log.seconds != sorted(log.seconds):  # send order: stable by elapsed time
        order = sorted(range(len(log.seconds)), key=log.seconds.__getitem__)
        pairs = ((log.messages[i], log.routes[i]) for i in order)
    for message, route in pairs:
        if route == "public" and not message.refers_to:  # most messages: the fast path
            message.thread_id = "public"
            public.append(message)
        else:
            place(message, route)
    for thread in builder.threads.values():
        thread.participants = _participants(thread.messages)
        if thread.messages:
            thread.started = thread.messages[0].offset
            thread.ended = thread.messages[-1].offset
    return builder


def build_threads(log: ChatLog) -> list[Thread]:
    """Threads in display order: the public thread first, then nested ones by first message.

    Messages keep send order (stable by elapsed time, file order on ties); every thread
    lists everyone who sent or received in it and its first and last message offsets.
    The public thread is present even when empty: it is the meeting conversation.
    """
    return list(_build(log).threads.values())


def build_conversation(log: ChatLog) -> tuple[list[Thread], str]:
    """The threads (as :func:`build_threads`) and their readable text, in one go."""
    builder = _build(log)
    threads = list(builder.threads.values())
    return threads, render_conversation(threads, builder.index)


def _snippet(message: Message | None, fallback: str, actor: Party) -> str:
    """How a line quotes the message it refers to (its author only when not the actor)."""
    if message is None:
        return f"message {fallback}"
    text = message.text
    if len(text) > 60:
        text = text[:57] + "..."
    if "\n" in text:
        text = text.replace("\n", " ")
    author = message.sender
    if author is actor or _who(author) == _who(actor):
        return f'"{text}"'
    return f'{_who(author)}: "{text}"'


_VERBS = {"reaction": "reacted ", "feedback": "gave feedback: "}


def _line(message: Message, by_id: dict[str, Message], annotate: bool) -> str:
    """One message as a line of the readable conversation."""
    who = message.sender.name or _who(message.sender)
    if annotate and (message.sender_location or message.receiver_location):
        who += f" [{message.sender_location or '?'} → {message.receiver_location or '?'}]"
    action = message.action
    if action in _FOLLOWING:
        original = _snippet(by_id.get(message.refers_to), message.refers_to, message.sender)
        if action == "reply":
            body = f"{who} (reply to {original}): {message.text}"
        elif action == "edit":
            body = f"{who} edited {original} → {message.text}"
        else:
            body = f"{who} deleted {original}"
    elif action in _VERBS:
        body = f"{who} {_VERBS[action]}{message.text}"
    else:
        body = f"{who}: {message.text}"
    for shared in message.files:
        body += f" [file {shared.name or shared.id}, {shared.size} bytes]"
    return f"{message.offset} {body}"


def render_conversation(threads: list[Thread], index: dict[str, Message] | None = None) -> str:
    """The readable conversation: each thread's header, participants, then its messages.

    ``index`` maps message ids to messages (to quote what a reply, edit or deletion refers
    to); it is built from ``threads`` when not given.
    """
    by_id = index
    if by_id is None:
        by_id = {}
        for thread in threads:
            for message in thread.messages:
                by_id.setdefault(message.id, message)
    lines: list[str] = []
    append = lines.append
    for thread in threads:
        if lines:
            append("")  # a blank line between threads
        span = f" ({thread.started}–{thread.ended})" if thread.messages else ""
        append(f"== {thread.title}{span} ==")
        if thread.participants:
            append("Participants: " + ", ".join(_who(p) for p in thread.participants))
        annotate = thread.type not in ("public", "private", "subgroup")
        lines += [
            f"{m.offset} {m.sender.name or _who(m.sender)}: {m.text}"
            if m.action == "message" and not annotate and not m.files
            else _line(m, by_id, annotate)
            for m in thread.messages
        ]
    return "\n".join(lines)
