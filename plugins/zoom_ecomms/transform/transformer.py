"""ZoomTransformer: one captured Zoom meeting or webinar in, its records out (pure)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar, Literal

import msgspec

from core.protocols import Context, Unit
from core.records import AttributeSpec, Record

from .attributes import ATTRIBUTES
from .chat import build_chat_record
from .media import build_media_record, file_kind
from .meeting import build_meeting_record, meeting_context
from .parts_view import with_payloads
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
    """Every record of a Zoom unit: meeting, media, chat, transcripts, captions, polls, Q&A,
    survey and summary. Raises PayloadError (nothing returned) when any part is malformed.
    """
    with _gc_paused():
        return _build(with_payloads(unit))


def _build(unit: Unit) -> list[Record]:
    ctx = meeting_context(unit)
    records: list[Record] = [build_meeting_record(ctx, unit)]
    by_kind: dict[str, list] = {}
    for spooled in unit.files:
        if spooled.role == "file":  # response parts and attachments make no record of their own
            by_kind.setdefault(file_kind(spooled), []).append(spooled)
    records.extend(build_media_record(ctx, f) for f in by_kind.get("media", []))
    if by_kind.get("chat_json") or by_kind.get("chat_txt"):
        records.append(
            build_chat_record(ctx, by_kind.get("chat_json", []), by_kind.get("chat_txt", []))
        )
    for kind in ("transcript", "captions"):
        records.extend(build_timed_text_record(ctx, f, kind) for f in by_kind.get(kind, []))
    payloads = unit.payloads
    if payloads.get("poll_results") is not None or payloads.get("poll_definitions") is not None:
        records.append(
            build_poll_record(ctx, payloads.get("poll_definitions"), payloads.get("poll_results"))
        )
    if payloads.get("qa") is not None:
        records.append(build_qa_record(ctx, payloads["qa"]))
    if payloads.get("survey_report") is not None or payloads.get("survey_definition") is not None:
        records.append(
            build_survey_record(
                ctx, payloads.get("survey_definition"), payloads.get("survey_report")
            )
        )
    if payloads.get("summary") is not None:
        records.append(build_summary_record(ctx, payloads["summary"]))
    return records


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
