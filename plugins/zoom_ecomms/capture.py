"""Capturing one meeting or webinar instance: every part spooled and verified, one Unit.

Parts (docs/zoom.md §4): the meeting's raw listing bytes (``response``, payload
``meeting``), the selected archive files (``file``, verified against Zoom's fingerprint),
the chat attachments (``attachment``, SHA-256 computed) and each page of each enrichment
lookup (``response``). ``unit.payloads`` stays empty; ``unit.meta`` holds the bookkeeping
(every listed file id, the attachments, the few meeting fields a refill needs).
``unit.version`` comes from the listing alone (:func:`listing_version`), so a meeting already
committed at the same listing state is recognised before anything is downloaded.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.errors import AuthError, EcommsError, ScopeError
from core.protocols import Failure, Gap, SpooledFile, Unit
from plugins.zoom_ecomms.client import DailyLimitReached, Interrupted, ZoomClient
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.download import Downloader
from plugins.zoom_ecomms.enrich import plan
from plugins.zoom_ecomms.listing import Listed, format_time
from plugins.zoom_ecomms.lookups import run_lookups
from plugins.zoom_ecomms.models import ArchiveFile, ArchiveMeeting, zoom_time
from plugins.zoom_ecomms.parts import unit_dir, write_response
from plugins.zoom_ecomms.scrub import scrub
from plugins.zoom_ecomms.selection import is_selected

__all__ = ["RUN_ERRORS", "Capturer", "listing_version", "meeting_meta"]

# about the run, not the unit: they end the pass instead of failing a unit
RUN_ERRORS = (ScopeError, AuthError, DailyLimitReached, Interrupted)
MEETING_FIELDS = (
    "uuid", "id", "host_id", "topic", "type", "meeting_type", "start_time", "complete_time",
    "is_breakout_room", "parent_meeting_id",
)  # fmt: skip


def listing_version(meeting: ArchiveMeeting, config: ZoomConfig) -> str:
    """SHA-256 over every listed file's id, fingerprint, size, status and selection, and
    every attachment's id and size: what decides whether a committed unit is unchanged."""
    lines = [
        "\0".join(
            ("file", f.id, f.encryption_fingerprint, str(f.file_size), f.status, _chosen(f, config))
        )
        for f in meeting.archive_files
    ]
    lines += [f"attachment\0{p.file_id}\0{p.file_size}" for p in meeting.physical_files]
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def _chosen(file: ArchiveFile, config: ZoomConfig) -> str:
    return "selected" if is_selected(file, config) else "listed"


def meeting_meta(meeting: ArchiveMeeting, config: ZoomConfig) -> dict[str, Any]:
    """The bookkeeping of a unit (``unit.meta``): no vendor payload, only what the source
    needs to acknowledge, recapture and refill it later, also from a stored snapshot."""
    return {
        "meeting": {name: getattr(meeting, name) for name in MEETING_FIELDS},
        "listed_file_ids": [f.id for f in meeting.archive_files],
        "selected_file_ids": [f.id for f in meeting.archive_files if is_selected(f, config)],
        "attachment_ids": [p.file_id for p in meeting.physical_files],
    }


class Capturer:
    """Builds the Units of one source instance."""

    def __init__(
        self, client: ZoomClient, downloader: Downloader, config: ZoomConfig, name: str, spool: Path
    ) -> None:
        self.client = client
        self.downloader = downloader
        self.config = config
        self.name = name
        self.spool = spool

    def _unit(
        self, listed: Listed, checkpoint: str | None, window: tuple[datetime, datetime]
    ) -> Unit:
        meeting = listed.meeting
        unit = Unit(source=self.name, platform="zoom", key=listed.key, checkpoint=checkpoint)
        unit.meta = {"window": [format_time(window[0]), format_time(window[1])]}
        if meeting is None:
            unit.version = hashlib.sha256(listed.raw).hexdigest()
            return unit
        unit.version = listing_version(meeting, self.config)
        unit.occurred_at = zoom_time(meeting.start_time)
        unit.title = meeting.topic
        unit.meta.update(meeting_meta(meeting, self.config))
        unit.meta["completed_at"] = meeting.complete_time  # capture lag is measured from it
        return unit

    def stub(
        self, listed: Listed, checkpoint: str | None, window: tuple[datetime, datetime]
    ) -> Unit:
        """The unit without any part: already committed at this version, nothing fetched."""
        return self._unit(listed, checkpoint, window)

    def version(self, listed: Listed) -> str:
        """The version ``listed`` would be captured at."""
        if listed.meeting is None:
            return hashlib.sha256(listed.raw).hexdigest()
        return listing_version(listed.meeting, self.config)

    def capture(
        self, listed: Listed, checkpoint: str | None, window: tuple[datetime, datetime]
    ) -> Unit:
        """Spool and verify every part of ``listed``; a problem of the unit goes into
        ``unit.failure``. Errors of the run (:data:`RUN_ERRORS`) propagate."""
        unit = self._unit(listed, checkpoint, window)
        if listed.meeting is None or listed.error:
            unit.failure = Failure(message=scrub(listed.error), transient=False, where="listing")
            return unit
        meeting = listed.meeting
        directory = unit_dir(self.spool, unit.key)
        now = datetime.now(UTC)
        try:
            unit.files = [self._meeting_part(directory, listed.raw)]
            unit.gaps = _file_gaps(meeting, self.config)
            unit.files += self._files(meeting, directory)
            attachments, gaps = self._attachments(meeting, directory, now)
            parts, lookup_gaps = run_lookups(
                self.client, plan(meeting, self.config), directory, now
            )
        except RUN_ERRORS:
            self.discard(unit.key)
            raise
        except EcommsError as exc:
            self.discard(unit.key)
            unit.files = []
            unit.failure = Failure(
                message=scrub(exc.one_line()), transient=exc.transient, where=unit.key
            )
            return unit
        unit.files += attachments + parts
        unit.gaps += gaps + lookup_gaps
        return unit

    def _meeting_part(self, directory: Path, raw: bytes) -> SpooledFile:
        meta = {"endpoint": "GET /archive_files", "status": 200, "content_type": "application/json"}
        return write_response(directory, "meeting", 1, raw, meta)

    def _files(self, meeting: ArchiveMeeting, directory: Path) -> list[SpooledFile]:
        return [
            self.downloader.fetch(f, directory)
            for f in meeting.archive_files
            if is_selected(f, self.config) and f.status == "completed"
        ]

    def _attachments(
        self, meeting: ArchiveMeeting, directory: Path, now: datetime
    ) -> tuple[list[SpooledFile], list[Gap]]:
        """Chat attachments; one that will not download is a file gap (retried), never a
        failed unit: the meeting's archive files are committed meanwhile, nothing is deleted."""
        hours = self.config.gap_retry_hours
        parts: list[SpooledFile] = []
        gaps: list[Gap] = []
        for item in meeting.physical_files:
            try:
                parts.append(self.downloader.fetch_attachment(item, directory))
            except RUN_ERRORS:
                raise
            except EcommsError as exc:
                gaps.append(
                    Gap(
                        part=f"attachment {item.file_id} ({item.file_name or 'unnamed'})",
                        reason=scrub(exc.message),
                        kind="file",
                        retry_until=now + timedelta(hours=hours) if hours > 0 else None,
                    )
                )
        return parts, gaps

    def discard(self, key: str) -> None:
        """Remove the spooled parts of the unit ``key``."""
        shutil.rmtree(unit_dir(self.spool, key), ignore_errors=True)


def _file_gaps(meeting: ArchiveMeeting, config: ZoomConfig) -> list[Gap]:
    return [
        Gap(part=f"file {f.id} ({f.file_type})", reason="failed at Zoom", kind="file")
        for f in meeting.archive_files
        if is_selected(f, config) and f.status == "failed"
    ]
