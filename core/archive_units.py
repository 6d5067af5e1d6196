"""A unit as the archive of record keeps it (a capture record), and back again.

:func:`capture_record` turns a verified unit into its :class:`CaptureRecord` (every part by
SHA-256, the gaps, payloads and the source's bookkeeping); :func:`unit_from_archive` rebuilds
the unit from one, its parts fetched back from an archive sink, so derivation can run again
long after the spool is gone (retries, ``reprocess``, refills).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from core.protocols import Finding, Gap, SpooledFile, Unit
from core.records import (
    CAPTURE_KIND,
    Artifact,
    CaptureGap,
    CaptureRecord,
    Part,
    Record,
    record_id,
)
from core.secrets import scrub

__all__ = [
    "NO_ARCHIVE",
    "archive_sinks",
    "capture_id",
    "capture_record",
    "fetch_parts",
    "find_capture",
    "unit_from_archive",
    "unit_from_capture",
]


#: ``check``'s warning, and ``run``'s at start, when only search sinks are enabled
NO_ARCHIVE = Finding(
    component="ecomms",
    check="archive of record",
    ok=True,
    warning=True,
    detail="no enabled sink keeps the raw files (stores_artifacts): only search records are"
    " kept, and no source deletes anything at the vendor",
    action="add an archive sink ([sinks.archive] plugin = 'filesystem', or 's3')",
)


def archive_sinks(sinks: dict[str, Any]) -> dict[str, Any]:
    """The sinks that keep artifact bytes (``stores_artifacts``): the archive of record."""
    return {n: s for n, s in sinks.items() if getattr(type(s), "stores_artifacts", False) is True}


def capture_id(source: str, key: str) -> str:
    """The id of a unit's capture record (every version of the unit shares it)."""
    return record_id(source, key, CAPTURE_KIND)


def capture_record(unit: Unit, captured_at: datetime) -> CaptureRecord:
    """The capture record of a verified unit: one part and one artifact per spooled file."""
    return CaptureRecord(
        id=capture_id(unit.source, unit.key),
        source=unit.source,
        platform=unit.platform,
        occurred_at=unit.occurred_at or captured_at,
        title=unit.title,
        key=unit.key,
        version=unit.version,
        artifacts=[
            Artifact(
                sha256=f.sha256,
                size=f.size,
                media_type=f.media_type,
                file_id=f.file_id,
                name=f.name,
            )
            for f in unit.files
        ],
        parts=[
            Part(
                file_id=f.file_id,
                sha256=f.sha256,
                size=f.size,
                media_type=f.media_type,
                name=f.name,
                meta=f.meta,
                role=f.role,
                fingerprint=f.fingerprint,
            )
            for f in unit.files
        ],
        payloads=unit.payloads,
        gaps=[
            CaptureGap(
                part=scrub(g.part), reason=scrub(g.reason), kind=g.kind, retry_until=g.retry_until
            )
            for g in unit.gaps
        ],
        meta=unit.meta,
        captured_at=captured_at,
    )


def unit_from_capture(capture: CaptureRecord) -> Unit:
    """The unit a capture record describes; its parts are references (``path == ""``)."""
    return Unit(
        source=capture.source,
        platform=capture.platform,
        key=capture.key,
        version=capture.version,
        occurred_at=capture.occurred_at,
        title=capture.title,
        payloads=dict(capture.payloads),
        files=[
            SpooledFile(
                file_id=p.file_id,
                path="",
                sha256=p.sha256,
                size=p.size,
                media_type=p.media_type,
                name=p.name,
                meta=dict(p.meta),
                role=p.role,
                fingerprint="computed" if p.fingerprint == "computed" else "source",
            )
            for p in capture.parts
        ],
        gaps=[
            Gap(
                part=g.part,
                reason=g.reason,
                kind="file" if g.kind == "file" else "lookup",
                retry_until=g.retry_until,
            )
            for g in capture.gaps
        ],
        meta=dict(capture.meta),
    )


def unit_from_archive(sink: Any, capture: CaptureRecord, directory: Path | None) -> Unit:
    """The unit of ``capture`` with every part fetched from archive ``sink`` into
    ``directory`` (``sink.fetch`` verifies each); with ``directory=None``, references only."""
    unit = unit_from_capture(capture)
    if directory is not None:
        fetch_parts(unit, sink, directory)
    return unit


def fetch_parts(unit: Unit, sink: Any, directory: Path) -> Unit:
    """Give every part of ``unit`` without a local path one, fetched from ``sink``."""
    directory.mkdir(parents=True, exist_ok=True)
    fetched: dict[str, str] = {}
    for part in unit.files:
        if not part.path:
            if part.sha256 not in fetched:
                fetched[part.sha256] = str(sink.fetch(part.sha256, directory))
            part.path = fetched[part.sha256]
    return unit


def find_capture(sink: Any, capture: str) -> CaptureRecord | None:
    """The latest version of capture record ``capture`` in archive ``sink``, or ``None``."""
    get = getattr(sink, "get", None)
    found: Record | None
    if callable(get):
        found = get(capture)
    else:
        found = next((r for r in _captures(sink) if r.id == capture), None)
    return found if isinstance(found, CaptureRecord) else None


def _captures(sink: Any) -> Iterator[Record]:
    return iter(sink.records([CAPTURE_KIND]))
