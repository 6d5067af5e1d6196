"""Prometheus metrics of a capture run, health and readiness (``[metrics]`` in the config).

Three small parts, one registry (``prometheus_client``; no exposition format written here):

- :class:`Metrics` (:mod:`core.metrics.families`): every metric family of a run, and the
  typed methods that move them;
- :class:`MetricsObserver` (:mod:`core.metrics.observer`): a host-side plugin observing the
  lifecycle hooks (``ecomms_after_commit``, ``ecomms_after_derive``, ``ecomms_on_error``):
  units, records, bytes, derivations, capture lag. It is registered with the plugin
  manager only while a run has metrics on;
- :class:`Meter` (:mod:`core.metrics.families`): what a component gets in its
  ``Context.meter`` to count its own API requests, 429s and rate-limit waits (a no-op
  registry when metrics are off, so components never test for it).

:func:`core.metrics.server.serve` answers ``/metrics``, ``/healthz`` and ``/readyz`` from a
daemon thread; :mod:`core.health` decides readiness. docs/operations.md lists every metric.
"""

from __future__ import annotations

from core.metrics.families import Meter, Metrics
from core.metrics.observer import MetricsObserver

__all__ = ["Meter", "Metrics", "MetricsObserver"]
