"""ZoomTransformer: one captured Zoom meeting or webinar in, its records out (pure)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import ClassVar, Literal

import msgspec

from core.protocols import Context, SpooledFile, Unit
from core.records import (
    AttributeSpec,
    CaptionsRecord,
    ChatRecord,
    MediaRecord,
    MeetingRecord,
    PollRecord,
    QARecord,
    Record,
    SummaryRecord,
    SurveyRecord,
    TranscriptRecord,
)

from .attachments import attachment_record_id, build_attachment_record, shared_in
from .attributes import ATTRIBUTES
from .chat import build_chat_record
from .fallback import fallback_record
from .guard import attempt
from .media import build_media_record, file_kind, file_label
from .meeting import MeetingContext, bare_context, build_meeting_record, meeting_context
from .payloads import Payloads, read_payloads
from .polls import build_poll_record
from .qa import build_qa_record
from .summary import build_summary_record
from .surveys import build_survey_record
from .timed_text import build_timed_text_record

__all__ = ["ZoomTransformer", "build_records"]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC: a large chat allocates hundreds of thousands of acyclic structs,
    and each allocation burst would otherwise trigger needless full collections."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_records(unit: Unit) -> list[Record]:
    """Every record of a Zoom unit: meeting, media, chat, transcripts, captions, chat
    attachments, polls, Q&A, survey and summary. Never raises for what the unit holds: a
    part that cannot be read still yields its record, without parsed content and with
    ``errors`` naming the part.
    """
    with _gc_paused():
        return _build(unit)


def _file_records(ctx: MeetingContext, by_kind: dict[str, list[SpooledFile]]) -> list[Record]:
    records: list[Record] = []
    for spooled in by_kind.get("media", []):
        records.append(attempt(
            file_label(spooled),
            partial(build_media_record, ctx, spooled),
            partial(fallback_record, ctx, MediaRecord, ctx.record_id("media", spooled.file_id),
                    f"File of {ctx.title}", [spooled]),
        ))  # fmt: skip
    json_files, txt_files = by_kind.get("chat_json", []), by_kind.get("chat_txt", [])
    if json_files or txt_files:
        chat_files = [*json_files, *txt_files]
        records.append(attempt(
            "chat files " + ", ".join(f.file_id for f in chat_files),
            partial(build_chat_record, ctx, json_files, txt_files),
            partial(fallback_record, ctx, ChatRecord, ctx.record_id("chat"),
                    f"Chat: {ctx.title}", chat_files),
        ))  # fmt: skip
    for kind, record_type, noun in _TIMED:
        for spooled in by_kind.get(kind, []):
            records.append(attempt(
                f"{kind} file {spooled.file_id}",
                partial(build_timed_text_record, ctx, spooled, kind),
                partial(fallback_record, ctx, record_type, ctx.record_id(kind, spooled.file_id),
                        f"{noun}: {ctx.title}", [spooled]),
            ))  # fmt: skip
    return records


def _payload_records(ctx: MeetingContext, payloads: Payloads) -> list[Record]:
    """The records built from payloads; a page that did not decode is named in the record's
    errors (the record is a fallback when none of its payloads decoded)."""
    records: list[Record] = []
    for names, build, record_type, part, noun in _PAYLOAD_RECORDS:
        bodies = [getattr(payloads, name) for name in names]
        errors = payloads.errors_of(*names)
        fallback = partial(
            fallback_record, ctx, record_type, ctx.record_id(part), f"{noun}: {ctx.title}", []
        )
        if all(body is None for body in bodies):
            if errors:
                records.append(fallback(errors))
            continue
        record = attempt("payload " + " / ".join(names), partial(build, ctx, *bodies), fallback)
        record.errors = [*errors, *record.errors]
        records.append(record)
    return records


def _build(unit: Unit) -> list[Record]:
    label = f"zoom unit {unit.key}"
    payloads = read_payloads(unit)
    ctx = attempt(label, partial(meeting_context, unit, payloads), partial(bare_context, unit))
    meeting = attempt(
        label,
        partial(build_meeting_record, ctx, unit),
        lambda errors: fallback_record(
            ctx, MeetingRecord, ctx.meeting_id, ctx.title, unit.files, [*ctx.errors, *errors]
        ),
    )
    by_kind: dict[str, list[SpooledFile]] = {}
    for spooled in unit.files:
        if spooled.role == "file":
            by_kind.setdefault(file_kind(spooled), []).append(spooled)
        elif spooled.role == "attachment":
            by_kind.setdefault("attachment", []).append(spooled)
    files = _file_records(ctx, by_kind)
    chat = next((r for r in files if isinstance(r, ChatRecord)), None)
    attachments = _attachment_records(ctx, by_kind.get("attachment", []), chat)
    return [meeting, *files, *attachments, *_payload_records(ctx, payloads)]


def _attachment_records(
    ctx: MeetingContext, parts: list[SpooledFile], chat: Record | None
) -> list[Record]:
    sharings = shared_in(chat) if parts else {}
    return [
        attempt(
            f"attachment {part.file_id}",
            partial(build_attachment_record, ctx, part, sharings.get(part.file_id, [])),
            partial(
                fallback_record,
                ctx,
                MediaRecord,
                attachment_record_id(ctx, part),
                f"Chat attachment {part.name or part.file_id}: {ctx.title}",
                [part],
            ),
        )
        for part in parts
    ]


_TIMED = (
    ("transcript", TranscriptRecord, "Transcript"),
    ("captions", CaptionsRecord, "Closed captions"),
)

_PAYLOAD_RECORDS: tuple[
    tuple[tuple[str, ...], Callable[..., Record], type[Record], str, str], ...
] = (
    (("poll_definitions", "poll_results"), build_poll_record, PollRecord, "polls", "Polls"),
    (("qa",), build_qa_record, QARecord, "qa", "Q&A"),
    (("survey_definition", "survey_report"), build_survey_record, SurveyRecord, "survey", "Survey"),
    (("summary",), build_summary_record, SummaryRecord, "summary", "Summary"),
)
"""(payloads, builder, record kind, id part, title noun) of each record built from payloads."""


class ZoomTransformer:
    """Builds the records reviewers read and search from one captured Zoom unit.

    Pure: reads only the unit's payloads and spooled files; no network, no clock.
    Records of other platforms pass through unchanged.
    """

    name: ClassVar[str] = "zoom_ecomms"
    stage: ClassVar[Literal["unit", "records"]] = "unit"
    consumes: ClassVar[frozenset[str]] = frozenset({"zoom"})
    attributes: ClassVar[list[AttributeSpec]] = ATTRIBUTES

    class Config(msgspec.Struct, forbid_unknown_fields=True):
        """The transformer has no settings yet; unknown keys are rejected."""

    def __init__(self, config: ZoomTransformer.Config, context: Context) -> None:
        self.config = config
        self.context = context

    def transform(self, unit: Unit, records: list[Record]) -> list[Record]:
        """``records`` followed by the records built from ``unit`` (when it is a Zoom unit)."""
        if unit.platform not in self.consumes:
            return list(records)
        return [*records, *build_records(unit)]
