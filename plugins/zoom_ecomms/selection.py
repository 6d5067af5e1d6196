"""Which archive files the configuration selects, and what each one is."""

from __future__ import annotations

import re

from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.models import ArchiveFile, ArchiveMeeting

__all__ = ["KNOWN_FILE_TYPES", "file_name", "is_selected", "media_type", "readiness"]

KNOWN_FILE_TYPES = frozenset({"MP4", "M4A", "CHAT", "CHAT_MESSAGE", "CC", "TRANSCRIPT"})

_MEDIA_TYPES = {
    "MP4": "video/mp4",
    "M4A": "audio/mp4",
    "CHAT": "text/plain",
    "TXT": "text/plain",
    "CC": "text/vtt",
    "VTT": "text/vtt",
    "TRANSCRIPT": "text/vtt",
    "CHAT_MESSAGE": "application/json",
    "JSON": "application/json",
}


def _is_transcript(file: ArchiveFile) -> bool:
    return file.file_type == "TRANSCRIPT" or file.recording_type == "audio_transcript"


def is_selected(file: ArchiveFile, config: ZoomConfig) -> bool:
    """True when ``config`` selects this archive file (unknown file types are always kept)."""
    kind = file.file_type
    if _is_transcript(file):
        return "transcripts" in config.content and config.media != "none"
    if kind == "MP4":
        return config.media == "video"
    if kind == "M4A":
        return config.media in ("audio", "video")
    if kind in ("CHAT", "CHAT_MESSAGE"):
        return "chat" in config.content
    if kind == "CC":
        return "closed_captions" in config.content
    return True


def media_type(file: ArchiveFile) -> str:
    """The media type of an archive file, from its type or extension."""
    for key in (file.file_type, file.file_extension.upper()):
        if key in _MEDIA_TYPES:
            return _MEDIA_TYPES[key]
    return "application/octet-stream"


def file_name(file: ArchiveFile) -> str:
    """``<file id>.<extension, lower case>``: the part's display name (never a spool path)."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", file.id)
    ext = re.sub(r"[^A-Za-z0-9]", "", file.file_extension or "bin").lower()
    return f"{stem}.{ext or 'bin'}"


def readiness(meeting: ArchiveMeeting, config: ZoomConfig) -> str:
    """``ready`` when every selected file is completed or failed, else ``pending``.

    A meeting still ``processing`` with no selected file yet is pending too: its files may
    not be listed until they exist.
    """
    selected = [f for f in meeting.archive_files if is_selected(f, config)]
    if any(f.status not in ("completed", "failed") for f in selected):
        return "pending"
    if not selected and meeting.status == "processing":
        return "pending"
    return "ready"
