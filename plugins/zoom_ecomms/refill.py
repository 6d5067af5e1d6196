"""Retrying a committed unit's retryable gaps (``RefillableSource.refill``).

Only what a gap names is fetched again: the lookup of a ``lookup`` gap (its earlier partial
or malformed pages leave the unit; the archive keeps them with the earlier version), and a
chat attachment of an ``attachment`` file gap (its download URL comes from a fresh listing:
Zoom's URLs are generated per response). A gap that fails again keeps its original
``retry_until``, so the window stays bounded from the first capture. Retries of one gap are
spaced out — the first ``gap_retry_after_minutes`` (15) after the capture, the next ones
doubling, at most 12 h apart (``unit.meta["gap_retries"]``) — so the pass right after a
capture asks nothing again, and data Zoom simply does not have is not asked for on every pass.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from core.errors import EcommsError
from core.protocols import Gap, SpooledFile, Unit
from plugins.zoom_ecomms.capture import RUN_ERRORS
from plugins.zoom_ecomms.client import ZoomClient
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.download import Downloader
from plugins.zoom_ecomms.enrich import plan
from plugins.zoom_ecomms.listing import Listed
from plugins.zoom_ecomms.lookups import run_lookups
from plugins.zoom_ecomms.models import ArchiveMeeting, zoom_time
from plugins.zoom_ecomms.parts import unit_dir
from plugins.zoom_ecomms.scrub import scrub

__all__ = ["Refiller", "due"]

MAX_SPACING = timedelta(hours=12)
RETRIES = "gap_retries"


def due(unit: Unit, gap: Gap, now: datetime, config: ZoomConfig) -> bool:
    """Whether ``gap`` is retryable now: inside its window and past its spacing.

    Before any retry the capture is the last attempt; it happened ``gap_retry_hours`` before
    the gap's ``retry_until``.
    """
    if gap.retry_until is None or gap.retry_until <= now:
        return False
    first = timedelta(minutes=config.gap_retry_after_minutes)
    entry = unit.meta.get(RETRIES, {}).get(gap.part, {})
    last = zoom_time(entry.get("last"))
    if last is None:
        return now >= gap.retry_until - timedelta(hours=config.gap_retry_hours) + first
    attempts = int(entry.get("attempts") or 1)
    return now >= last + min(MAX_SPACING, first * 2 ** (attempts - 1))


class Refiller:
    """Fills the retryable gaps of units of one source instance."""

    def __init__(
        self,
        client: ZoomClient,
        downloader: Downloader,
        config: ZoomConfig,
        spool: Any,
        find: Callable[[Unit], Listed | None],
    ) -> None:
        self.client, self.downloader, self.config = client, downloader, config
        self.spool, self.find = spool, find

    def refill(self, unit: Unit) -> Unit:
        """``unit`` with what could be fetched added and its gaps updated; ``unit`` itself
        when no gap is due. Errors of the run (scopes, credentials, daily cap) propagate."""
        now = datetime.now(UTC)
        todo = [g for g in unit.gaps if due(unit, g, now, self.config)]
        if not todo or "meeting" not in unit.meta:
            return unit
        meeting = msgspec.convert(unit.meta["meeting"], ArchiveMeeting)
        files, gaps = list(unit.files), [g for g in unit.gaps if g not in todo]
        asked = {g.part for g in todo if g.kind == "lookup"}
        lookups = [lk for lk in plan(meeting, self.config) if lk.endpoint in asked]
        if lookups:
            again = {lk.payload for lk in lookups}
            files = [f for f in files if not _response_of(f, again)]
            parts, failed = run_lookups(self.client, lookups, unit_dir(self.spool, unit.key), now)
            files += parts
            gaps += [_keep_window(g, todo) for g in failed]
        planned = {lk.endpoint for lk in lookups}
        gaps += [g for g in todo if g.kind == "lookup" and g.part not in planned]  # kept as is
        attachments = [g for g in todo if g.kind == "file" and g.part.startswith("attachment ")]
        if attachments:
            parts, failed = self._attachments(unit, attachments)
            files += parts
            gaps += failed
        meta = _counted(unit.meta, todo, now)
        return msgspec.structs.replace(unit, files=files, gaps=gaps, meta=meta)

    def _attachments(self, unit: Unit, todo: list[Gap]) -> tuple[list[SpooledFile], list[Gap]]:
        try:
            listed = self.find(unit)
        except RUN_ERRORS:
            raise
        except EcommsError:
            listed = None
        ids = unit.meta.get("attachment_ids", [])
        wanted = {_attachment_id(g, ids): g for g in todo}
        found = {
            p.file_id: p
            for p in (listed.meeting.physical_files if listed and listed.meeting else [])
        }
        parts: list[SpooledFile] = []
        gaps: list[Gap] = []
        for file_id, gap in wanted.items():
            item = found.get(file_id)
            if item is None:
                gaps.append(msgspec.structs.replace(gap, reason="no longer listed by Zoom"))
                continue
            try:
                parts.append(self.downloader.fetch_attachment(item, unit_dir(self.spool, unit.key)))
            except RUN_ERRORS:
                raise
            except EcommsError as exc:
                gaps.append(msgspec.structs.replace(gap, reason=scrub(exc.message)))
        return parts, gaps


def _keep_window(gap: Gap, before: list[Gap]) -> Gap:
    old = next((g for g in before if g.part == gap.part), None)
    if old is None or gap.retry_until is None:
        return gap
    return msgspec.structs.replace(gap, retry_until=old.retry_until)


def _attachment_id(gap: Gap, ids: list[str]) -> str:
    """The attachment id a gap ``attachment <id> (<name>)`` names."""
    return next((i for i in ids if gap.part.startswith(f"attachment {i} (")), "")


def _response_of(part: SpooledFile, payloads: set[str]) -> bool:
    return part.role == "response" and part.meta.get("payload") in payloads


def _counted(meta: dict[str, Any], todo: list[Gap], now: datetime) -> dict[str, Any]:
    retries = dict(meta.get(RETRIES, {}))
    for gap in todo:
        attempts = int(retries.get(gap.part, {}).get("attempts") or 0) + 1
        retries[gap.part] = {"attempts": attempts, "last": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    return {**meta, RETRIES: retries}
