"""Where the texts of a record are, and how a hit names its place.

Structured parts are scanned when present: chat messages (``thread=<id> message=<id>``),
transcript and caption cues (``segment HH:MM:SS.mmm``), entries of polls, Q&A and surveys
(``entry <id>``, or ``entry #<n>`` without an id). The record's ``text`` is the readable
rendering of those parts, so it is scanned only for records that have none of them
(summaries, for instance): a match is never counted twice. The ``title`` is always scanned.
"""

from __future__ import annotations

from collections.abc import Iterator

from core.records import Record

__all__ = ["cue_time", "texts_of"]


def cue_time(seconds: float) -> str:
    """Format a cue time as ``HH:MM:SS.mmm`` (negative or invalid times as 00:00:00.000)."""
    millis = round(seconds * 1000) if seconds == seconds and seconds > 0 else 0
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def texts_of(record: Record) -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every text the record carries, in reading order."""
    if record.title:
        yield "title", record.title
    for thread in record.threads:
        for message in thread.messages:
            if message.text:
                yield f"thread={thread.id} message={message.id}", message.text
    for segment in record.segments:
        if segment.text:
            yield f"segment {cue_time(segment.start)}", segment.text
    for number, entry in enumerate(record.entries, start=1):
        where = f"entry {entry.id}" if entry.id else f"entry #{number}"
        for text in (entry.title, entry.question, entry.answer):
            if text:
                yield where, text
    structured = record.threads or record.segments or record.entries
    if record.text and not structured:
        yield "text", record.text
