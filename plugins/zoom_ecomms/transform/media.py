"""Which kind of record each archive file makes, and the MediaRecord of a media file."""

from __future__ import annotations

from typing import Any

from core.protocols import SpooledFile
from core.records import MediaRecord

from .attributes import file_attributes
from .meeting import MeetingContext, artifact_of

__all__ = ["build_media_record", "file_kind", "file_label"]

_BY_TYPE = {
    "MP4": "media",
    "M4A": "media",
    "CHAT": "chat_txt",
    "CHAT_MESSAGE": "chat_json",
    "CC": "captions",
    "TRANSCRIPT": "transcript",
}
_BY_RECORDING = {
    "chat_file": "chat_txt",
    "chat_message": "chat_json",
    "closed_caption": "captions",
    "audio_transcript": "transcript",
}


def file_kind(spooled: SpooledFile) -> str:
    """chat_json, chat_txt, transcript, captions or media (media also for unknown types)."""
    meta = spooled.meta or {}
    file_type = str(meta.get("file_type") or "").upper()
    if file_type in _BY_TYPE:
        return _BY_TYPE[file_type]
    return _BY_RECORDING.get(str(meta.get("recording_type") or "").lower(), "media")


def file_label(spooled: SpooledFile) -> str:
    """How errors name a file: its type and Zoom file id."""
    file_type = str((spooled.meta or {}).get("file_type") or "file").lower()
    return f"{file_type} file {spooled.file_id}"


def _describe(ctx: MeetingContext, meta: dict[str, Any]) -> str:
    file_type = str(meta.get("file_type") or "").upper()
    what = {"MP4": "Video", "M4A": "Audio"}.get(file_type, f"{file_type or 'Unknown'} file")
    who = str(meta.get("participant_email") or "") if meta.get("individual") else ""
    recording = str(meta.get("recording_type") or "")
    detail = ", ".join(x for x in (recording, who and f"participant {who}") if x)
    return f"{what} of {ctx.title}" + (f" ({detail})" if detail else "")


def build_media_record(ctx: MeetingContext, spooled: SpooledFile) -> MediaRecord:
    """One MediaRecord per media (or unknown) file: the artifact and its ArchiveFile* attributes."""
    meta = spooled.meta or {}
    attrs = dict(ctx.attributes)
    attrs.update(file_attributes(meta, file_label(spooled)))
    description = _describe(ctx, meta)
    participants = ctx.roster.parties()
    email = attrs.get("ArchiveFileParticipantEmail", "")
    if email:
        participants = [p for p in participants if p.email.lower() == email.lower()] or participants
    return ctx.base(
        MediaRecord,
        ctx.record_id("media", spooled.file_id),
        title=description,
        text=description,
        artifacts=[artifact_of(spooled)],
        attributes=attrs,
        participants=participants,
    )
