"""The pipeline: pull, commit custody, derive records, acknowledge (capture first).

Two stages with their own guarantees (DESIGN §3, docs/reliability.md):

1. *Custody.* A unit's capture record and every part's bytes are written to every archive
   sink (``stores_artifacts``); only once each returned a receipt is the unit committed
   (state, custody ledger, checkpoint) and, whatever its derivation does, acknowledged at
   the source.
2. *Derivation* (:mod:`core.derive`). Transformers run on the committed unit (from the
   spool, before the source releases it at acknowledgement) and the records go to every
   sink; a failure there is retried from the archive on later passes and never undoes
   custody.

Without an archive sink a unit is committed only once its records reached every sink.
A unit that keeps failing is dead-lettered and never blocks the others; the checkpoint
never moves past a unit still waiting for a retry.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from core.components import Components
from core.config import Settings
from core.custody import UnitFailed, derive_or_fail, write_custody, write_records_everywhere
from core.derive import Derivation, describe
from core.errors import DiskFull, EcommsError, PluginError, SinkUnavailable, TerminalError
from core.outcomes import DeriveStatus, Outcome, UnitStatus
from core.pass_report import PassReport, down_line
from core.plugins import Host
from core.protocols import Failure, Receipt, Unit
from core.state import State
from core.state_models import storable

__all__ = ["PassReport", "Pipeline"]

log = logging.getLogger("ecomms.pipeline")


class Pipeline:
    """Runs units of the enabled sources through custody and derivation, with state."""

    def __init__(
        self,
        settings: Settings,
        host: Host,
        components: Components,
        state: State,
        stop: threading.Event | None = None,
    ) -> None:
        self.settings, self.host, self.c, self.state = settings, host, components, state
        self.stop = stop or threading.Event()
        self.derivation = Derivation(
            settings,
            components,
            state,
            lambda u, e, dead: host.on_error(u, e, dead_lettered=dead),
            host.after_derive,
        )
        self.archives = self.derivation.archives
        self._report = PassReport()

    def run_pass(self, only: Sequence[str] = ()) -> PassReport:
        """One catch-up pass over every (or the named) source.

        A source that fails as a whole (its listing refused, its credentials rejected) is
        recorded as that source's last error and the pass goes on with the other sources;
        the first such error is raised at the end. An archive sink that stays down or a full
        disk stops the pass at once (``SinkUnavailable``/``DiskFull``: nothing more is
        committed); a sink that stayed down during derivation raises ``SinkUnavailable`` at
        the end of the pass (custody went on; those records are derived on a later pass).
        """
        report = self._report = PassReport()
        self.derivation.down.clear()
        failed: list[EcommsError] = []
        for name, source in self.c.sources.items():
            if only and name not in only:
                continue
            try:
                self._acknowledge_pending(source, name)
                self._derive_due(name, report)
                self._refill_due(source, name, report)
                self._pass_source(source, name, report)
            except EcommsError as exc:
                self.state.run_finished(name, exc.one_line())
                self.host.on_error(None, exc, dead_lettered=False)
                if isinstance(exc, (SinkUnavailable, DiskFull)):
                    raise
                if failed:
                    log.error("source %s: pass failed: %s", name, exc.one_line())
                failed.append(exc)
            else:
                self.state.run_finished(name, down_line(self.derivation.down))
            report.down = dict(self.derivation.down)
            if self.stop.is_set():
                break
        if report.down:
            error = SinkUnavailable(down_line(report.down), sink=", ".join(sorted(report.down)))
            error.report = report  # type: ignore[attr-defined]
            raise error
        if failed:
            raise failed[0]
        return report

    def derive(
        self, unit: Unit, reason: str = "capture", retried: int | None = None
    ) -> DeriveStatus:
        """Derive the records of a committed ``unit`` (its parts readable at their paths) and
        write them to every sink; return ``ok``, ``partial``, ``failed``, ``dead`` or
        ``pending`` (a sink is unreachable; the unit stays due). ``reason`` is ``capture``,
        ``reprocess`` or ``refill`` and goes into the ledger's ``derive`` entry."""
        return self.derivation.derive(unit, reason, retried)

    def retry_dead_letters(self, ids: Sequence[int] = ()) -> dict[int, str]:
        """Recapture dead-lettered units (all, or ``ids``) and settle them; outcome per id.

        A unit whose derivation was given up on is derived again from the archive."""
        outcomes: dict[int, str] = {}
        for dead in self.state.dead_letters(list(ids) or None):
            if dead.stage == "derive":
                state = self.state.unit(dead.source, dead.key)
                capture = state.capture_id if state else ""
                status = self.derivation.derive_archived(
                    dead.source, dead.key, capture, "reprocess", retried=dead.id
                )
                outcomes[dead.id] = (
                    Outcome.COMMITTED
                    if status in (DeriveStatus.OK, DeriveStatus.PARTIAL)
                    else status
                )
                continue
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

    def _derive_due(self, name: str, report: PassReport) -> None:
        """Derive again, from the archive, every committed unit whose derivation is due."""
        for key, capture in self.state.derive_due(name):
            if self.derivation.down or self.stop.is_set():
                return
            status = self.derivation.derive_archived(name, key, capture, "capture")
            report.add_derived(status, name, key)

    def _refill_due(self, source: Any, name: str, report: PassReport) -> None:
        """Ask a ``RefillableSource`` for the retryable gaps of its committed units; a unit
        that changed is committed again (a new capture record version) and derived."""
        if not callable(getattr(source, "refill", None)) or not self.archives:
            return
        for key, capture in self.state.refill_due(name, datetime.now(UTC)):
            if self.derivation.down or self.stop.is_set():
                return
            try:
                with self.derivation.archived_unit(capture, fetch=False) as unit:
                    filled = source.refill(unit)
                    if filled is unit or filled == unit:
                        continue
                    receipts, new = self._custody(filled)
                    self.state.commit(filled, receipts, [new], None, capture=new)
                    self.derivation.fetch_missing(filled)
                    status = self.derivation.derive(filled, "refill")
            except (SinkUnavailable, DiskFull):
                raise
            except Exception as exc:  # a failed refill leaves the unit as committed
                if not isinstance(exc, EcommsError):
                    log.exception("refill of %s/%s failed", name, key)
                log.warning("refill of %s/%s failed: %s", name, key, describe(exc))
                continue
            report.add(Outcome.REFILLED, filled)
            report.add_derived(status, name, key)
            self._acknowledge(source, filled, receipts, refill=True)

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
                unit.key = storable(unit.key)  # a poisoned key still counts its attempts
                outcome = self.process(source, unit, advance=not held)
                held = held or outcome == Outcome.FAILED
                report.add(outcome, unit)
                if outcome == Outcome.COMMITTED:
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
            state = self.state.unit(name, storable(key))
            if state is None or state.status not in (UnitStatus.COMMITTED, UnitStatus.DEAD):
                return None
            return state.version

        return known

    def process(
        self, source: Any, unit: Unit, advance: bool = True, retried: int | None = None
    ) -> Outcome:
        """Settle one unit; return ``committed``, ``skipped``, ``failed`` or ``dead``."""
        known = self.state.unit(unit.source, unit.key)
        if (
            retried is None
            and known
            and (
                (known.status == UnitStatus.COMMITTED and known.version == unit.version)
                or known.status == UnitStatus.DEAD
            )
        ):
            if advance and unit.checkpoint is not None:
                self.state.advance(unit.source, unit.checkpoint)
            return Outcome.SKIPPED
        self.host.before_capture(unit)
        checkpoint = unit.checkpoint if advance and retried is None else None
        try:
            if unit.failure is not None:
                raise UnitFailed(
                    EcommsError(unit.failure.message, where=unit.failure.where or None),
                    terminal=not unit.failure.transient,
                )
            if not self.archives:
                return self._commit_derived(source, unit, checkpoint, retried)
            receipts, capture = self._custody(unit)
            self.state.commit(unit, receipts, [capture], checkpoint, retried, capture=capture)
        except UnitFailed as failed:
            return self._failed(unit, failed, advance, retried)
        except (SinkUnavailable, DiskFull):
            raise  # an archive sink is down or the disk full: the pass stops, no unit blamed
        except Exception as exc:
            terminal = isinstance(exc, TerminalError)
            if not isinstance(exc, EcommsError):
                log.exception("capturing %s/%s failed", unit.source, unit.key)
            return self._failed(unit, UnitFailed(exc, terminal), advance, retried)
        # derived from the spool while the source still holds it; whatever the outcome,
        # the acknowledgement follows (custody alone decides it)
        status = self.derivation.derive(unit, "capture")
        self._report.add_derived(status, unit.source, unit.key)
        self._acknowledge(source, unit, receipts)
        return Outcome.COMMITTED

    def _custody(self, unit: Unit) -> tuple[list[Receipt], str]:
        captured = self.state.begin(unit.source, unit.key)
        return write_custody(self.settings, self.archives, unit, captured)

    def _commit_derived(
        self, source: Any, unit: Unit, checkpoint: str | None, retried: int | None
    ) -> Outcome:
        """No archive sink: commit only once the records reached every sink."""
        records = derive_or_fail(self.c, unit, self.state.begin(unit.source, unit.key))
        receipts = write_records_everywhere(self.settings, self.c.sinks, unit, records)
        self.state.commit(unit, receipts, [r.id for r in records], checkpoint, retried=retried)
        self._acknowledge(source, unit, receipts)
        return Outcome.COMMITTED

    def _failed(
        self, unit: Unit, failed: UnitFailed, advance: bool, retried: int | None
    ) -> Outcome:
        error = storable(describe(failed.error))
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
        return Outcome.DEAD if dead else Outcome.FAILED

    def _acknowledge(
        self, source: Any, unit: Unit, receipts: list[Receipt], refill: bool = False
    ) -> None:
        try:
            actions = source.acknowledge(unit, receipts)
        except Exception as exc:
            log.error(
                "acknowledge of %s/%s failed, retried on next run: %s",
                unit.source,
                unit.key,
                describe(exc),
            )
            self.host.on_error(unit, exc, dead_lettered=False)
            return
        self.state.acknowledged(unit, list(actions or []))
        self.host.after_commit(unit, receipts, refill=refill)
