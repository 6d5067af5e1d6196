"""The record of a part that could not be read: its files and attributes, and the error."""

from __future__ import annotations

from typing import Any, TypeVar

from core.protocols import SpooledFile
from core.records import Record

from .attributes import file_attributes
from .guard import try_value
from .media import archive_file
from .meeting import MeetingContext, artifact_of

__all__ = ["fallback_record"]

R = TypeVar("R", bound=Record)


def fallback_record(
    ctx: MeetingContext,
    record_type: type[R],
    rid: str,
    title: str,
    files: list[SpooledFile],
    errors: list[str],
) -> R:
    """The record ``rid`` of a part that could not be read: the same kind and title, the
    files as artifacts with the ArchiveFile* attributes of the first (when readable), their
    names and media types as text, no parsed content, and ``errors``."""
    attrs = dict(ctx.attributes)
    if files and files[0].role == "file":
        first = files[0]
        attrs.update(
            try_value([], "", lambda: file_attributes(archive_file(first)), dict[str, Any]())
        )
    lines = [title, *(f"File: {f.name or f.file_id} ({f.media_type})" for f in files)]
    return ctx.base(
        record_type,
        rid,
        title=title,
        text="\n".join(lines),
        artifacts=[artifact_of(f) for f in files],
        attributes=attrs,
        errors=list(errors),
    )
