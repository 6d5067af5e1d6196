"""Chat attachments: one MediaRecord per file shared in the meeting chat, linked both ways.

The source captures each ``physical_files[]`` entry as an ``attachment`` part. Its record
(kind ``media``, id part ``attachment`` + file id) holds the file as an artifact and is
found by its file name; the chat messages that shared it (matched by Zoom's file id) name
the record id and SHA-256 in their ``files``, and the record names them in its text.
"""

from __future__ import annotations

from core.protocols import SpooledFile
from core.records import MediaRecord, Message, Record, SharedFile, Thread

from .meeting import MeetingContext, artifact_of

__all__ = ["attachment_record_id", "build_attachment_record", "shared_in"]

_FINGERPRINTS = {
    "computed": "SHA-256 computed on receipt (Zoom gives no fingerprint for chat attachments)",
    "source": "SHA-256 given by Zoom and verified",
}

Sharing = tuple[Thread, Message, SharedFile]


def attachment_record_id(ctx: MeetingContext, part: SpooledFile) -> str:
    """The id of the record of the attachment ``part``."""
    return ctx.record_id("attachment", part.file_id)


def shared_in(chat: Record | None) -> dict[str, list[Sharing]]:
    """Zoom file id → every (thread, message, shared file) of ``chat`` that shared it."""
    found: dict[str, list[Sharing]] = {}
    for thread in chat.threads if chat is not None else []:
        for message in thread.messages:
            for shared in message.files:
                if shared.id:
                    found.setdefault(shared.id, []).append((thread, message, shared))
    return found


def _who(message: Message) -> str:
    sender = message.sender
    return sender.name or sender.email or sender.id or "(unknown)"


def build_attachment_record(
    ctx: MeetingContext, part: SpooledFile, sharings: list[Sharing]
) -> MediaRecord:
    """The record of one chat attachment; links each message of ``sharings`` to it."""
    rid = attachment_record_id(ctx, part)
    name = part.name or part.file_id
    lines = [f"Chat attachment: {name}", f"Meeting: {ctx.title}", f"Size: {part.size} bytes"]
    lines.append(f"{_FINGERPRINTS.get(part.fingerprint, part.fingerprint)}: {part.sha256}")
    sharers = ctx.roster.copy()
    for thread, message, shared in sharings:
        shared.record_id, shared.sha256 = rid, part.sha256
        lines.append(f"Shared by {_who(message)} at {message.offset} in {thread.title}")
        sharers.add(message.sender)
    return ctx.base(
        MediaRecord,
        rid,
        title=f"Chat attachment {name}: {ctx.title}",
        text="\n".join(lines),
        artifacts=[artifact_of(part)],
        participants=sharers.parties(),
    )
