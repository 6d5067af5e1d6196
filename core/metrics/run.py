"""Metrics for the length of one run: observer registered, endpoint served, then stopped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.config import Settings
from core.health import Readiness
from core.metrics.families import Metrics
from core.metrics.observer import MetricsObserver
from core.metrics.server import serve
from core.plugins import Host
from core.state import State

__all__ = ["serving"]


@contextmanager
def serving(settings: Settings, host: Host, metrics: Metrics, state: State) -> Iterator[None]:
    """With ``[metrics] enabled``: observe the lifecycle hooks and serve the endpoint meanwhile.

    The dead-letter store is counted from ``state`` after each pass, in the run's thread.
    """
    if not settings.metrics.enabled:
        yield
        return
    sources = [s.name for s in settings.sources if s.enabled]
    sinks = [s.name for s in settings.sinks if s.enabled]
    metrics.watch(
        sources, sinks, lambda: {name: state.status(name)["dead_lettered"] for name in sources}
    )
    readiness = Readiness(metrics, settings.host.poll_interval, settings.metrics.ready_intervals)
    server = serve(settings.metrics.address, metrics, readiness)
    try:
        host.add_observer(MetricsObserver(metrics), name="metrics")
        try:
            yield
        finally:
            host.remove_observer("metrics")
    finally:
        server.close()
