"""``ecomms reprocess``: derive records again from the archive of record, without the source.

After upgrading a transformer or changing the policies, the capture records (kind
``capture``) are read from the first archive sink in ascending id order, each unit is
rebuilt with its parts fetched back (:func:`core.archive_units.unit_from_archive`) and
derived again through :meth:`core.pipeline.Pipeline.derive` (``reason="reprocess"``): the
same record ids, a new version where a record changed, a ``derive`` ledger entry per unit.

Resumable: after each unit the last capture id done is kept in ``reprocess.json`` in the
state directory with the filters; a rerun with the same filters continues after it
(``--restart`` starts over); a completed run removes the file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from core.archive_units import unit_from_archive
from core.errors import ConfigError, SinkUnavailable
from core.protocols import ArchiveSink
from core.records import CAPTURE_KIND, CaptureRecord
from core.resume_file import save_progress

__all__ = ["Filters", "ReprocessProgress", "Reprocessed", "first_archive", "reprocess"]


class Filters(msgspec.Struct, kw_only=True, frozen=True):
    """Which units: of one source instance, occurring at or after ``since``, one unit key."""

    source: str = ""
    since: datetime | None = None
    unit: str = ""

    def match(self, capture: CaptureRecord) -> bool:
        """True when the capture record's unit is selected."""
        return (
            (not self.source or capture.source == self.source)
            and (not self.unit or capture.key == self.unit)
            and (self.since is None or capture.occurred_at >= self.since)
        )


class ReprocessProgress(msgspec.Struct, kw_only=True):
    """The filters of a run, the last capture id derived again, and counts per status."""

    archive: str
    filters: Filters
    after: str = ""
    statuses: dict[str, int] = msgspec.field(default_factory=dict)
    resumed: bool = False

    @property
    def units(self) -> int:
        """Units derived again so far."""
        return sum(self.statuses.values())


@dataclass
class Reprocessed:
    """What a finished run did; ``skipped`` units were done by the run it resumed."""

    progress: ReprocessProgress
    skipped: int = 0
    failed: list[str] = field(default_factory=list)


Derive = Callable[..., str]
Report = Callable[[ReprocessProgress, str], None]


def first_archive(sinks: Mapping[str, Any]) -> tuple[str, Any]:
    """The first enabled archive sink that can read parts back."""
    for name, sink in sinks.items():
        if isinstance(sink, ArchiveSink):
            return name, sink
    raise ConfigError("no archive sink is enabled: there is nothing to reprocess from")


def _progress_path(state_dir: Path) -> Path:
    return state_dir / "reprocess.json"


def _load(path: Path, archive: str, filters: Filters) -> ReprocessProgress | None:
    try:
        found = msgspec.json.decode(path.read_bytes(), type=ReprocessProgress)
    except (FileNotFoundError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return found if found.archive == archive and found.filters == filters else None


def _captures(archive: Any, filters: Filters, after: str) -> Iterator[CaptureRecord]:
    for record in archive.records(kinds=(CAPTURE_KIND,)):
        if isinstance(record, CaptureRecord) and record.id > after and filters.match(record):
            yield record


def reprocess(
    derive: Derive,
    sinks: Mapping[str, Any],
    state_dir: Path,
    filters: Filters,
    restart: bool = False,
    report: Report | None = None,
) -> Reprocessed:
    """Derive every selected unit of the archive again with ``derive(unit, reason=...)``.

    A sink that stays down stops the run (``SinkUnavailable``) before the unit is counted:
    the next run resumes at that unit.
    """
    name, archive = first_archive(sinks)
    path = _progress_path(state_dir)
    progress = None if restart else _load(path, name, filters)
    skipped = progress.units if progress else 0
    if progress is None:
        progress = ReprocessProgress(archive=name, filters=filters)
    else:
        progress.resumed = True
    done = Reprocessed(progress=progress, skipped=skipped)
    spool = state_dir / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    for capture in _captures(archive, filters, progress.after):
        with tempfile.TemporaryDirectory(prefix="reprocess-", dir=spool) as tmp:
            unit = unit_from_archive(archive, capture, Path(tmp))
            status = derive(unit, reason="reprocess")
        if status == "pending":
            raise SinkUnavailable(
                f"a sink is unreachable: {capture.source}/{capture.key} and the units after it"
                " were not derived again; rerun once it is back (it resumes there)"
            )
        if status not in ("ok", "partial"):
            done.failed.append(f"{capture.source}/{capture.key}: {status}")
        progress.statuses[status] = progress.statuses.get(status, 0) + 1
        progress.after = capture.id
        save_progress(path, progress)
        if report is not None:
            report(progress, f"{capture.source}/{capture.key}")
    path.unlink(missing_ok=True)
    return done
