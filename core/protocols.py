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

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import msgspec

from core.metrics.families import Meter
from core.records import AttributeSpec, Record

__all__ = [
    "ArchiveSink",
    "Context",
    "EmptyConfig",
    "Expected",
    "Failure",
    "Finding",
    "Gap",
    "InventoryItem",
    "Known",
    "Meter",
    "Query",
    "Receipt",
    "ReconcilableSource",
    "RefillableSource",
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

Known = Callable[[str], str | None]
"""``known(key)``: the version of a unit already committed (or dead-lettered), else ``None``."""


class EmptyConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``Config`` of a component without options: any key in its section is an error."""


class Finding(msgspec.Struct, kw_only=True, frozen=True):
    """One line of ``ecomms check``: what was checked, whether it passed, what to do if not.

    A ``warning`` passed (``ok``) but deserves the operator's attention: ``check`` prints it
    as ``WARN`` with its ``action`` and still exits 0.
    """

    component: str
    check: str
    ok: bool
    detail: str = ""
    action: str = ""
    warning: bool = False


class SpooledFile(msgspec.Struct, kw_only=True):
    """One part of a unit's raw material, already in the spool and verified (size + SHA-256).

    ``role`` says what the part is: ``file`` (a file the source serves as an archive file; only
    these are ever released at the source), ``attachment`` (a file shared inside the
    communication) or ``response`` (a raw API response body, byte for byte as received).
    ``fingerprint`` is ``source`` when the source gave the SHA-256 and it was verified, or
    ``computed`` when the source gave none and it was computed on receipt. ``path`` is ``""``
    only for a part already held by the archive sinks (a unit rebuilt from the archive).
    ``meta`` is the source's description of the part (JSON-able).
    """

    file_id: str
    path: str
    sha256: str
    size: int
    media_type: str
    name: str = ""
    meta: dict[str, Any] = msgspec.field(default_factory=dict)
    role: str = "file"
    fingerprint: Literal["source", "computed"] = "source"


class Gap(msgspec.Struct, kw_only=True, frozen=True):
    """Something a unit lacks: a ``file`` the source marks failed, or an optional ``lookup``.

    ``part`` names what is missing (``file 7f3a (MP4)``, ``GET /report/meetings/{uuid}/...``),
    ``reason`` the source's answer. A gap with ``retry_until`` in the future is retried on later
    passes (``RefillableSource.refill``); ``None`` means final.
    """

    part: str
    reason: str = ""
    kind: Literal["file", "lookup"] = "lookup"
    retry_until: datetime | None = None

    def line(self) -> str:
        """The gap as one line for ``ecomms status``."""
        return f"{self.part}: {self.reason}" if self.reason else self.part


class Failure(msgspec.Struct, kw_only=True, frozen=True):
    """Why a unit could not be captured; ``transient`` ones are retried before dead-lettering."""

    message: str
    transient: bool
    where: str = ""


class Unit(msgspec.Struct, kw_only=True):
    """One source object captured whole (for Zoom: one meeting or webinar instance).

    ``key`` identifies it within its source instance. ``version`` changes when the object
    changes at the source (computed from what the source lists, e.g. its file ids and
    fingerprints, so an unchanged unit is recognised before anything is downloaded): a
    committed unit whose version is unchanged is skipped on replay. ``checkpoint`` is the
    value the source may resume from once this unit and every unit before it is settled;
    ``None`` keeps the current one. ``failure`` is set by a source that could not capture the
    unit; the pipeline then retries or dead-letters it. ``files`` holds every part of its raw
    material (see :class:`SpooledFile`); ``payloads`` small decoded JSON a source may carry
    inline; ``meta`` the source's own bookkeeping. All of it is archived (custody) before any
    record is derived from it.
    """

    source: str
    platform: str
    key: str
    version: str = ""
    occurred_at: datetime | None = None
    title: str = ""
    payloads: dict[str, Any] = msgspec.field(default_factory=dict)
    files: list[SpooledFile] = msgspec.field(default_factory=list)
    gaps: list[Gap] = msgspec.field(default_factory=list)
    meta: dict[str, Any] = msgspec.field(default_factory=dict)
    checkpoint: str | None = None
    failure: Failure | None = None


class Receipt(msgspec.Struct, kw_only=True):
    """A sink's proof that every record (and artifact) of a write is durable.

    ``artifacts`` lists every SHA-256 the sink holds for the write (provided now or stored
    before); ``digests`` maps each record id to the SHA-256 of the bytes an archive sink
    stored for it (empty for index sinks); ``detail`` is the sink's own (e.g. manifest position).
    """

    sink: str
    record_ids: list[str]
    artifacts: list[str] = msgspec.field(default_factory=list)
    digests: dict[str, str] = msgspec.field(default_factory=dict)
    detail: dict[str, Any] = msgspec.field(default_factory=dict)


class Expected(msgspec.Struct, kw_only=True):
    """What the custody ledger says one archive sink holds, as of ledger entry ``ledger_seq``.

    ``artifacts`` maps SHA-256 to size; ``records`` maps record id to the digest of a stored
    version (a later version may exist beside it).
    """

    artifacts: dict[str, int] = msgspec.field(default_factory=dict)
    records: dict[str, str] = msgspec.field(default_factory=dict)
    ledger_seq: int = 0


class Query(msgspec.Struct, kw_only=True):
    """A search: full text, attribute filters, kind, time range (UTC, inclusive), risk.

    What each field means is defined once in :mod:`core.query` (every store agrees).
    """

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
    directory; ``spool_dir`` a directory of the component's own for temporary files (created
    only for the process holding the run lock, ``run`` and ``dlq retry``; a component built by
    ``check`` or a reviewer command finds it absent and must not create it);
    ``attributes`` the searchable attributes declared by every enabled source and
    transformer (sinks build typed mappings from them); ``config_dir`` the directory of the
    config file, against which relative paths of the component's options are resolved
    (:meth:`resolve_path`; the current directory for components built by hand);
    ``meter`` counts the component's API requests, 429s and rate-limit waits for the run's
    metrics (:class:`core.metrics.Meter`; one counting nowhere when built outside a run).
    """

    name: str
    state_dir: Path
    spool_dir: Path
    attributes: list[AttributeSpec] = msgspec.field(default_factory=list)
    config_dir: Path = msgspec.field(default_factory=Path.cwd)
    meter: Meter = msgspec.field(default_factory=Meter.off)

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

    def pull(self, checkpoint: str | None, known: Known) -> Iterator[Unit]:
        """Yield units captured since ``checkpoint`` (``None``: from the configured start).

        ``known(key)`` is the version of that unit already committed (or dead-lettered), or
        ``None``. A unit whose version equals ``known(key)`` is yielded without downloading or
        enriching anything (key, version and checkpoint only): the pipeline skips it. A
        problem with one source object is yielded as a unit with ``failure`` set, never
        raised: an exception ends the pass.
        """

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
        """Records matching ``query``, best first, as the query language defines it.

        Validate it with :func:`core.query.parse_query` (which raises ``QueryError``) against
        the attributes the configured sources declare plus those the store already holds,
        and translate the parsed query; never return a ``capture`` record.
        ``core.testing.SearchableSinkContract`` checks the answers.
        """

    def get(self, record_id: str) -> Record | None:
        """The record with this id, or ``None``."""


@runtime_checkable
class VerifiableSink(Sink, Protocol):
    """A sink that can re-check what it stores (``ecomms audit verify`` calls it)."""

    def verify(self, expected: Expected | None = None) -> list[Finding]:
        """Re-check stored bytes and records; one failed finding per changed or missing item.

        With ``expected`` (built from the custody ledger), also prove that every artifact and
        record version it names exists here unchanged. A passing finding states what was
        verified.
        """


@runtime_checkable
class ArchiveSink(VerifiableSink, Protocol):
    """The archive of record: keeps artifact bytes and every record version, write-once.

    ``stores_artifacts`` is True. Custody (capture records and every part's bytes) is written
    only to archive sinks; ``reprocess`` and ``rebuild`` read them back from here.
    """

    stores_artifacts: ClassVar[bool]

    def fetch(self, sha256: str, directory: Path) -> Path:
        """A local path holding the artifact's bytes, verified against ``sha256``.

        The stored file itself when it is local (callers never modify it), or a copy placed in
        ``directory``. ``IntegrityError`` naming the sink and the SHA-256 when it is missing or
        altered.
        """

    def records(self, kinds: Collection[str] = ()) -> Iterator[Record]:
        """The latest version of every stored record (only ``kinds`` when given), in
        ascending id order, streamed in constant memory."""


@runtime_checkable
class RefillableSource(Source, Protocol):
    """A source that can retry a committed unit's retryable gaps (failed optional lookups)."""

    def refill(self, unit: Unit) -> Unit:
        """Retry the gaps of ``unit`` whose ``retry_until`` is in the future.

        ``unit`` was rebuilt from the archive (its parts are references, ``path == ""``).
        Return it with the new parts added (spooled, verified), the filled gaps removed and the
        others updated; unchanged when nothing could be filled. Never fetches parts it has.
        """


class InventoryItem(msgspec.Struct, kw_only=True, frozen=True):
    """One thing a source lists for a period: a unit (``file_id == ""``) or one of its files.

    ``status`` is the item's state at the source: ``completed``, ``processing`` (not ready
    yet) or ``failed`` (the source itself failed to produce it). ``selected`` is False for a
    file the configuration does not capture (e.g. video with ``media = "audio"``).
    ``label`` names it for people (``MP4 file``, a meeting topic).
    """

    key: str
    file_id: str = ""
    status: str = "completed"
    selected: bool = True
    label: str = ""


@runtime_checkable
class ReconcilableSource(Source, Protocol):
    """A source that can list its past, so ``ecomms audit completeness`` can reconcile it."""

    def inventory(self, start: datetime | None, end: datetime | None) -> Iterator[InventoryItem]:
        """Every unit and file the source holds for ``[start, end]``, as it lists them now.

        ``None`` bounds mean as far back as the source can list, and now. Makes no change at
        the source; a unit whose listing cannot be read is yielded as a unit item (its key)
        so its fate is still looked up.
        """


@runtime_checkable
class WakeableSource(Source, Protocol):
    """A source that can tell the continuous run loop that new work arrived (e.g. a webhook)."""

    def wait_for_work(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; return True as soon as new work is signalled.

        The continuous run loop calls this between passes instead of sleeping the whole
        polling interval; returning early only triggers an earlier poll.
        """
