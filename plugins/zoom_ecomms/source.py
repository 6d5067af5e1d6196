"""``ZoomSource``: the Zoom eComms source (DESIGN §4) — check, pull, refill, recapture,
acknowledge, interrupt."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from core.errors import ConfigError, PayloadError
from core.protocols import Context, Finding, InventoryItem, Known, Receipt, Unit
from core.records import AttributeSpec
from plugins.zoom_ecomms.acknowledge import acknowledge_unit
from plugins.zoom_ecomms.auth import S2SAuth, token_provider
from plugins.zoom_ecomms.capture import Capturer
from plugins.zoom_ecomms.check import check_account
from plugins.zoom_ecomms.checkpoint import ZoomCheckpoint
from plugins.zoom_ecomms.client import DailyLimitReached, ZoomClient
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.download import Downloader
from plugins.zoom_ecomms.listing import Listed, list_window, resolve_groups, windows
from plugins.zoom_ecomms.models import zoom_time
from plugins.zoom_ecomms.reconcile import inventory
from plugins.zoom_ecomms.refill import Refiller
from plugins.zoom_ecomms.selection import readiness
from plugins.zoom_ecomms.webhook import WebhookReceiver

try:
    from plugins.zoom_ecomms.transform.attributes import ATTRIBUTES
except ImportError:  # the transformer is optional for the source itself
    ATTRIBUTES = []

__all__ = ["ZoomSource"]

log = logging.getLogger(__name__)

RETENTION = timedelta(days=30)  # Zoom keeps archives at most 30 days by default
RECAPTURE_MARGIN = timedelta(hours=1)
Job = tuple[Listed, str, tuple[datetime, datetime]]


class ZoomSource:
    """Captures a Zoom account's meeting and webinar archives, one Unit per instance.

    Also a ``RefillableSource`` (:meth:`refill` retries failed optional lookups and chat
    attachments), a ``ReconcilableSource`` (:meth:`inventory` lists a period for
    ``ecomms audit completeness``) and a ``WakeableSource`` (with ``webhook_port``,
    :meth:`wait_for_work` returns early when Zoom signals ``recording.archive_files_completed``).
    :meth:`interrupt` may be called from any thread (a signal handler) to end the transfers
    in flight: ``pull`` then raises ``Interrupted`` and yields nothing half-captured.
    """

    name: ClassVar[str] = "zoom_ecomms"
    platform: ClassVar[str] = "zoom"
    Config: ClassVar[type[ZoomConfig]] = ZoomConfig
    attributes: ClassVar[Sequence[AttributeSpec]] = ATTRIBUTES

    def __init__(self, config: ZoomConfig, context: Context) -> None:
        self.config = config
        self.context = context
        self.provider = token_provider(
            config.oauth_token_url,
            config.account_id,
            config.client_id,
            config.client_secret,
            config.timeout_seconds,
        )
        self.client = ZoomClient(config, self.provider, meter=context.meter)
        downloader = Downloader(
            self.client.http, S2SAuth(self.provider), config, self.client.watchdog, context.meter
        )
        spool = context.spool_dir  # created when the first part is written, not here
        self.capturer = Capturer(self.client, downloader, config, context.name, spool)
        self.refiller = Refiller(self.client, downloader, config, spool, self._find)
        self._group_ids: list[str] | None = None
        self._receiver: WebhookReceiver | None = None
        self._closed = threading.Event()
        self.label = f"{config.display_name} ({context.name})"
        self.pending: list[str] = []
        self.held: str | None = None

    def check(self) -> list[Finding]:
        """Token endpoint, credentials, API base URL, then the scopes; never raises."""
        return check_account(
            f"sources.{self.context.name}", self.config, self.provider, self.client
        )

    def pull(self, checkpoint: str | None, known: Known | None = None) -> Iterator[Unit]:
        """Yield ready meetings window by window; checkpoints never pass a pending meeting
        and never move back. A meeting ``known`` at its listed version is yielded as a stub.

        When Zoom's daily cap is reached the pass ends at the meeting that hit it (``held``
        says why); the next pass after the reset resumes there.
        """
        self.pending, self.held = [], None
        stored = ZoomCheckpoint.parse(checkpoint)
        try:
            yield from self._pull(stored, known or (lambda _key: None))
        except DailyLimitReached as exc:
            self.held = exc.one_line()
            log.warning("%s: %s", self.label, self.held)

    def _pull(self, stored: ZoomCheckpoint | None, known: Known) -> Iterator[Unit]:
        now = datetime.now(UTC)
        lookback = timedelta(hours=self.config.lookback_hours)
        first = self.config.capture_from or now - RETENTION
        start = max(stored.from_ - lookback, first) if stored else first
        hold: datetime | None = None
        for w_from, w_to in windows(start, now, self.config.window_days):
            listed, w_end = list_window(self.client, w_from, w_to, self._groups())
            ready = []
            for item in sorted(listed, key=_order):
                if item.meeting is not None and readiness(item.meeting, self.config) == "pending":
                    hold = hold or w_from
                    self.pending.append(item.key)
                    log.info(
                        "%s: meeting %s still processing; re-polled next pass", self.label, item.key
                    )
                else:
                    ready.append(item)
            jobs: list[Job] = []
            for index, item in enumerate(ready):
                resume = hold or _resume(item, w_from, w_end, last=index == len(ready) - 1)
                checkpoint = ZoomCheckpoint.at(resume).at_least(stored).encode()
                jobs.append((item, checkpoint, (w_from, w_end)))
            yield from self._capture_all(jobs, known)

    def _capture_all(self, jobs: list[Job], known: Known) -> Iterator[Unit]:
        """Capture ``workers`` meetings at once, yielding units in order (bounded look-ahead);
        a meeting already committed at its version costs no request at all."""
        with ThreadPoolExecutor(self.config.workers, thread_name_prefix="zoom") as pool:
            queue: deque[Future[Unit]] = deque()
            try:
                for job in jobs:
                    queue.append(self._submit(pool, job, known))
                    if len(queue) >= self.config.workers * 2:
                        yield queue.popleft().result()
                while queue:
                    yield queue.popleft().result()
            finally:
                for future in queue:
                    future.cancel()

    def _submit(self, pool: ThreadPoolExecutor, job: Job, known: Known) -> Future[Unit]:
        item, checkpoint, window = job
        if known(item.key) == self.capturer.version(item):
            done: Future[Unit] = Future()
            done.set_result(self.capturer.stub(item, checkpoint, window))
            return done
        return pool.submit(self.capturer.capture, item, checkpoint, window)

    def _groups(self) -> list[str]:
        if self._group_ids is None:
            self._group_ids = resolve_groups(self.client, self.config.groups)
        return self._group_ids

    def _find(self, unit: Unit) -> Listed | None:
        """The unit's meeting as Zoom lists it now (around its completion time)."""
        meeting = unit.meta.get("meeting") or unit.payloads.get("meeting") or {}
        around = zoom_time(meeting.get("complete_time")) or unit.occurred_at
        span = _window(unit)
        if around is not None:
            start, end = around - RECAPTURE_MARGIN, around + RECAPTURE_MARGIN
        elif span is not None:
            start, end = span
        else:
            raise PayloadError(f"cannot find {unit.key} again: no completion time or window")
        end = min(end, datetime.now(UTC))
        for w_from, w_to in windows(start, end, self.config.window_days):
            listed, _ = list_window(self.client, w_from, w_to, self._groups())
            for item in listed:
                if item.key == unit.key:
                    return item
        return None

    def recapture(self, unit: Unit) -> Unit:
        """Find a dead-lettered meeting again around its completion time and capture it anew."""
        item = self._find(unit)
        if item is None:
            raise PayloadError(f"meeting {unit.key} is no longer listed by Zoom around its time")
        now = datetime.now(UTC)
        return self.capturer.capture(item, unit.checkpoint, _window(unit) or (now, now))

    def inventory(self, start: datetime | None, end: datetime | None) -> Iterator[InventoryItem]:
        """Every meeting and file Zoom lists for the period (``ReconcilableSource``); by
        default from ``capture_from`` (else Zoom's retention) to now."""
        now = datetime.now(UTC)
        first = start or self.config.capture_from or now - RETENTION
        return inventory(self.client, self.config, self._groups(), first, min(end or now, now))

    def refill(self, unit: Unit) -> Unit:
        """Retry the unit's retryable gaps (see :mod:`plugins.zoom_ecomms.refill`)."""
        return self.refiller.refill(unit)

    def acknowledge(self, unit: Unit, receipts: Sequence[Receipt]) -> list[dict[str, Any]]:
        """Tag (or delete) the unit's committed files at Zoom, then drop its spool files."""
        try:
            return acknowledge_unit(self.client, self.config, unit, receipts)
        finally:
            self.capturer.discard(unit.key)

    def interrupt(self) -> None:
        """End every transfer in flight within about a second and refuse new ones (from any
        thread). The unit being captured is abandoned whole: ``pull`` raises ``Interrupted``."""
        self.client.interrupt()
        self._closed.set()

    def wait_for_work(self, timeout: float) -> bool:
        """Block up to ``timeout`` s; True as soon as a signed archive-completed event arrives.

        Without ``webhook_port`` this only waits (False); :meth:`close` ends the wait.
        """
        receiver = self.webhook_receiver()
        if receiver is None:
            self._closed.wait(timeout)
            return False
        woke = receiver.wait(timeout)
        if woke:
            log.info("%s: webhook says archives completed; polling now", self.label)
        return woke

    def webhook_receiver(self) -> WebhookReceiver | None:
        """The webhook receiver, started on first use; ``None`` when not configured."""
        port, secret = self.config.webhook_port, self.config.webhook_secret
        if self._receiver is None and port is not None and secret is not None:
            host = self.config.webhook_host
            try:
                self._receiver = WebhookReceiver(secret, host, port).start()
            except OSError as exc:
                raise ConfigError(
                    f"sources.{self.context.name}: cannot listen for webhooks on {host}:{port}"
                    f" ({exc.strerror or exc}); choose a free webhook_port",
                ) from None
            log.info("%s: webhook receiver listening on %s", self.label, self._receiver.url)
        return self._receiver

    def close(self) -> None:
        """Close connections. The spool stays: it belongs to the run holding the lock."""
        self.interrupt()
        if self._receiver is not None:
            self._receiver.stop()
            self._receiver = None
        self.client.close()


def _window(unit: Unit) -> tuple[datetime, datetime] | None:
    """The listing window the unit was found in (``unit.meta["window"]``), if recorded."""
    window = unit.meta.get("window") or ["", ""]
    start, end = zoom_time(window[0]), zoom_time(window[-1])
    return (start, end) if start and end else None


def _order(item: Listed) -> tuple[str, str]:
    return ((item.meeting.complete_time if item.meeting else "") or "", item.key)


def _resume(item: Listed, w_from: datetime, w_end: datetime, last: bool) -> datetime:
    """Where listing may resume once ``item`` (and every unit before it) is settled."""
    if last:
        return w_end
    done = zoom_time(item.meeting.complete_time) if item.meeting else None
    return min(max(done, w_from), w_end) if done else w_from
