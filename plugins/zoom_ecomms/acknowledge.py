"""After a unit's custody commit: tag its files for deletion at Zoom, or delete them.

The rule (docs/zoom.md §6, docs/reliability.md), decided per file: an archive file
(``role="file"``) is tagged when it was verified into the spool and some archive sink's
receipt lists its SHA-256 — whatever else the unit lacks, because keeping a verified,
archived file at Zoom recovers nothing. ``delete_mode`` removes the *whole* meeting's
archive at Zoom, so it runs only when every file Zoom listed for the meeting (selected or
not) and every chat attachment is committed that way and the unit has no ``kind="file"``
gap (a file failed at Zoom, an attachment not downloaded). Nothing happens for a failed
unit. The listed ids travel in ``unit.meta``, so a unit acknowledged after a restart, from
its stored snapshot, is decided the same way.

A Zoom call that fails transiently (5xx, timeouts, rate limits) makes the acknowledgement
raise ``TransientError`` once every action was tried: the pipeline keeps the unit
unacknowledged and retries it on the next run (tagging and deleting are idempotent).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.errors import EcommsError, TransientError
from core.protocols import Receipt, Unit
from plugins.zoom_ecomms.client import ZoomClient
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.hosts import path_id

__all__ = ["acknowledge_unit", "committed_ids", "listed_file_ids", "safe_file_ids"]

OLD_LISTED_IDS = "archive_file_ids"  # where units captured before 0.2 kept the listed ids


def committed_ids(unit: Unit, receipts: Sequence[Receipt], role: str) -> list[str]:
    """Ids of the unit's ``role`` parts whose bytes some sink's receipt confirms as stored."""
    if unit.failure is not None or not receipts:
        return []
    stored = {sha for receipt in receipts for sha in receipt.artifacts}
    return [f.file_id for f in unit.files if f.role == role and f.sha256 in stored]


def safe_file_ids(unit: Unit, receipts: Sequence[Receipt]) -> list[str]:
    """Ids of the unit's verified archive files that may be tagged for deletion."""
    return committed_ids(unit, receipts, "file")


def listed_file_ids(unit: Unit) -> list[str] | None:
    """Every archive file id Zoom listed for the unit's meeting, or ``None`` when unknown."""
    ids = unit.meta.get("listed_file_ids", unit.payloads.get(OLD_LISTED_IDS))
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        return None
    return ids


def acknowledge_unit(
    client: ZoomClient, config: ZoomConfig, unit: Unit, receipts: Sequence[Receipt]
) -> list[dict[str, Any]]:
    """Run the auto-delete / delete actions for a committed unit; one dict per action.

    Raises ``TransientError`` after trying every action when one failed transiently.
    """
    actions: list[dict[str, Any]] = []
    if not (config.auto_delete or config.delete_mode) or unit.failure is not None:
        return actions
    safe = safe_file_ids(unit, receipts)
    for spooled in unit.files:
        if spooled.role == "file" and spooled.file_id not in safe:
            actions.append(
                {
                    "action": "auto_delete_skipped",
                    "file_id": spooled.file_id,
                    "reason": "no sink receipt lists the file's SHA-256",
                }
            )
    if config.auto_delete:
        actions += [_tag(client, file_id) for file_id in safe]
    if config.delete_mode:
        actions.append(_delete(client, unit, set(safe), receipts))
    retry = [a for a in actions if a.get("transient")]
    if retry:
        raise TransientError(
            f"acknowledge of meeting {unit.key}: {len(retry)} Zoom call(s) failed transiently"
            f" ({retry[0]['error']}); retried on the next run",
            meeting=unit.key,
        )
    return actions


def _error(entry: dict[str, Any], exc: EcommsError) -> dict[str, Any]:
    return dict(entry, status="error", error=exc.one_line(), transient=exc.transient)


def _tag(client: ZoomClient, file_id: str) -> dict[str, Any]:
    entry = {"action": "auto_delete", "file_id": file_id}
    try:
        path = f"/archive_files/{path_id(file_id, 'archive file id')}"
        answer = client.request("PATCH", path, json={"auto_delete": True})
    except EcommsError as exc:
        return _error(entry, exc)
    return dict(entry, status=answer.status)


def _why_not_delete(unit: Unit, safe: set[str], receipts: Sequence[Receipt]) -> str:
    listed = listed_file_ids(unit)
    if listed is None:
        return "the meeting's full file list is unknown"
    missing = sorted(set(listed) - safe)
    if missing:
        return f"not every file is committed: {', '.join(missing)}"
    attachments = unit.meta.get("attachment_ids", [])
    stored = set(committed_ids(unit, receipts, "attachment"))
    absent = sorted(set(attachments) - stored)
    if absent:
        return f"not every chat attachment is committed: {', '.join(absent)}"
    gaps = [g.part for g in unit.gaps if g.kind == "file"]
    return f"capture gaps: {'; '.join(gaps)}" if gaps else ""


def _delete(
    client: ZoomClient, unit: Unit, safe: set[str], receipts: Sequence[Receipt]
) -> dict[str, Any]:
    entry: dict[str, Any] = {"action": "delete_archive_files", "meeting_uuid": unit.key}
    reason = _why_not_delete(unit, safe, receipts)
    if reason:
        return dict(entry, status="skipped", reason=reason)
    try:
        path = f"/past_meetings/{path_id(unit.key, 'meeting uuid')}/archive_files"
        answer = client.request("DELETE", path)
    except EcommsError as exc:
        return _error(entry, exc)
    return dict(entry, status=answer.status, file_ids=sorted(safe))
