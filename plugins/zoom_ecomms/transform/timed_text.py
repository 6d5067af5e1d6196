"""TranscriptRecord and CaptionsRecord: one per VTT file, segments with speaker and time."""

from __future__ import annotations

from core.protocols import SpooledFile
from core.records import CaptionsRecord, Party, Segment, TranscriptRecord

from .attributes import file_attributes
from .media import archive_file
from .meeting import MeetingContext, artifact_of
from .values import read_bytes
from .vtt import parse_vtt

__all__ = ["build_timed_text_record"]


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _text(segments: list[Segment]) -> str:
    return "\n".join(
        f"[{_clock(s.start)}] {s.speaker}: {s.text}"
        if s.speaker
        else f"[{_clock(s.start)}] {s.text}"
        for s in segments
    )


def build_timed_text_record(
    ctx: MeetingContext, spooled: SpooledFile, kind: str
) -> TranscriptRecord | CaptionsRecord:
    """The transcript (``kind`` "transcript") or captions (``kind`` "captions") of one file."""
    label = f"{'transcript' if kind == 'transcript' else 'captions'} file {spooled.file_id}"
    errors: list[str] = []
    segments = parse_vtt(read_bytes(spooled.path, label), label, errors)
    roster = ctx.roster.copy()
    for speaker in dict.fromkeys(s.speaker for s in segments if s.speaker):
        roster.add(Party(name=speaker))
    attrs = dict(ctx.attributes)
    attrs.update(file_attributes(archive_file(spooled)))
    record_type: type[TranscriptRecord | CaptionsRecord] = (
        TranscriptRecord if kind == "transcript" else CaptionsRecord
    )
    noun = "Transcript" if kind == "transcript" else "Closed captions"
    return ctx.base(
        record_type,
        ctx.record_id(kind, spooled.file_id),
        title=f"{noun}: {ctx.title}",
        text=_text(segments),
        participants=roster.parties(),
        artifacts=[artifact_of(spooled)],
        attributes=attrs,
        segments=segments,
        errors=errors,
    )
