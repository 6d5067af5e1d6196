"""Meetings completing over time: new archives appear while the simulator serves.

With ``complete_per_minute`` > 0 a thread completes that many meetings a minute at a steady
rate: each ended just now, its archive's ``complete_time`` now, and (with ``webhook_url``)
its ``recording.archive_files_completed`` webhook is sent. Content is seeded like the rest
of the account (the n-th live meeting is the same for the same seed); only times follow the
clock. :meth:`Completer.complete` does one step on demand (tests).
"""

from __future__ import annotations

import logging
import random
import threading
from typing import TYPE_CHECKING

import httpx

from ecomms_zoom_simulator.build import Builder
from ecomms_zoom_simulator.profiles import fill
from ecomms_zoom_simulator.webhooks import send_webhook

if TYPE_CHECKING:
    from ecomms_zoom_simulator.server import Simulator

__all__ = ["LIVE_PROFILES", "Completer"]

log = logging.getLogger(__name__)

# Completed on arrival, so no "processing" profile.
LIVE_PROFILES = ("full", "webinar", "personal", "failed", "external", "solo")


class Completer:
    """Adds completed meetings to a running simulator, on a timer or on demand."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.builder = Builder(sim.config)
        self.builder.rng = random.Random(f"{sim.config.seed}:live")
        self.done = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Complete ``complete_per_minute`` meetings a minute until :meth:`stop`."""
        rate = self.sim.config.complete_per_minute
        if rate <= 0:
            return
        self._thread = threading.Thread(
            target=self._run, args=(60.0 / rate,), name="zoom-simulator-live", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the timer (a step in progress finishes)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.complete()

    def complete(self) -> list[str]:
        """Complete the next meeting now; the UUIDs of the instances added."""
        state = self.sim.state
        with state.lock:
            profile = LIVE_PROFILES[self.done % len(LIVE_PROFILES)]
            meeting = self.builder.new_meeting(self.done, profile, ended=state.now())
            made = fill(self.builder, meeting, profile)
            self.done += 1
            state.account.meetings.extend(made)
        url = self.sim.config.webhook_url
        if url:
            self._notify(url, meeting.uuid)
        return [m.uuid for m in made]

    def _notify(self, url: str, uuid: str) -> None:
        try:
            send_webhook(self.sim, url, "recording.archive_files_completed", uuid, None)
        except httpx.HTTPError as exc:  # the receiver is down: Zoom would retry later
            log.debug("webhook to %s failed: %r", url, exc)
            with self.sim.state.lock:
                self.sim.state.webhooks.append({"url": url, "uuid": uuid, "error": repr(exc)})
