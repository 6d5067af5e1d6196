"""What a source, a transformer and a sink must be, and the values they exchange.

Components are plain classes registered through the hooks in :mod:`core.hookspecs`. Each has
a ``name`` (= its plugin's entry-point name = its config section by default), a msgspec
``Config`` struct (unknown keys rejected) and is built as ``cls(config, context)``.

Flow of one capture unit (see DESIGN §3)::

    Source.pull(checkpoint) ──Unit──▶ unit transformers ──records──▶ record transformers
        ──records + artifacts──▶ every Sink.write ──receipts──▶ commit (state + ledger)
        ──▶ Source.acknowledge(unit, receipt)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import msgspec

from core.records import AttributeSpec, Record

__all__ = [
    "Context",
    "Failure",
    "Finding",
    "Query",
    "Receipt",
    "SearchResults",
    "SearchableSink",
    "Sink",
    "Source",
    "SpooledFile",
    "Transformer",
    "Unit",
    "VerifiableSink",
    "WakeableSource",
]


class Finding(msgspec.Struct, kw_only=True, frozen=True):
    """One line of ``ecomms check``: what was checked, whether it passed, what to do if not."""

    component: str
    check: str
    ok: bool
    detail: str = ""
    action: str = ""


class SpooledFile(msgspec.Struct, kw_only=True):
    """A file of a unit, already downloaded to the spool and verified (size + SHA-256)."""

    file_id: str
    path: str
    sha256: str
    size: int
    media_type: str
    name: str = ""
    meta: dict[str, Any] = msgspec.field(default_factory=dict)


class Failure(msgspec.Struct, kw_only=True, frozen=True):
    """Why a unit could not be captured; ``transient`` ones are retried before dead-lettering."""

    message: str
    transient: bool
    where: str = ""


class Unit(msgspec.Struct, kw_only=True):
    """One source object captured whole (for Zoom: one meeting or webinar instance).

    ``key`` identifies it within its source instance. ``version`` changes when its content
    changes (e.g. a hash of its file ids and fingerprints): a committed unit whose version
    is unchanged is skipped on replay. ``checkpoint`` is the value the source may resume
    from once this unit and every unit before it is settled; ``None`` keeps the current one.
    ``failure`` is set by a source that could not capture the unit; the pipeline then
    retries or dead-letters it. ``payloads`` are the raw API payloads, by name.
    """

    source: str
    platform: str
    key: str
    version: str = ""
    occurred_at: datetime | None = None
    title: str = ""
    payloads: dict[str, Any] = msgspec.field(default_factory=dict)
    files: list[SpooledFile] = msgspec.field(default_factory=list)
    gaps: list[str] = msgspec.field(default_factory=list)
    checkpoint: str | None = None
    failure: Failure | None = None


class Receipt(msgspec.Struct, kw_only=True):
    """A sink's proof that every record (and artifact) of a unit is durable."""

    sink: str
    record_ids: list[str]
    artifacts: list[str] = msgspec.field(default_factory=list)
    detail: dict[str, Any] = msgspec.field(default_factory=dict)


class Query(msgspec.Struct, kw_only=True):
    """A search: full text, exact attribute filters, kind and time range (UTC, inclusive)."""

    text: str = ""
    where: dict[str, list[str]] = msgspec.field(default_factory=dict)
    kind: str = ""
    since: datetime | None = None
    until: datetime | None = None
    min_risk: int | None = None
    limit: int = 20


class SearchResults(msgspec.Struct, kw_only=True):
    """Records matching a query, best first, and the total number of matches."""

    total: int
    records: list[Record]


class Context(msgspec.Struct, kw_only=True):
    """What the host hands every component it builds.

    ``name`` is the instance name (the config section); ``state_dir`` is the host's state
    directory; ``spool_dir`` a directory of the component's own for temporary files;
    ``attributes`` the searchable attributes declared by every enabled source and
    transformer (sinks build typed mappings from them); ``config_dir`` the directory of the
    config file, against which relative paths of the component's options are resolved
    (:meth:`resolve_path`; the current directory for components built by hand).
    """

    name: str
    state_dir: Path
    spool_dir: Path
    attributes: list[AttributeSpec] = msgspec.field(default_factory=list)
    config_dir: Path = msgspec.field(default_factory=Path.cwd)

    def resolve_path(self, path: str | Path) -> Path:
        """``path`` as an absolute path: ``~`` expanded, relative ones under ``config_dir``."""
        return (self.config_dir / Path(path).expanduser()).absolute()


@runtime_checkable
class Source(Protocol):
    """Produces capture units from a communication platform."""

    name: ClassVar[str]
    platform: ClassVar[str]
    Config: ClassVar[type[msgspec.Struct]]
    attributes: ClassVar[Sequence[AttributeSpec]]

    def check(self) -> list[Finding]:
        """Verify credentials, permissions and reachability; never raises for a failed check."""

    def pull(self, checkpoint: str | None) -> Iterator[Unit]:
        """Yield units captured since ``checkpoint`` (``None``: from the configured start)."""

    def recapture(self, unit: Unit) -> Unit:
        """Capture again a unit that was dead-lettered (``unit`` has no files; fetch them)."""

    def acknowledge(self, unit: Unit, receipts: Sequence[Receipt]) -> list[dict[str, Any]]:
        """Called once every sink committed ``unit``; return the actions taken for the ledger."""

    def close(self) -> None:
        """Release connections and temporary files."""


@runtime_checkable
class Transformer(Protocol):
    """Pure: turns a unit into records (stage ``unit``) or refines records (stage ``records``)."""

    name: ClassVar[str]
    stage: ClassVar[Literal["unit", "records"]]
    consumes: ClassVar[frozenset[str]]  # platforms for stage "unit"; "*" for every platform
    Config: ClassVar[type[msgspec.Struct]]
    attributes: ClassVar[Sequence[AttributeSpec]]

    def transform(self, unit: Unit, records: list[Record]) -> list[Record]:
        """Return the records for ``unit``: built from it, or ``records`` refined."""


@runtime_checkable
class Sink(Protocol):
    """Stores records durably and idempotently.

    ``stores_artifacts`` says whether the sink keeps artifact bytes. One that does lists the
    SHA-256 of every artifact it holds in its receipts; one that does not (a search index
    keeping only references) returns ``receipt.artifacts == []``, never claiming bytes it
    does not hold. It is a class attribute outside the protocol's required members (older
    sinks lack it); absent, it is taken as ``False``.
    """

    name: ClassVar[str]
    Config: ClassVar[type[msgspec.Struct]]

    def check(self) -> list[Finding]:
        """Verify the store is reachable and writable."""

    def write(self, records: Sequence[Record], artifacts: Mapping[str, Path]) -> Receipt:
        """Store ``records`` (and artifact files, by SHA-256) durably; same id twice = one record.

        Return a receipt only once everything is durable. Raise ``SinkUnavailable`` when the
        store cannot be reached and ``RecordRejected`` when some records were refused.
        The receipt lists an artifact's SHA-256 only if this sink keeps its bytes
        (``stores_artifacts``): a source may delete its copy once some receipt lists it.
        """

    def close(self) -> None:
        """Flush and release resources."""


@runtime_checkable
class SearchableSink(Sink, Protocol):
    """A sink that can also find records again."""

    def search(self, query: Query) -> SearchResults:
        """Records matching ``query``, best first."""

    def get(self, record_id: str) -> Record | None:
        """The record with this id, or ``None``."""


@runtime_checkable
class VerifiableSink(Sink, Protocol):
    """A sink that can re-check what it stores (``ecomms audit verify`` calls it)."""

    def verify(self) -> list[Finding]:
        """Re-hash stored bytes and records; one failed finding per changed or missing item."""


@runtime_checkable
class WakeableSource(Source, Protocol):
    """A source that can tell the continuous run loop that new work arrived (e.g. a webhook)."""

    def wait_for_work(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; return True as soon as new work is signalled.

        The continuous run loop calls this between passes instead of sleeping the whole
        polling interval; returning early only triggers an earlier poll.
        """
