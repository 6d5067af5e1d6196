"""The JSON chat archive (CHAT_MESSAGE, ZOOM_API §4.2): base64 string fields, types 1–7.

Parsing is one typed msgspec decode, then one pass that base64-decodes the fields, decodes
``msg_extended_type`` into words and builds :class:`~core.records.Message` values. Senders
and extended types repeat, so their decoded forms are cached.
"""

from __future__ import annotations

import binascii
from datetime import datetime
from typing import Any

import msgspec

from core.errors import PayloadError
from core.records import Message, Party, SharedFile
from plugins.zoom_ecomms.models import undecodable

from .chat_items import FEEDBACK, LOCATIONS, RECEIVER_KINDS, ChatLog, route_for
from .values import HMS, bad, hms_seconds, shifted

__all__ = ["parse_json_chat"]

_KINDS = {
    1: "message",
    2: "message",
    3: "delete",
    4: "reaction",
    5: "feedback",
    6: "edit",
    7: "reply",
}
_B64_FIELDS = ("s_name", "s_email", "msg_id", "r_name", "r_email", "msg_content",
               "original_msg_id", "parent_msg_id", "private_group_id")  # fmt: skip


class _RawFile(msgspec.Struct):
    fileId: str = ""
    fileName: str = ""
    fileSize: int = 0


class _RawMessage(msgspec.Struct):
    msg_type: int
    e_time: str = ""
    s_id: str = ""
    s_name: str = ""
    s_email: str = ""
    msg_id: str = ""
    msg_extended_type: str = ""
    r_id: str = ""
    r_name: str = ""
    r_email: str = ""
    msg_content: str | int = ""
    original_msg_id: str = ""
    parent_msg_id: str = ""
    private_group_id: str = ""
    files: list[_RawFile] = []


class _RawChat(msgspec.Struct):
    messages: list[_RawMessage]
    uuid: str = ""


_decoder = msgspec.json.Decoder(_RawChat, strict=False)
_NAMED = 5  # messages of a file named one by one in the errors; the rest are counted


def _b64(value: str) -> str:
    return binascii.a2b_base64(value, strict_mode=True).decode("utf-8") if value else ""


_a2b = binascii.a2b_base64


def _shared(raw: _RawFile) -> SharedFile:
    return SharedFile(id=raw.fileId, name=_lenient(raw.fileName), size=raw.fileSize)


def _text(raw: _RawMessage) -> str:
    content = raw.msg_content
    if raw.msg_type == 5:  # non-verbal feedback: plain digits, not base64
        return FEEDBACK.get(str(content), f"non-verbal feedback {content}")
    if content.__class__ is str:
        return _a2b(content, strict_mode=True).decode() if content else ""
    return str(content)


def _lenient(value: str) -> str:
    try:
        return _b64(value)
    except (binascii.Error, UnicodeDecodeError):
        return value


def _load(data: bytes, label: str) -> _RawChat:
    body = data.lstrip()
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    if body[:1] != b"{":
        try:
            body = binascii.a2b_base64(body)
        except binascii.Error:
            raise bad(label, "body", "neither JSON nor base64-wrapped JSON") from None
    try:
        return _decoder.decode(body)
    except msgspec.ValidationError as exc:
        reason, _, path = str(exc).partition(" - at `")
        raise bad(label, path.rstrip("`") or "body", reason) from None
    except (msgspec.DecodeError, RecursionError) as exc:
        raise bad(label, "body", undecodable(exc, body)) from None


class _Parser:
    """One pass over the raw messages of one file."""

    def __init__(self, label: str, start: datetime | None, home: str) -> None:
        self.label = label
        self.start = start
        self.home = home
        self.parties: dict[tuple[str, str, str], Party] = {}
        self.extended: dict[str, tuple[str, str, str, str]] = {}
        self.times: dict[str, tuple[int, datetime | None]] = {}

    def party(self, pid: str, name: str, email: str) -> Party:
        """The (shared) decoded Party of raw id, base64 name and base64 email."""
        key = (pid, name, email)
        found = self.parties.get(key)
        if found is None:
            found = self.parties[key] = Party(name=_b64(name), email=_b64(email), id=pid)
        return found

    def decode_extended(self, value: str, index: int) -> tuple[str, str, str, str]:
        """(sender location, receiver location, receiver kind, route) of an extended type."""
        found = self.extended.get(value)
        if found is not None:
            return found
        if len(value) != 12 or not value.isdigit():
            raise bad(self.label, f"messages[{index}].msg_extended_type",
                      f"expected 12 digits, got {value!r}")  # fmt: skip
        sender = LOCATIONS.get(value[0:2], f"code_{value[0:2]}")
        receiver = LOCATIONS.get(value[2:4], f"code_{value[2:4]}")
        kind = RECEIVER_KINDS.get(value[8:10], f"code_{value[8:10]}")
        found = (sender, receiver, kind, route_for(sender, receiver, kind, self.home))
        self.extended[value] = found
        return found

    def elapsed(self, value: str, index: int) -> tuple[int, datetime | None]:
        """(seconds, absolute time) of an ``e_time``."""
        found = self.times.get(value)
        if found is None:
            seconds = hms_seconds(value, self.label, f"messages[{index}].e_time")
            found = self.times[value] = (seconds, shifted(self.start, seconds))
        return found

    def where(self, raw: _RawMessage, index: int) -> tuple[str, str, str, str]:
        """(sender location, receiver location, receiver kind, route) of a raw message."""
        if raw.msg_extended_type:
            found = self.extended.get(raw.msg_extended_type)
            return found or self.decode_extended(raw.msg_extended_type, index)
        if raw.msg_type == 2:
            return "", "", "direct", "private"
        return "", "", "", "public"

    def item(self, raw: _RawMessage, index: int) -> tuple[Message, str, int]:
        """One raw message as (Message, route, elapsed seconds); base64 errors propagate."""
        key = (raw.s_id, raw.s_name, raw.s_email)
        sender = self.parties.get(key) or self.party(*key)
        seconds, sent_at = self.times.get(raw.e_time) or self.elapsed(raw.e_time, index)
        ext = raw.msg_extended_type
        sloc, rloc, rkind, route = (ext and self.extended.get(ext)) or self.where(raw, index)
        if route == "subgroup":
            route = "subgroup:" + _b64(raw.private_group_id)
        refers = raw.original_msg_id or raw.parent_msg_id
        content = raw.msg_content
        message = Message(
            id=_a2b(raw.msg_id, strict_mode=True).decode() if raw.msg_id else f"msg-{index + 1}",
            thread_id="",
            action=_KINDS.get(raw.msg_type, "message"),
            sender=sender,
            receivers=[self.party(raw.r_id, raw.r_name, raw.r_email)]
            if raw.r_id or raw.r_name
            else [],
            text=_a2b(content, strict_mode=True).decode()
            if raw.msg_type != 5 and content.__class__ is str and content
            else _text(raw),
            offset=raw.e_time,
            sent_at=sent_at,
            refers_to=_a2b(refers, strict_mode=True).decode() if refers else "",
            sender_location=sloc,
            receiver_location=rloc,
            receiver_kind=rkind,
            files=[_shared(f) for f in raw.files] if raw.files else [],
        )
        return message, route, seconds

    def salvage(self, raw: _RawMessage, index: int) -> tuple[Message, str, int]:
        """:meth:`item` for a message with fields that do not decode: each such field as
        Zoom sent it, an unreadable time as the meeting start, an unreadable place public."""
        found = HMS.fullmatch(raw.e_time)
        seconds = int(found[1]) * 3600 + int(found[2]) * 60 + int(found[3]) if found else 0
        try:
            sloc, rloc, rkind, route = self.where(raw, index)
        except PayloadError:
            sloc, rloc, rkind, route = "", "", "", "public"
        if route == "subgroup":
            route = "subgroup:" + _lenient(raw.private_group_id)
        content = raw.msg_content
        if raw.msg_type == 5 or not isinstance(content, str):
            text = _text(raw)
        else:
            text = _lenient(content)
        receiver = Party(name=_lenient(raw.r_name), email=_lenient(raw.r_email), id=raw.r_id)
        message = Message(
            id=_lenient(raw.msg_id) or f"msg-{index + 1}",
            thread_id="",
            action=_KINDS.get(raw.msg_type, "message"),
            sender=Party(name=_lenient(raw.s_name), email=_lenient(raw.s_email), id=raw.s_id),
            receivers=[receiver] if raw.r_id or raw.r_name else [],
            text=text,
            offset=raw.e_time,
            sent_at=shifted(self.start, seconds) if found else None,
            refers_to=_lenient(raw.original_msg_id or raw.parent_msg_id),
            sender_location=sloc,
            receiver_location=rloc,
            receiver_kind=rkind,
            files=[_shared(f) for f in raw.files],
        )
        return message, route, seconds

    def explain(self, raw: _RawMessage, index: int) -> Exception:
        """The PayloadError naming the first field of ``raw`` that does not decode."""
        for name in _B64_FIELDS:
            value: Any = getattr(raw, name)
            if name == "msg_content" and (raw.msg_type == 5 or not isinstance(value, str)):
                continue
            try:
                _b64(value)
            except binascii.Error:
                return bad(self.label, f"messages[{index}].{name}", "invalid base64")
            except UnicodeDecodeError:
                return bad(self.label, f"messages[{index}].{name}", "base64 of invalid UTF-8")
        return bad(self.label, f"messages[{index}]", "cannot be decoded")


def parse_json_chat(
    data: bytes, label: str, start: datetime | None, home: str, errors: list[str]
) -> ChatLog:
    """Parse a JSON chat file into a chat log, in file order.

    ``label`` names the file in errors; ``start`` is the meeting start (for ``sent_at``);
    ``home`` is the unit's own chat location (see :func:`route_for`). A message with a field
    that does not decode is kept, that field as Zoom sent it (:meth:`_Parser.salvage`), and
    named in ``errors`` (the first few such messages, then their count). A body that does
    not decode raises ``PayloadError``.
    """
    chat = _load(data, label)
    parser = _Parser(label, start, home)
    log = ChatLog()
    messages, routes, seconds = log.messages, log.routes, log.seconds
    salvaged = 0
    for index, raw in enumerate(chat.messages):
        try:
            message, route, elapsed = parser.item(raw, index)
        except (binascii.Error, UnicodeDecodeError, PayloadError) as exc:
            salvaged += 1
            if salvaged <= _NAMED:
                why = exc if isinstance(exc, PayloadError) else parser.explain(raw, index)
                errors.append(f"{why}; the message is kept as Zoom sent it")
            message, route, elapsed = parser.salvage(raw, index)
        messages.append(message)
        routes.append(route)
        seconds.append(elapsed)
    if salvaged > _NAMED:
        errors.append(f"{label}: {salvaged} messages in all kept with fields as Zoom sent them")
    return log
