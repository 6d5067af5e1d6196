"""Custody: a unit's capture record and every part's bytes, written to every archive sink.

Only once each archive sink returned a receipt naming the capture record may the pipeline
commit the unit and acknowledge it at the source. Without any archive sink the unit's
records themselves must reach every sink first (:func:`write_records_everywhere`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from core.archive_units import capture_record
from core.components import Components
from core.config import Settings
from core.derive import derive_records
from core.errors import EcommsError, SinkUnavailable, TerminalError
from core.protocols import Receipt, Unit
from core.records import Record
from core.sink_write import write_to_sink

__all__ = ["UnitFailed", "derive_or_fail", "write_custody", "write_records_everywhere"]

log = logging.getLogger("ecomms.pipeline")


class UnitFailed(Exception):
    """A unit's capture failed: ``error`` says why, ``terminal`` whether to dead-letter now."""

    def __init__(self, error: BaseException, terminal: bool) -> None:
        super().__init__(str(error))
        self.error, self.terminal = error, terminal


def write_custody(
    settings: Settings, archives: Mapping[str, Any], unit: Unit, captured_at: datetime
) -> tuple[list[Receipt], str]:
    """Write the unit's capture record and parts to every archive sink; receipts, its id.

    ``SinkUnavailable`` when one stayed unreachable (nothing may be committed); other
    errors of a sink (a refusal, a bug) propagate for the unit to be blamed.
    """
    capture = capture_record(unit, captured_at)
    return _write(settings, archives, [capture], _artifacts(unit)), capture.id


def write_records_everywhere(
    settings: Settings, sinks: Mapping[str, Any], unit: Unit, records: list[Record]
) -> list[Receipt]:
    """No archive sink: write the unit's records to every sink (a refusal fails the unit)."""
    try:
        return _write(settings, sinks, records, _artifacts(unit))
    except TerminalError as exc:
        raise UnitFailed(exc, terminal=True) from exc


def derive_or_fail(components: Components, unit: Unit, captured_at: datetime) -> list[Record]:
    """No archive sink: the unit's records, or ``UnitFailed`` (a transformer bug is terminal)."""
    try:
        return derive_records(components, unit, captured_at)
    except EcommsError as exc:
        raise UnitFailed(exc, terminal=isinstance(exc, TerminalError)) from exc
    except Exception as exc:  # a transformer bug: dead-letter the unit, keep the traceback
        log.exception("transformer failed on %s/%s", unit.source, unit.key)
        raise UnitFailed(exc, terminal=True) from exc


def _artifacts(unit: Unit) -> dict[str, Path]:
    return {f.sha256: Path(f.path) for f in unit.files if f.path}


def _write(
    settings: Settings,
    sinks: Mapping[str, Any],
    records: list[Record],
    artifacts: Mapping[str, Path],
) -> list[Receipt]:
    receipts = []
    for name, sink in sinks.items():
        try:
            receipts.append(write_to_sink(settings, name, sink, records, artifacts))
        except SinkUnavailable as exc:
            raise SinkUnavailable(
                f"{exc.message}; nothing was committed, run again once it is back", sink=name
            ) from exc
    return receipts
