"""The ChatRecord: one conversation per meeting, from the JSON chat (preferred) or the TXT."""

from __future__ import annotations

from functools import partial

from core.protocols import SpooledFile
from core.records import ChatRecord

from .attributes import file_attributes
from .chat_items import ChatLog
from .chat_json import parse_json_chat
from .chat_txt import parse_txt_chat
from .conversation import build_conversation
from .fallback import fallback_record
from .guard import try_value
from .media import archive_file
from .meeting import MeetingContext, artifact_of
from .values import read_bytes

__all__ = ["build_chat_record"]


def _home(ctx: MeetingContext) -> str:
    """Where this unit's own chat happens: a breakout room's chat is its public thread."""
    return "breakout_room" if ctx.is_breakout else "meeting"


def _parse(ctx: MeetingContext, spooled: SpooledFile, is_json: bool, errors: list[str]) -> ChatLog:
    label = f"chat file {spooled.file_id}"
    data = read_bytes(spooled.path, label)
    if is_json:
        return parse_json_chat(data, label, ctx.start, _home(ctx), errors)
    return parse_txt_chat(data, label, ctx.start, ctx.roster, errors)


def _items(
    ctx: MeetingContext, files: list[SpooledFile], is_json: bool, errors: list[str]
) -> ChatLog | None:
    """The chat log of ``files``; a file that does not parse is named in ``errors`` and
    left out. ``None`` when no file parsed."""
    items, parsed = ChatLog(), False
    for spooled in files:
        log = try_value(
            errors,
            f"chat file {spooled.file_id}",
            partial(_parse, ctx, spooled, is_json, errors),
            None,
        )
        if log is not None:
            items.extend(log)
            parsed = True
    return items if parsed else None


def build_chat_record(
    ctx: MeetingContext, json_files: list[SpooledFile], txt_files: list[SpooledFile]
) -> ChatRecord:
    """The meeting's conversation; every chat file is kept as an artifact of the record.

    When both formats exist the JSON is parsed (it also holds deleted messages, reactions,
    waiting-room and breakout-room chat), the TXT only when no JSON file parses; the
    ArchiveFile* attributes are those of the file the conversation was built from (the
    first one). A file that does not parse is named in ``errors``; when none parses the
    record has no threads.
    """
    errors: list[str] = []
    chosen, log = json_files, _items(ctx, json_files, True, errors)
    if log is None and txt_files:
        chosen, log = txt_files, _items(ctx, txt_files, False, errors)
    artifacts = [artifact_of(f) for f in (*json_files, *txt_files)]
    if log is None:
        return fallback_record(
            ctx, ChatRecord, ctx.record_id("chat"), f"Chat: {ctx.title}",
            [*json_files, *txt_files], errors,
        )  # fmt: skip
    threads, text = build_conversation(log)
    if log.unmatched:
        text += "\n\n== Lines that are no chat message ==\n" + "\n".join(log.unmatched)
    roster = ctx.roster.copy()
    for thread in threads:
        for party in thread.participants:
            roster.add(party)
    attrs = dict(ctx.attributes)
    attrs.update(file_attributes(archive_file(chosen[0])))
    return ctx.base(
        ChatRecord,
        ctx.record_id("chat"),
        title=f"Chat: {ctx.title}",
        text=text,
        participants=roster.parties(),
        artifacts=artifacts,
        attributes=attrs,
        threads=threads,
        errors=errors,
    )
