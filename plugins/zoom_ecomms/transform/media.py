"""Which kind of record each archive file makes, and the MediaRecord of a media file."""

from __future__ import annotations

import msgspec

from core.errors import PayloadError
from core.protocols import SpooledFile
from core.records import MediaRecord
from plugins.zoom_ecomms.models import ArchiveFile

from .attributes import file_attributes
from .meeting import MeetingContext, artifact_of

__all__ = ["archive_file", "build_media_record", "file_kind", "file_label"]

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


def archive_file(spooled: SpooledFile) -> ArchiveFile:
    """The Zoom archive file object a ``file`` part describes (its ``meta``), typed."""
    try:
        return msgspec.convert(spooled.meta or {}, ArchiveFile, strict=False)
    except msgspec.ValidationError as exc:
        raise PayloadError(f"{file_label(spooled)}: archive file object: {exc}") from None


def _describe(ctx: MeetingContext, file: ArchiveFile) -> str:
    file_type = file.file_type.upper()
    what = {"MP4": "Video", "M4A": "Audio"}.get(file_type, f"{file_type or 'Unknown'} file")
    who = file.participant_email if file.individual else ""
    detail = ", ".join(x for x in (file.recording_type, who and f"participant {who}") if x)
    return f"{what} of {ctx.title}" + (f" ({detail})" if detail else "")


def build_media_record(ctx: MeetingContext, spooled: SpooledFile) -> MediaRecord:
    """One MediaRecord per media (or unknown) file: the artifact and its ArchiveFile* attributes."""
    file = archive_file(spooled)
    attrs = dict(ctx.attributes)
    attrs.update(file_attributes(file))
    description = _describe(ctx, file)
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
