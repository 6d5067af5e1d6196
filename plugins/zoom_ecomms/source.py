"""``ZoomSource``: the Zoom eComms source (DESIGN §4) — check, pull, recapture, acknowledge."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from core.errors import ConfigError, EcommsError, PayloadError
from core.protocols import Context, Finding, Known, Receipt, Unit
from core.records import AttributeSpec
from plugins.zoom_ecomms.acknowledge import acknowledge_unit
from plugins.zoom_ecomms.auth import S2SAuth, token_provider
from plugins.zoom_ecomms.capture import Capturer
from plugins.zoom_ecomms.client import DailyLimitReached, ZoomClient
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.download import Downloader
from plugins.zoom_ecomms.listing import (
    format_time,
    list_window,
    parse_time,
    resolve_groups,
    windows,
)
from plugins.zoom_ecomms.scopes import scope_findings
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


class ZoomSource:
    """Captures a Zoom account's meeting and webinar archives, one Unit per instance.

    Also a ``WakeableSource``: with ``webhook_port`` set, :meth:`wait_for_work` returns
    early when Zoom signals ``recording.archive_files_completed``.
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
        self.client = ZoomClient(config, self.provider)
        api_host = (urlsplit(config.api_base_url).hostname or "").lower()
        downloader = Downloader(
            self.client.http, S2SAuth(self.provider), api_host, config.download_attempts
        )
        context.spool_dir.mkdir(parents=True, exist_ok=True)
        self.capturer = Capturer(self.client, downloader, config, context.name, context.spool_dir)
        self._group_ids: list[str] | None = None
        self._receiver: WebhookReceiver | None = None
        self._closed = threading.Event()
        self.label = f"{config.display_name} ({context.name})"
        self.pending: list[str] = []
        self.held: str | None = None

    def check(self) -> list[Finding]:
        """Credentials, then the granted scopes against every enabled feature; never raises."""
        component = f"sources.{self.context.name}"
        try:
            self.provider.token()
        except EcommsError as exc:
            return [
                Finding(
                    component=component,
                    check="credentials",
                    ok=False,
                    detail=f"{self.config.display_name}: {exc.one_line()}",
                    action=(
                        "check oauth_token_url and the network (proxy, firewall), then retry"
                        if exc.transient
                        else "fix account_id / client_id / client_secret"
                    ),
                )
            ]
        findings = [
            Finding(
                component=component,
                check="credentials",
                ok=True,
                detail=f"{self.config.display_name}: token minted with account_credentials",
            )
        ]
        return findings + scope_findings(component, self.config, self.provider.granted_scopes)

    def pull(self, checkpoint: str | None, known: Known | None = None) -> Iterator[Unit]:
        """Yield ready meetings window by window; checkpoints never pass a pending meeting.

        When Zoom's daily cap is reached the pass ends at the meeting that hit it (``held``
        says why); the next pass after the reset resumes there.
        """
        self.pending, self.held = [], None
        try:
            yield from self._pull(checkpoint)
        except DailyLimitReached as exc:
            self.held = exc.one_line()
            log.warning("%s: %s", self.label, self.held)

    def _pull(self, checkpoint: str | None) -> Iterator[Unit]:
        now = datetime.now(UTC)
        start = self._start(checkpoint, now)
        hold: datetime | None = None
        for w_from, w_to in windows(start, now, self.config.window_days):
            meetings, w_end = list_window(self.client, w_from, w_to, self._groups())
            ready = []
            for meeting in sorted(meetings, key=_order):
                if readiness(meeting, self.config) == "pending":
                    hold = hold or w_from
                    self.pending.append(meeting["uuid"])
                    log.info(
                        "%s: meeting %s still processing; re-polled next pass",
                        self.label,
                        meeting["uuid"],
                    )
                else:
                    ready.append(meeting)
            jobs = []
            for index, meeting in enumerate(ready):
                last = index == len(ready) - 1
                resume = hold or (w_end if last else w_from)
                jobs.append((meeting, json.dumps({"from": format_time(resume)})))
            yield from self._capture_all(jobs)

    def _capture_all(self, jobs: list[tuple[dict[str, Any], str]]) -> Iterator[Unit]:
        """Capture ``workers`` meetings at once, yielding units in order (bounded look-ahead)."""
        if self.config.workers == 1:
            for meeting, checkpoint in jobs:
                yield self.capturer.capture(meeting, checkpoint)
            return
        with ThreadPoolExecutor(self.config.workers, thread_name_prefix="zoom") as pool:
            queue: deque[Future[Unit]] = deque()
            try:
                for meeting, checkpoint in jobs:
                    queue.append(pool.submit(self.capturer.capture, meeting, checkpoint))
                    if len(queue) >= self.config.workers * 2:
                        yield queue.popleft().result()
                while queue:
                    yield queue.popleft().result()
            finally:
                for future in queue:
                    future.cancel()

    def _start(self, checkpoint: str | None, now: datetime) -> datetime:
        if checkpoint:
            try:
                value = parse_time(json.loads(checkpoint).get("from"))
            except (ValueError, AttributeError):
                value = None
            if value is None:
                raise PayloadError(f"unreadable zoom_ecomms checkpoint: {checkpoint[:80]!r}")
            return value - timedelta(hours=self.config.lookback_hours)
        return self.config.capture_from or (now - RETENTION)

    def _groups(self) -> list[str]:
        if self._group_ids is None:
            self._group_ids = resolve_groups(self.client, self.config.groups)
        return self._group_ids

    def recapture(self, unit: Unit) -> Unit:
        """Find a dead-lettered meeting again around its completion time and capture it anew."""
        meeting = unit.payloads.get("meeting") or {}
        around = parse_time(meeting.get("complete_time")) or unit.occurred_at
        if around is None:
            raise PayloadError(f"cannot recapture {unit.key}: no complete_time or start time")
        now = datetime.now(UTC)
        start = around - RECAPTURE_MARGIN
        end = min(now, around + RECAPTURE_MARGIN)
        for w_from, w_to in windows(start, end, self.config.window_days):
            meetings, _ = list_window(self.client, w_from, w_to, self._groups())
            for found in meetings:
                if found["uuid"] == unit.key:
                    return self.capturer.capture(found, unit.checkpoint)
        raise PayloadError(
            f"meeting {unit.key} is no longer listed by Zoom around {format_time(around)}"
        )

    def acknowledge(self, unit: Unit, receipts: Sequence[Receipt]) -> list[dict[str, Any]]:
        """Tag (or delete) the unit's committed files at Zoom, then drop its spool files."""
        try:
            return acknowledge_unit(self.client, self.config, unit, receipts)
        finally:
            self.capturer.discard(unit.key)

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
        """Close connections and empty the spool (a replay or recapture downloads again)."""
        self._closed.set()
        if self._receiver is not None:
            self._receiver.stop()
            self._receiver = None
        self.client.close()
        for leftover in self.context.spool_dir.glob("*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _order(meeting: dict[str, Any]) -> tuple[str, str]:
    return (str(meeting.get("complete_time") or ""), meeting["uuid"])
