"""Capturing one meeting or webinar instance whole: files, enrichment, one Unit."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from core.errors import EcommsError, ScopeError
from core.protocols import Failure, Gap, SpooledFile, Unit
from plugins.zoom_ecomms.client import DailyLimitReached, ZoomClient, describe
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.download import Downloader
from plugins.zoom_ecomms.enrich import enrich
from plugins.zoom_ecomms.listing import parse_time
from plugins.zoom_ecomms.selection import is_selected

__all__ = ["LISTED_IDS", "Capturer", "spool_dir_for", "unit_version"]

LISTED_IDS = "archive_file_ids"  # payload key: every file id Zoom listed, selected or not


def spool_dir_for(root: Path, uuid: str) -> Path:
    """The spool directory of one meeting instance (UUIDs are not safe file names)."""
    return root / hashlib.sha256(uuid.encode()).hexdigest()[:24]


def unit_version(files: list[SpooledFile], payloads: dict[str, Any]) -> str:
    """sha256 of the sorted ``file_id:fingerprint`` list plus which payloads exist.

    The bookkeeping payload ``archive_file_ids`` is left out, so versions stay stable.
    """
    lines = sorted(f"{f.file_id}:{f.sha256}" for f in files)
    lines += sorted(f"payload:{key}" for key in payloads if key != LISTED_IDS)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _checked_files(meeting: dict[str, Any]) -> list[dict[str, Any]]:
    files = meeting.get("archive_files")
    where = f"GET /archive_files: meeting {meeting.get('uuid')}"
    if not isinstance(files, list):
        raise _Malformed(f"{where}: field 'archive_files' expected array, got {describe(files)}")
    for index, file in enumerate(files):
        if not isinstance(file, dict):
            raise _Malformed(f"{where}: archive_files[{index}] expected object")
        if not isinstance(file.get("id"), str):
            raise _Malformed(f"{where}: archive_files[{index}].id expected string")
    return files


class _Malformed(EcommsError):
    """A malformed meeting object from the listing."""


class Capturer:
    """Builds Units for one source instance."""

    def __init__(
        self, client: ZoomClient, downloader: Downloader, config: ZoomConfig, name: str, spool: Path
    ) -> None:
        self.client = client
        self.downloader = downloader
        self.config = config
        self.name = name
        self.spool = spool

    def capture(self, meeting: dict[str, Any], checkpoint: str | None) -> Unit:
        """Download, verify and enrich ``meeting``; failures go into ``unit.failure``.

        ``ScopeError`` propagates: an enabled feature lacking scopes stops the run.
        ``DailyLimitReached`` propagates too: the pass holds at this meeting until the reset.
        """
        unit = Unit(
            source=self.name,
            platform="zoom",
            key=meeting["uuid"],
            occurred_at=parse_time(meeting.get("start_time")),
            title=str(meeting.get("topic") or ""),
            checkpoint=checkpoint,
        )
        try:
            files = _checked_files(meeting)
        except _Malformed as exc:
            unit.payloads = {"meeting": meeting}
            unit.failure = Failure(message=exc.message, transient=False, where="listing")
            return unit
        selected = [f for f in files if is_selected(f, self.config)]
        unit.payloads["meeting"] = dict(meeting, archive_files=selected)
        unit.payloads[LISTED_IDS] = [f["id"] for f in files]
        unit.gaps = [
            Gap(part=f"file {f['id']} ({f.get('file_type')})", reason="failed at Zoom", kind="file")
            for f in selected
            if f.get("status") == "failed"
        ]
        try:
            unit.payloads.update(enrich(self.client, meeting, self.config))
            unit.files = self._download(meeting["uuid"], selected)
        except (ScopeError, DailyLimitReached):
            self.discard(unit.key)
            raise
        except EcommsError as exc:
            self.discard(unit.key)
            unit.files = []
            unit.failure = Failure(message=exc.one_line(), transient=exc.transient, where=unit.key)
        unit.version = unit_version(unit.files, unit.payloads)
        return unit

    def _download(self, uuid: str, selected: list[dict[str, Any]]) -> list[SpooledFile]:
        directory = spool_dir_for(self.spool, uuid)
        return [
            self.downloader.fetch(f, directory) for f in selected if f.get("status") == "completed"
        ]

    def discard(self, uuid: str) -> None:
        """Remove the spooled files of ``uuid``."""
        shutil.rmtree(spool_dir_for(self.spool, uuid), ignore_errors=True)
