"""Liveness and readiness of a continuous ``ecomms run`` (``/healthz`` and ``/readyz``).

Alive: the process answers. Ready: a pass succeeded within the last ``intervals`` poll
intervals (so the first pass must finish before a new instance is ready) and no sink's
last write failed. Readiness is decided from what the run already saw, never by calling a
sink from the HTTP thread: a check must not compete with the capture for a store.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from core.metrics.families import Metrics

__all__ = ["Readiness"]


class Readiness:
    """Decides ``/readyz`` from a run's :class:`Metrics`."""

    def __init__(
        self,
        metrics: Metrics,
        poll_interval: float,
        intervals: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.metrics = metrics
        self.window = poll_interval * intervals
        self.intervals = intervals
        self._clock = clock

    def problems(self) -> list[str]:
        """Why the run is not ready (one line each); empty when it is."""
        out: list[str] = []
        last = self.metrics.last_ok_at()
        if last is None:
            out.append("no pass has succeeded yet")
        elif self._clock() - last > self.window:
            ago = self._clock() - last
            out.append(
                f"last successful pass {ago:.0f}s ago, more than {self.intervals} poll"
                f" intervals ({self.window:.0f}s)"
            )
        for sink, why in sorted(self.metrics.sinks_down().items()):
            out.append(f"sink {sink} unreachable: {why}")
        return out
