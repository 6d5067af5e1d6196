"""The capture run loop: signals, passes, and the wakeable idle wait between passes.

:meth:`core.app.App.run` hands over to :class:`RunLoop`; the loop reads the app's settings,
components, state and metrics, and leaves what the CLI reports on the app (``stopped_by``,
``summary``).
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from core.archive_units import NO_ARCHIVE, archive_sinks
from core.diskfull import disk_full
from core.errors import ConfigError, EcommsError, PluginError, StateError
from core.metrics.run import serving
from core.pipeline import PassReport, Pipeline
from core.progress import Display, PassTally, pass_summary
from core.protocols import WakeableSource

if TYPE_CHECKING:
    from core.app import App

__all__ = ["RunLoop"]

log = logging.getLogger("ecomms.app")

_SLICE = 0.5  # seconds: the longest a stop request waits while idle between passes


class RunLoop:
    """One ``ecomms run`` of an :class:`~core.app.App`."""

    def __init__(self, app: App) -> None:
        self.app = app

    def run(self, once: bool, only: Sequence[str], display: Display | None = None) -> PassReport:
        """Capture: one pass (``once``) or passes every ``poll_interval`` until SIGTERM/SIGINT.

        The first signal finishes the unit in flight; a second one exits at once (128 +
        the signal's number), abandoning that unit: nothing of it is committed, the next run
        captures it again.

        Between passes a source implementing ``wait_for_work`` (``WakeableSource``) can
        trigger the next pass early.
        """
        stop = threading.Event()

        def stop_on(signum: int, _frame: Any) -> None:
            name = signal.Signals(signum).name
            if stop.is_set():  # a second signal: leave now; every commit is one transaction
                log.warning("second %s: exiting at once, the unit in flight is abandoned", name)
                logging.shutdown()
                os._exit(128 + signum)
            self.app.stopped_by = name
            stop.set()

        previous = {sig: signal.signal(sig, stop_on) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            with (
                self.app.capture_lock(),
                serving(self.app.settings, self.app.host, self.app.metrics, self.app.state),
            ):
                if not self.app.components.sinks:
                    raise ConfigError(
                        "no sink is enabled: nothing would be archived; add [sinks.NAME]"
                    )
                if not archive_sinks(self.app.components.sinks):
                    log.warning("%s → %s", NO_ARCHIVE.detail, NO_ARCHIVE.action)
                self.app.host.before_run(
                    self.app.settings,
                    list(self.app.components.sources),
                    list(self.app.components.sinks),
                )
                return self._passes(stop, only, once, display)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _passes(
        self, stop: threading.Event, only: Sequence[str], once: bool, display: Display | None
    ) -> PassReport:
        """Run the passes with a :class:`PassTally` observing the lifecycle hooks."""
        tally = PassTally(display)
        self.app.host.add_observer(tally, name="progress")
        try:
            pipeline = self.app.pipeline(stop)
            report = self._pass(pipeline, tally, only, once)
            while not once and self._idle(stop, only):
                report = self._pass(pipeline, tally, only, once)
            return report
        finally:
            self.app.host.remove_observer("progress")

    def _idle(self, stop: threading.Event, only: Sequence[str]) -> bool:
        """Wait up to ``poll_interval`` between passes; False once a stop is requested.

        Sources that can signal new work (``wait_for_work``) are asked in short slices, so a
        webhook triggers the next pass early while SIGTERM still ends the wait promptly. A
        source whose ``wait_for_work`` fails is polled on schedule only, until the next pass.
        """
        wakeable: list[tuple[str, WakeableSource]] = [
            (name, source)
            for name, source in self.app.components.sources.items()
            if isinstance(source, WakeableSource) and (not only or name in only)
        ]
        deadline = time.monotonic() + self.app.settings.host.poll_interval
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            if not wakeable:
                stop.wait(min(left, _SLICE))
                continue
            for name, source in list(wakeable):
                try:
                    woken = source.wait_for_work(min(left, _SLICE) / len(wakeable))
                except Exception as exc:  # a broken wake-up must not stop capture
                    log.warning("wait_for_work of source %s failed: %r; polling it", name, exc)
                    wakeable.remove((name, source))
                    continue
                if woken:
                    log.info("source %s signalled new work: polling now", name)
                    return not stop.is_set()
        return False

    def _pass(
        self, pipeline: Pipeline, tally: PassTally, only: Sequence[str], once: bool
    ) -> PassReport:
        """One pass, logged as one INFO line (:func:`core.progress.pass_summary`).

        A failed pass (a sink down, a full disk, a source whose listing or credentials were
        refused) ends ``--once`` with that error; a continuous run logs it and tries again
        after the poll interval. A configuration, plugin or state error ends either.
        """
        tally.start()
        started = time.monotonic()
        try:
            with self.app.metrics.timed_pass():
                report = pipeline.run_pass(only)
        except (OSError, sqlite3.OperationalError) as exc:
            full = disk_full(exc, self.app.settings.state_dir)  # a write error may name no file
            if full is None:
                raise
            error: EcommsError = full
        except (ConfigError, PluginError, StateError):
            raise  # the operator's to fix: retrying would only repeat it
        except EcommsError as exc:
            error = exc
        else:
            self.app.summary, data = pass_summary(report, tally, time.monotonic() - started)
            log.info("%s", self.app.summary, extra={"context": data})
            return report
        if once:
            raise error from None
        log.error(
            "pass failed, retrying after the poll interval: %s",
            error.one_line(),
            extra={"context": {"event": "pass_failed", "error": type(error).__name__}},
        )
        return PassReport()
