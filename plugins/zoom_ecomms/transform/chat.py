"""The ChatRecord: one conversation per meeting, from the JSON chat (preferred) or the TXT."""

from __future__ import annotations

from core.protocols import SpooledFile
from core.records import ChatRecord

from .attributes import file_attributes
from .chat_items import ChatLog
from .chat_json import parse_json_chat
from .chat_txt import parse_txt_chat
from .conversation import build_conversation
from .media import file_label
from .meeting import MeetingContext, artifact_of
from .values import read_bytes

__all__ = ["build_chat_record"]


def _home(ctx: MeetingContext) -> str:
    """Where this unit's own chat happens: a breakout room's chat is its public thread."""
    return "breakout_room" if ctx.is_breakout else "meeting"


def _items(ctx: MeetingContext, files: list[SpooledFile], is_json: bool) -> ChatLog:
    items = ChatLog()
    for spooled in files:
        label = f"chat file {spooled.file_id}"
        data = read_bytes(spooled.path, label)
        if is_json:
            items.extend(parse_json_chat(data, label, ctx.start, _home(ctx)))
        else:
            items.extend(parse_txt_chat(data, label, ctx.start, ctx.roster))
    return items


def build_chat_record(
    ctx: MeetingContext, json_files: list[SpooledFile], txt_files: list[SpooledFile]
) -> ChatRecord:
    """The meeting's conversation; every chat file is kept as an artifact of the record.

    When both formats exist the JSON is parsed (it also holds deleted messages, reactions,
    waiting-room and breakout-room chat); the ArchiveFile* attributes are those of the file
    the conversation was built from (the first one).
    """
    chosen = json_files or txt_files
    threads, text = build_conversation(_items(ctx, chosen, bool(json_files)))
    roster = ctx.roster.copy()
    for thread in threads:
        for party in thread.participants:
            roster.add(party)
    attrs = dict(ctx.attributes)
    attrs.update(file_attributes(chosen[0].meta or {}, file_label(chosen[0])))
    return ctx.base(
        ChatRecord,
        ctx.record_id("chat"),
        title=f"Chat: {ctx.title}",
        text=text,
        participants=roster.parties(),
        artifacts=[artifact_of(f) for f in (*json_files, *txt_files)],
        attributes=attrs,
        threads=threads,
    )
