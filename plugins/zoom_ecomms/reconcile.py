"""What Zoom lists for a period, item by item, for ``ecomms audit completeness``.

Every meeting and webinar instance whose archive completed in the period (the windows and
paging capture uses, on ``archive_complete_time``), then every instance that started in it
and whose archive is not complete yet: Zoom gives those no completion time, so only a
listing on ``meeting_start_time`` shows them. Each instance is one unit item, followed by
one item per archive file and per chat attachment. A meeting still processing reports its
files as processing too: none is captured before the meeting is ready.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from core.protocols import InventoryItem
from plugins.zoom_ecomms.client import ZoomClient
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.listing import Listed, list_window, windows
from plugins.zoom_ecomms.models import ArchiveMeeting
from plugins.zoom_ecomms.selection import is_selected, readiness

__all__ = ["inventory", "listed_items"]


def inventory(
    client: ZoomClient,
    config: ZoomConfig,
    group_ids: Sequence[str],
    start: datetime,
    end: datetime,
) -> Iterator[InventoryItem]:
    """Every instance (and its files) Zoom lists for ``[start, end]``, completed ones first."""
    seen: set[str] = set()
    for w_from, w_to in windows(start, end, config.window_days):
        listed, _ = list_window(client, w_from, w_to, group_ids)
        for item in sorted(listed, key=_order):
            if item.key not in seen:
                seen.add(item.key)
                yield from listed_items(item, config)
    for w_from, w_to in windows(start, end, config.window_days):
        listed, _ = list_window(client, w_from, w_to, group_ids, "meeting_start_time")
        for item in sorted(listed, key=_order):
            if item.key not in seen and item.meeting is not None and _incomplete(item.meeting):
                seen.add(item.key)
                yield from listed_items(item, config)


def listed_items(listed: Listed, config: ZoomConfig) -> Iterator[InventoryItem]:
    """The unit item of one listed instance, then its archive files and attachments."""
    meeting = listed.meeting
    if meeting is None:
        yield InventoryItem(key=listed.key, label=f"unreadable listing: {listed.error}")
        return
    pending = readiness(meeting, config) == "pending"
    yield InventoryItem(
        key=listed.key,
        status="processing" if pending else "completed",
        label=_label(meeting),
    )
    for f in meeting.archive_files:
        status = f.status or "completed"
        yield InventoryItem(
            key=listed.key,
            file_id=f.id,
            status="processing" if pending and status != "failed" else status,
            selected=is_selected(f, config),
            label=f"{f.file_type or f.file_extension or 'archive'} file",
        )
    for p in meeting.physical_files:
        yield InventoryItem(
            key=listed.key,
            file_id=p.file_id,
            status="processing" if pending else "completed",
            label=f"chat attachment {p.file_name}".rstrip(),
        )


def _incomplete(meeting: ArchiveMeeting) -> bool:
    return meeting.status == "processing" or not meeting.complete_time


def _label(meeting: ArchiveMeeting) -> str:
    kind = "webinar" if meeting.is_webinar else "meeting"
    if meeting.is_external:
        return f"external {kind}"
    return f"{kind} {meeting.topic}".rstrip()


def _order(item: Listed) -> tuple[str, str]:
    return ((item.meeting.complete_time if item.meeting else "") or "", item.key)
