"""WebVTT (transcripts and closed captions, ZOOM_API §4.5) → timed segments.

A cue is an optional id line, ``[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm [settings]`` and one or
more text lines; ``Speaker: utterance`` names the speaker. Because ordinary sentences may
contain a colon, speaker prefixes are trusted only when most cues of the file have one.
"""

from __future__ import annotations

import re

from core.errors import PayloadError
from core.records import Segment

from .values import bad, decode_text

__all__ = ["parse_vtt"]

_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})"
_TIMING = re.compile(rf"^{_TIME}\s+-->\s+{_TIME}(?:\s.*)?$")
_SPEAKER = re.compile(r"^([^:\n]{1,80}?):\s+(\S.*)$", re.DOTALL)


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the line number where each starts."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                blocks.append((number, current))
            current.append(line.rstrip())
        else:
            current = []
    return blocks


def _cue(block: list[str], first: int, label: str) -> tuple[Segment, str, str] | None:
    """(segment, candidate speaker, utterance) of one block; None for NOTE/STYLE/REGION."""
    if block[0].split(" ", 1)[0] in ("NOTE", "STYLE", "REGION"):
        return None
    cue_id, timing_at = "", 0
    if "-->" not in block[0]:
        cue_id, timing_at = block[0].strip(), 1
    if timing_at >= len(block):
        raise bad(label, f"line {first}", "cue without a timing line")
    match = _TIMING.match(block[timing_at].strip())
    if match is None:
        raise bad(label, f"line {first + timing_at}", f"bad cue timing {block[timing_at]!r}")
    start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
    if end < start:
        raise bad(label, f"line {first + timing_at}", "cue ends before it starts")
    text = "\n".join(line.strip() for line in block[timing_at + 1 :])
    speaker = _SPEAKER.match(text)
    segment = Segment(start=start, end=end, text=text, id=cue_id)
    return (segment, speaker[1].strip(), speaker[2]) if speaker else (segment, "", text)


def _cues(
    blocks: list[tuple[int, list[str]]], label: str, errors: list[str]
) -> list[tuple[Segment, str, str]]:
    cues = []
    for first, block in blocks:
        try:
            cue = _cue(block, first, label)
        except PayloadError as exc:  # one broken cue costs only that cue
            errors.append(str(exc))
            continue
        if cue is not None:
            cues.append(cue)
    return cues


def parse_vtt(data: bytes, label: str, errors: list[str]) -> list[Segment]:
    """Parse a VTT file into segments (start/end in seconds, speaker when labelled).

    A cue that does not parse, and bytes that are not UTF-8, are named in ``errors`` and the
    other cues kept; a file without the WEBVTT header raises ``PayloadError``.
    """
    blocks = _blocks(decode_text(data, label, errors))
    if not blocks or not blocks[0][1][0].startswith("WEBVTT"):
        raise bad(label, "line 1", "missing the WEBVTT header")
    header_at, header = blocks[0]
    if len(header) > 1 and any("-->" in line for line in header):  # no blank line after WEBVTT
        blocks[0] = (header_at + 1, header[1:])
    else:
        blocks = blocks[1:]
    cues = _cues(blocks, label, errors)
    labelled = sum(1 for _, speaker, _ in cues if speaker)
    if cues and labelled * 2 >= len(cues):
        for segment, speaker, utterance in cues:
            if speaker:
                segment.speaker, segment.text = speaker, utterance
    return [segment for segment, _, _ in cues]
