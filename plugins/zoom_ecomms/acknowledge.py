"""After every sink committed a unit: tag its files for deletion at Zoom, or delete them.

Safety rules: nothing for a unit with a failure; a file is tagged only when it was verified
into the spool (it is in ``unit.files``) *and* some sink's receipt lists its SHA-256 among
the artifacts it stored durably. The optional delete mode removes a meeting's archive files
only when every file Zoom listed for it is such a file and there is no capture gap. The
listed ids travel in the unit itself (``payloads["archive_file_ids"]``), so a unit
acknowledged after a restart, from its stored snapshot, is decided the same way.

A Zoom call that fails transiently (5xx, timeouts, rate limits) makes the acknowledgement
raise ``TransientError`` once every action was tried: the pipeline keeps the unit
unacknowledged and retries it on the next run (tagging and deleting are idempotent).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.errors import EcommsError, TransientError
from core.protocols import Receipt, Unit
from plugins.zoom_ecomms.capture import LISTED_IDS
from plugins.zoom_ecomms.client import ZoomClient, encode_uuid
from plugins.zoom_ecomms.config import ZoomConfig

__all__ = ["acknowledge_unit", "listed_file_ids", "safe_file_ids"]


def safe_file_ids(unit: Unit, receipts: Sequence[Receipt]) -> list[str]:
    """Ids of the unit's verified files whose bytes some sink confirmed as stored."""
    if unit.failure is not None or not receipts:
        return []
    stored = {sha for receipt in receipts for sha in receipt.artifacts}
    return [f.file_id for f in unit.files if f.sha256 in stored]


def listed_file_ids(unit: Unit) -> list[str] | None:
    """Every file id Zoom listed for the unit's meeting, or ``None`` when unknown."""
    ids = unit.payloads.get(LISTED_IDS)
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
    if not (config.auto_delete or config.delete_mode):
        return actions
    safe = safe_file_ids(unit, receipts)
    for spooled in unit.files:
        if spooled.file_id not in safe:
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
        actions.append(_delete(client, unit, set(safe), listed_file_ids(unit)))
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
    path = f"/archive_files/{encode_uuid(file_id)}"
    try:
        response = client.request("PATCH", path, json={"auto_delete": True})
    except EcommsError as exc:
        return _error({"action": "auto_delete", "file_id": file_id}, exc)
    status = response.status_code if response is not None else 404
    return {"action": "auto_delete", "file_id": file_id, "status": status}


def _delete(
    client: ZoomClient, unit: Unit, safe: set[str], listed_ids: Sequence[str] | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"action": "delete_archive_files", "meeting_uuid": unit.key}
    if listed_ids is None:
        return dict(entry, status="skipped", reason="the meeting's full file list is unknown")
    missing = sorted(set(listed_ids) - safe)
    if missing or unit.gaps:
        return dict(
            entry,
            status="skipped",
            reason=f"not every file is committed: {', '.join(missing) or 'capture gaps'}",
        )
    try:
        response = client.request("DELETE", f"/past_meetings/{encode_uuid(unit.key)}/archive_files")
    except EcommsError as exc:
        return _error(entry, exc)
    return dict(
        entry, status=response.status_code if response is not None else 404, file_ids=sorted(safe)
    )
