"""The metric families of a run and the typed methods that move them."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["Meter", "Metrics"]

log = logging.getLogger("ecomms.metrics")

_LAG_BUCKETS = (10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, float("inf"))
_PASS_BUCKETS = (1, 5, 15, 60, 300, 900, 1800, 3600, 7200, float("inf"))


class Metrics:
    """Every metric of one ``ecomms run`` in its own registry, plus what readiness needs.

    ``spool_dir`` is measured at each scrape (``ecomms_spool_bytes``). Methods are safe to
    call from any thread.
    """

    def __init__(self, spool_dir: Path | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.units_committed = Counter(
            "ecomms_units_committed", "Units committed to every sink", ["source"], registry=r
        )
        self.units_failed = Counter(
            "ecomms_units_failed",
            "Unit capture attempts that failed and will be retried",
            ["source", "cause"],
            registry=r,
        )
        self.units_dead = Counter(
            "ecomms_units_dead_lettered",
            "Units moved to the dead-letter store",
            ["source", "cause"],
            registry=r,
        )
        self.records = Counter(
            "ecomms_records_written", "Records a sink confirmed durable", ["sink"], registry=r
        )
        self.bytes = Counter(
            "ecomms_bytes_written",
            "Artifact bytes of committed units a sink keeps (0 for index-only sinks)",
            ["sink"],
            registry=r,
        )
        self.derivations = Counter(
            "ecomms_derivations",
            "Derivations of records from committed units, by status"
            " (ok, partial, pending, failed, dead)",
            ["status"],
            registry=r,
        )
        self.requests = Counter(
            "ecomms_api_requests",
            "API requests a source sent, by rate label and HTTP status",
            ["source", "rate_label", "code"],
            registry=r,
        )
        self.limited = Counter(
            "ecomms_api_rate_limited",
            "API answers 429 (rate limited), by rate label",
            ["source", "rate_label"],
            registry=r,
        )
        self.waited = Counter(
            "ecomms_rate_limit_wait_seconds",
            "Seconds spent waiting for the rate budget (pacing and Retry-After)",
            ["source", "rate_label"],
            registry=r,
        )
        self.passes = Counter(
            "ecomms_passes", "Capture passes, by outcome (ok, failed)", ["outcome"], registry=r
        )
        self.pass_seconds = Histogram(
            "ecomms_pass_duration_seconds",
            "Duration of a capture pass",
            buckets=_PASS_BUCKETS,
            registry=r,
        )
        self.lag = Histogram(
            "ecomms_capture_lag_seconds",
            "From the source's completion time of a unit to its commit",
            ["source"],
            buckets=_LAG_BUCKETS,
            registry=r,
        )
        self.last_ok = Gauge(
            "ecomms_last_successful_pass_timestamp_seconds",
            "Unix time the last successful pass finished (0: none yet)",
            registry=r,
        )
        self.dead_letters = Gauge(
            "ecomms_dead_letters",
            "Units waiting in the dead-letter store (after each pass)",
            ["source"],
            registry=r,
        )
        spool = Gauge("ecomms_spool_bytes", "Bytes in the spool directory", registry=r)
        spool.set_function(lambda: float(_tree_bytes(spool_dir)) if spool_dir else 0.0)
        self._lock = threading.Lock()
        self._last_ok_at: float | None = None  # time.time() of the last successful pass
        self._down: dict[str, str] = {}  # sink -> why its last write failed
        self._count_dead: Callable[[], Mapping[str, int]] | None = None

    def watch(
        self,
        sources: Sequence[str],
        sinks: Sequence[str],
        dead_letters: Callable[[], Mapping[str, int]] | None = None,
    ) -> None:
        """Show every source's and sink's series from the start (at 0), so that the first
        increment is seen as one; ``dead_letters()`` counts the dead-letter store by source
        and is called now and after each pass."""
        for source in sources:
            self.units_committed.labels(source)
            self.lag.labels(source)
        for sink in sinks:
            self.records.labels(sink)
            self.bytes.labels(sink)
        for outcome in ("ok", "failed"):
            self.passes.labels(outcome)
        for status in ("ok", "partial", "pending", "failed", "dead"):
            self.derivations.labels(status)
        self._count_dead = dead_letters
        self._refresh()

    def _refresh(self) -> None:
        if self._count_dead is None:
            return
        try:
            counts = self._count_dead()
        except Exception as exc:  # a gauge must never stop a capture
            log.warning("counting dead letters for the metrics failed: %r", exc)
            return
        for source, count in counts.items():
            self.dead_letters.labels(source).set(count)

    # --- units (called by the observer) ------------------------------------------------

    def committed(
        self,
        unit: Any,
        receipts: Sequence[Any],
        refill: bool = False,
        now: datetime | None = None,
    ) -> None:
        """Count a committed unit, what each sink confirmed, and the unit's capture lag.

        A ``refill`` (a committed unit committed again with parts added) counts only its
        records: not another unit, nor its bytes again, nor another lag.
        """
        if not refill:
            self.units_committed.labels(unit.source).inc()
        sizes = {} if refill else {f.sha256: f.size for f in unit.files}
        for receipt in receipts:
            self.records.labels(receipt.sink).inc(len(receipt.record_ids))
            self.bytes.labels(receipt.sink).inc(sum(sizes.get(s, 0) for s in receipt.artifacts))
            with self._lock:
                self._down.pop(receipt.sink, None)
        completed = None if refill else completion_time(unit)
        if completed is not None:
            lag = ((now or datetime.now(UTC)) - completed).total_seconds()
            self.lag.labels(unit.source).observe(max(0.0, lag))

    def derived(self, status: str, receipts: Sequence[Any], error: BaseException | None) -> None:
        """Count the records each sink confirmed for a derivation; a sink that could not be
        written marks the run not ready until it confirms a write again."""
        for receipt in receipts:
            self.records.labels(receipt.sink).inc(len(receipt.record_ids))
            with self._lock:
                self._down.pop(receipt.sink, None)
        sink = getattr(error, "context", {}).get("sink") if error is not None else None
        if sink:
            with self._lock:
                self._down[str(sink)] = getattr(error, "message", str(error))
        self.derivations.labels(status).inc()

    def failed(self, unit: Any, error: BaseException, dead_lettered: bool) -> None:
        """Count a failed (or dead-lettered) unit by cause: ``capture`` when the source could
        not capture it (``unit.failure``), else the error's class name."""
        sink = getattr(error, "context", {}).get("sink")
        if sink:
            with self._lock:
                self._down[str(sink)] = getattr(error, "message", str(error))
        if unit is None:
            return
        cause = "capture" if getattr(unit, "failure", None) else type(error).__name__
        family = self.units_dead if dead_lettered else self.units_failed
        family.labels(unit.source, cause).inc()

    # --- passes (called by the run loop) ------------------------------------------------

    @contextmanager
    def timed_pass(self) -> Iterator[None]:
        """Time one pass; a pass that raises counts as failed (and the error propagates)."""
        started = time.monotonic()
        try:
            yield
        except BaseException:
            self.passes.labels("failed").inc()
            self.pass_seconds.observe(time.monotonic() - started)
            self._refresh()
            raise
        self.pass_seconds.observe(time.monotonic() - started)
        self.passes.labels("ok").inc()
        self._refresh()
        now = time.time()
        with self._lock:
            self._last_ok_at = now
        self.last_ok.set(now)

    def last_ok_at(self) -> float | None:
        """``time.time()`` when the last successful pass finished, or ``None``."""
        with self._lock:
            return self._last_ok_at

    def sinks_down(self) -> dict[str, str]:
        """Sinks whose last write failed (and none succeeded since), with the reason."""
        with self._lock:
            return dict(self._down)

    def meter(self, source: str) -> Meter:
        """The :class:`Meter` a component named ``source`` counts its API calls with."""
        return Meter(self, source)


class Meter:
    """What a component counts its own API traffic with (``Context.meter``).

    ``Meter.off()`` is a meter on a throw-away registry, for components built without a
    run (tests, ``ecomms check``).
    """

    def __init__(self, metrics: Metrics, source: str) -> None:
        self._m, self.source = metrics, source

    @classmethod
    def off(cls, source: str = "") -> Meter:
        """A meter whose counts go nowhere."""
        return cls(Metrics(), source)

    def request(self, rate_label: str, code: int) -> None:
        """Count one API answer (``code`` is its HTTP status; a 429 also counts as limited)."""
        self._m.requests.labels(self.source, rate_label, str(code)).inc()
        if code == 429:
            self._m.limited.labels(self.source, rate_label).inc()

    def waited(self, rate_label: str, seconds: float) -> None:
        """Count ``seconds`` spent waiting for the rate budget of ``rate_label``."""
        if seconds > 0:
            self._m.waited.labels(self.source, rate_label).inc(seconds)


def completion_time(unit: Any) -> datetime | None:
    """When the source finished the unit: ``meta["completed_at"]`` (ISO 8601), else
    ``occurred_at``; ``None`` when neither is known."""
    text = (getattr(unit, "meta", None) or {}).get("completed_at")
    if isinstance(text, str) and text:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    occurred = getattr(unit, "occurred_at", None)
    if not isinstance(occurred, datetime):
        return None
    return occurred if occurred.tzinfo else occurred.replace(tzinfo=UTC)


def _tree_bytes(root: Path) -> int:
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:  # removed while walking
                continue
    return total
