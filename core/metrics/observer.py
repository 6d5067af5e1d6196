"""The lifecycle-hook observer that feeds :class:`core.metrics.Metrics`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.hookspecs import hookimpl
from core.metrics.families import Metrics

__all__ = ["MetricsObserver"]


class MetricsObserver:
    """A host-side plugin: counts what ``ecomms_after_commit``, ``ecomms_after_derive`` and
    ``ecomms_on_error`` see."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    @hookimpl
    def ecomms_after_commit(self, unit: Any, receipts: Sequence[Any], refill: bool) -> None:
        """Count the committed unit, its records and bytes per sink, and its capture lag."""
        self.metrics.committed(unit, receipts, refill)

    @hookimpl
    def ecomms_after_derive(
        self, status: str, receipts: Sequence[Any], error: BaseException | None
    ) -> None:
        """Count the derived records per sink and the derivation's status."""
        self.metrics.derived(status, receipts, error)

    @hookimpl
    def ecomms_on_error(self, unit: Any, error: BaseException, dead_lettered: bool) -> None:
        """Count the failed or dead-lettered unit by cause; remember a sink that is down."""
        self.metrics.failed(unit, error, dead_lettered)
