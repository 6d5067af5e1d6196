"""``ecomms rebuild SINK``: refill a search sink from the archive of record.

Search stores are projections of the archive: a deleted sqlite file or a new OpenSearch
index is refilled from :meth:`ArchiveSink.records` (the latest version of every record, in
ascending id order; capture records are never searchable and stay out), written in batches
through the sink's own idempotent ``write``. After each batch is durable the last id written
is kept in ``rebuild/SINK.json`` in the state directory, so a rebuild that was killed resumes
after it; a completed rebuild removes that file and adds a ``rebuild`` entry to the custody
ledger. Rerunning is harmless: the same ids, no duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from core.errors import ConfigError, RecordRejected
from core.protocols import ArchiveSink
from core.records import RECORD_KINDS, Record
from core.resume_file import save_progress
from core.state import State

__all__ = ["Rebuild", "RebuildProgress", "choose_archive", "rebuild_sink"]

Report = Callable[["RebuildProgress"], None]


class RebuildProgress(msgspec.Struct, kw_only=True):
    """Where a rebuild stands: what it reads from, the last id durable in the sink, counts."""

    sink: str
    archive: str
    after: str = ""
    records: int = 0
    started_at: str = ""
    resumed: bool = False


@dataclass
class Rebuild:
    """What a finished rebuild did."""

    progress: RebuildProgress
    skipped: int  # records already written by the run that was interrupted


def choose_archive(sinks: Mapping[str, Any], target: str, name: str = "") -> tuple[str, Any]:
    """The archive sink to read (``name``, else the first enabled one other than ``target``)."""
    if target not in sinks:
        raise ConfigError(f"no enabled sink named {target}; see the [sinks.NAME] sections")
    if getattr(type(sinks[target]), "stores_artifacts", False):
        raise ConfigError(
            f"sink {target} is an archive of record: rebuild refills search sinks from it;"
            " restore an archive from a replica or backup instead"
        )
    archives = {n: s for n, s in sinks.items() if n != target and isinstance(s, ArchiveSink)}
    if name:
        if name not in archives:
            raise ConfigError(f"--from {name}: not an enabled archive sink (filesystem, s3)")
        return name, archives[name]
    if not archives:
        raise ConfigError("no archive sink is enabled: there is nothing to rebuild from")
    return next(iter(archives.items()))


def _progress_path(state_dir: Path, sink: str) -> Path:
    return state_dir / "rebuild" / f"{sink}.json"


def _load(path: Path, sink: str, archive: str) -> RebuildProgress | None:
    try:
        found = msgspec.json.decode(path.read_bytes(), type=RebuildProgress)
    except (FileNotFoundError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return found if found.sink == sink and found.archive == archive else None


def _batches(records: Iterator[Record], after: str, size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        if after and record.id <= after:
            continue
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild_sink(
    state: State,
    sinks: Mapping[str, Any],
    target: str,
    source: str = "",
    batch: int = 500,
    restart: bool = False,
    report: Report | None = None,
) -> Rebuild:
    """Write every searchable record of the archive to ``target``; resume a killed run."""
    archive_name, archive = choose_archive(sinks, target, source)
    sink = sinks[target]
    path = _progress_path(state.path.parent, target)
    progress = None if restart else _load(path, target, archive_name)
    skipped = progress.records if progress else 0
    if progress is None:
        started = datetime.now(UTC).isoformat(timespec="seconds")
        progress = RebuildProgress(sink=target, archive=archive_name, started_at=started)
    else:
        progress.resumed = True
    for records in _batches(archive.records(kinds=tuple(RECORD_KINDS)), progress.after, batch):
        receipt = sink.write(records, {})
        missing = {r.id for r in records} - set(receipt.record_ids)
        if missing:
            raise RecordRejected(
                f"sink {target} did not confirm {len(missing)} records; rerun to resume",
                sink=target,
            )
        progress.after, progress.records = records[-1].id, progress.records + len(records)
        save_progress(path, progress)
        if report is not None:
            report(progress)
    state.append_event(
        "rebuild",
        "",
        target,
        {"sink": target, "archive": archive_name, "records": progress.records},
    )
    path.unlink(missing_ok=True)
    return Rebuild(progress=progress, skipped=skipped)
