"""The pipeline: pull, transform, write to every sink, commit, then acknowledge.

The delivery guarantee (DESIGN §3, docs/reliability.md): a unit is committed (state, custody
ledger, checkpoint) and its source acknowledged only after **every** enabled sink returned a
receipt naming all its records. A unit that keeps failing is dead-lettered and never blocks
the others; the checkpoint never moves past a unit still waiting for a retry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.components import Components, handles
from core.config import Settings
from core.errors import (
    EcommsError,
    PluginError,
    RecordRejected,
    SinkUnavailable,
    TerminalError,
    TransientError,
)
from core.plugins import Host
from core.protocols import Failure, Receipt, Unit
from core.records import Record
from core.state import State

__all__ = ["PassReport", "Pipeline"]

log = logging.getLogger("ecomms.pipeline")

Progress = Callable[[str, Unit, int, int], None]


@dataclass
class PassReport:
    """What one pass did: unit keys by outcome (committed, skipped, failed, dead)."""

    outcomes: dict[str, list[str]] = field(default_factory=dict)
    records: int = 0
    bytes: int = 0

    def add(self, outcome: str, unit: Unit) -> None:
        """Count one unit's outcome."""
        self.outcomes.setdefault(outcome, []).append(f"{unit.source}/{unit.key}")


class _UnitFailed(Exception):
    def __init__(self, error: BaseException, terminal: bool) -> None:
        super().__init__(str(error))
        self.error, self.terminal = error, terminal


class Pipeline:
    """Runs units of the enabled sources through transformers and sinks, with state."""

    def __init__(
        self,
        settings: Settings,
        host: Host,
        components: Components,
        state: State,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.settings, self.host, self.c, self.state = settings, host, components, state
        self.progress = progress or (lambda *_: None)
        self.stop = stop or threading.Event()

    def run_pass(self, only: Sequence[str] = ()) -> PassReport:
        """One catch-up pass over every (or the named) source; raises when a sink stays down."""
        report = PassReport()
        for name, source in self.c.sources.items():
            if only and name not in only:
                continue
            try:
                self._acknowledge_pending(source, name)
                self._pass_source(source, name, report)
            except EcommsError as exc:
                self.state.run_finished(name, exc.one_line())
                self.host.on_error(None, exc, dead_lettered=False)
                raise
            self.state.run_finished(name)
            if self.stop.is_set():
                break
        return report

    def retry_dead_letters(self, ids: Sequence[int] = ()) -> dict[int, str]:
        """Recapture dead-lettered units (all, or ``ids``) and settle them; outcome per id."""
        outcomes: dict[int, str] = {}
        for dead in self.state.dead_letters(list(ids) or None):
            source = self.c.sources.get(dead.source)
            if source is None:
                outcomes[dead.id] = f"source {dead.source} is not enabled"
                continue
            self._acknowledge_pending(source, dead.source)
            try:
                unit = source.recapture(dead.unit())
            except EcommsError as exc:
                unit = dead.unit()
                unit.failure = Failure(message=exc.one_line(), transient=exc.transient)
            outcomes[dead.id] = self.process(source, unit, advance=False, retried=dead.id)
        return outcomes

    def _acknowledge_pending(self, source: Any, name: str) -> None:
        for unit, receipts in self.state.unacked(name):
            log.info("acknowledging %s/%s committed before a crash", name, unit.key)
            self._acknowledge(source, unit, receipts)

    def _pass_source(self, source: Any, name: str, report: PassReport) -> None:
        held = False
        units = iter(source.pull(self.state.checkpoint(name), self._known(name)))
        try:
            for unit in units:
                if unit.source != name:
                    raise PluginError(
                        f"source {name} yielded a unit of source {unit.source!r}; set"
                        " unit.source to the instance name (context.name)"
                    )
                outcome = self.process(source, unit, advance=not held)
                held = held or outcome == "failed"
                report.add(outcome, unit)
                if outcome == "committed":
                    report.bytes += sum(f.size for f in unit.files)
                if self.stop.is_set():
                    log.info("stop requested: %s/%s finished, exiting", name, unit.key)
                    return
        finally:
            close = getattr(units, "close", None)  # let a generator source clean up now
            if close is not None:
                close()

    def _known(self, name: str) -> Callable[[str], str | None]:
        """``known(key)`` for a source: the version committed or dead-lettered, else None."""

        def known(key: str) -> str | None:
            state = self.state.unit(name, key)
            if state is None or state.status not in ("committed", "dead"):
                return None
            return state.version

        return known

    def process(
        self, source: Any, unit: Unit, advance: bool = True, retried: int | None = None
    ) -> str:
        """Settle one unit; return ``committed``, ``skipped``, ``failed`` or ``dead``."""
        known = self.state.unit(unit.source, unit.key)
        if (
            retried is None
            and known
            and (
                (known.status == "committed" and known.version == unit.version)
                or known.status == "dead"
            )
        ):
            if advance and unit.checkpoint is not None:
                self.state.advance(unit.source, unit.checkpoint)
            return "skipped"
        self.progress("unit", unit, 0, 0)
        try:
            records = self._records(unit)
            receipts = self._write(unit, records)
        except _UnitFailed as failed:
            return self._failed(unit, failed, advance, retried)
        checkpoint = unit.checkpoint if advance and retried is None else None
        self.state.commit(unit, receipts, [r.id for r in records], checkpoint, retried=retried)
        self.progress("committed", unit, len(records), sum(f.size for f in unit.files))
        self._acknowledge(source, unit, receipts)
        return "committed"

    def _records(self, unit: Unit) -> list[Record]:
        if unit.failure is not None:
            raise _UnitFailed(
                EcommsError(unit.failure.message, where=unit.failure.where or None),
                terminal=not unit.failure.transient,
            )
        captured = self.state.begin(unit.source, unit.key)
        records: list[Record] = []
        try:
            for t in self.c.unit_transformers:
                if handles(t, unit.platform):
                    records = t.transform(unit, records)
            for t in self.c.record_transformers:
                records = t.transform(unit, records)
        except EcommsError as exc:
            raise _UnitFailed(exc, terminal=isinstance(exc, TerminalError)) from exc
        except Exception as exc:  # a transformer bug: dead-letter the unit, keep the traceback
            log.exception("transformer failed on %s/%s", unit.source, unit.key)
            raise _UnitFailed(exc, terminal=True) from exc
        for record in records:
            record.captured_at = captured
        return records

    def _write(self, unit: Unit, records: list[Record]) -> list[Receipt]:
        artifacts = {f.sha256: Path(f.path) for f in unit.files}
        return [
            self._write_one(name, sink, records, artifacts) for name, sink in self.c.sinks.items()
        ]

    def _write_one(
        self, name: str, sink: Any, records: list[Record], artifacts: dict[str, Path]
    ) -> Receipt:
        delay = self.settings.host.sink_backoff
        for attempt in range(self.settings.host.sink_retries + 1):
            try:
                receipt = sink.write(records, artifacts)
            except TransientError as exc:  # SinkUnavailable, RateLimited: the sink's fault
                if attempt == self.settings.host.sink_retries:
                    raise SinkUnavailable(
                        f"sink {name} unavailable: {exc.message}; nothing was"
                        " committed, run again once it is back",
                        sink=name,
                    ) from exc
                wait = max(delay, getattr(exc, "retry_after", None) or 0.0)
                log.warning("sink %s unavailable (%s); retry in %.1fs", name, exc.message, wait)
                time.sleep(wait)
                delay *= 2
                continue
            except RecordRejected as exc:
                raise _UnitFailed(exc, terminal=True) from exc
            missing = {r.id for r in records} - set(receipt.record_ids)
            if missing:
                raise SinkUnavailable(
                    f"sink {name} did not confirm {len(missing)} records; nothing was committed",
                    sink=name,
                )
            return receipt
        raise AssertionError("unreachable")

    def _failed(self, unit: Unit, failed: _UnitFailed, advance: bool, retried: int | None) -> str:
        error = _describe(failed.error)
        attempts = self.state.record_failure(unit.source, unit.key, unit.version, error)
        # a retry from the dead-letter store that fails goes straight back there
        dead = failed.terminal or retried is not None or attempts >= self.settings.host.max_attempts
        if dead:
            self.state.dead_letter(unit, error, attempts)
            log.error(
                "%s/%s dead-lettered after %d attempt(s): %s",
                unit.source,
                unit.key,
                attempts,
                error,
            )
            if advance and retried is None and unit.checkpoint is not None:
                self.state.advance(unit.source, unit.checkpoint)
        else:
            log.warning(
                "%s/%s failed (attempt %d of %d), will retry: %s",
                unit.source,
                unit.key,
                attempts,
                self.settings.host.max_attempts,
                error,
            )
        self.host.on_error(unit, failed.error, dead_lettered=dead)
        return "dead" if dead else "failed"

    def _acknowledge(self, source: Any, unit: Unit, receipts: list[Receipt]) -> None:
        try:
            actions = source.acknowledge(unit, receipts)
        except Exception as exc:
            log.error(
                "acknowledge of %s/%s failed, retried on next run: %s",
                unit.source,
                unit.key,
                _describe(exc),
            )
            self.host.on_error(unit, exc, dead_lettered=False)
            return
        self.state.acknowledged(unit, list(actions or []))
        self.host.after_commit(unit, receipts)


def _describe(error: BaseException) -> str:
    if isinstance(error, RecordRejected) and error.reasons:
        reasons = "; ".join(f"{k}: {v}" for k, v in sorted(error.reasons.items()))
        return f"{error.one_line()} [{reasons}]"
    if isinstance(error, EcommsError):
        return error.one_line()
    return f"{type(error).__name__}: {error}"
