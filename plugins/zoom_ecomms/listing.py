"""Listing archived meetings: 7-day windows on ``archive_complete_time``, strict paging."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from core.errors import ConfigError, PayloadError, TransientError
from plugins.zoom_ecomms.client import ZoomClient, ZoomRequestError, describe

__all__ = ["format_time", "list_window", "parse_time", "resolve_groups", "windows"]

MAX_GROUPS_PER_CALL = 7
MAX_WINDOW_RESTARTS = 3
INVALID_PAGE_TOKEN = 300


class _PageTokenExpired(Exception):
    """A follow-up page was refused: the window must be listed again from its start."""


def format_time(when: datetime) -> str:
    """Zoom's ``yyyy-MM-ddTHH:mm:ssZ`` (UTC)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime | None:
    """Parse a Zoom date-time (``...Z``); ``None`` for empty or malformed values."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def windows(start: datetime, end: datetime, days: int) -> Iterator[tuple[datetime, datetime]]:
    """Consecutive ``[from, to]`` windows of at most ``days`` days covering ``start..end``."""
    span = timedelta(days=days)
    while start < end:
        stop = min(start + span, end)
        yield start, stop
        start = stop


def resolve_groups(client: ZoomClient, wanted: Sequence[str]) -> list[str]:
    """Turn configured group names or ids into ids through ``GET /groups``."""
    if not wanted:
        return []
    groups = client.collect("/groups", {"page_size": 300}, "groups") or []
    by_key: dict[str, str] = {}
    for group in groups:
        if isinstance(group, dict) and isinstance(group.get("id"), str):
            by_key[group["id"]] = group["id"]
            by_key[str(group.get("name", "")).casefold()] = group["id"]
    ids, unknown = [], []
    for name in wanted:
        gid = by_key.get(name) or by_key.get(name.casefold())
        (ids.append(gid) if gid else unknown.append(name))
    if unknown:
        raise ConfigError(
            f"Zoom groups not found: {', '.join(unknown)}; fix `groups` (names or ids)",
            known=", ".join(sorted(str(g.get("name")) for g in groups if isinstance(g, dict))),
        )
    return list(dict.fromkeys(ids))


def list_window(
    client: ZoomClient, start: datetime, end: datetime, group_ids: Sequence[str] = ()
) -> tuple[list[dict[str, Any]], datetime]:
    """Every meeting whose archive completed in ``[start, end]``, and the (clamped) end."""
    chunks = [
        list(group_ids[i : i + MAX_GROUPS_PER_CALL])
        for i in range(0, len(group_ids), MAX_GROUPS_PER_CALL)
    ] or [[]]
    found: dict[str, dict[str, Any]] = {}
    clamped = end
    for chunk in chunks:
        meetings, clamped = _list_restarting(client, start, end, chunk)
        for meeting in meetings:
            found.setdefault(meeting["uuid"], meeting)
    return list(found.values()), clamped


def _list_restarting(
    client: ZoomClient, start: datetime, end: datetime, group_ids: list[str]
) -> tuple[list[dict[str, Any]], datetime]:
    for _ in range(MAX_WINDOW_RESTARTS):
        try:
            return _list_once(client, start, end, group_ids)
        except _PageTokenExpired:
            continue
    raise TransientError(
        f"GET /archive_files: page token kept expiring for window {format_time(start)}.."
        f"{format_time(end)} after {MAX_WINDOW_RESTARTS} restarts"
    )


def _list_once(
    client: ZoomClient, start: datetime, end: datetime, group_ids: list[str]
) -> tuple[list[dict[str, Any]], datetime]:
    params: dict[str, Any] = {
        "from": format_time(start),
        "to": format_time(end),
        "page_size": client.config.page_size,
        "query_date_type": "archive_complete_time",
    }
    if group_ids:
        params["group_ids"] = ",".join(group_ids)
    meetings: list[dict[str, Any]] = []
    token = ""
    while True:
        query = dict(params, next_page_token=token) if token else params
        try:
            page = client.get_json("/archive_files", query)
        except ZoomRequestError as exc:
            if token and exc.code == INVALID_PAGE_TOKEN:
                raise _PageTokenExpired from None
            raise
        if page is None:
            raise PayloadError("GET /archive_files: Zoom answered 404 (archiving not enabled?)")
        meetings.extend(_checked_meetings(page))
        if isinstance(page.get("to"), str) and page["to"]:
            params["to"] = page["to"]  # the server may clamp `to`; echo it on later pages
        token = page.get("next_page_token") or ""
        if not token:
            return meetings, parse_time(params["to"]) or end


def _checked_meetings(page: dict[str, Any]) -> list[dict[str, Any]]:
    items = page.get("meetings", [])
    if not isinstance(items, list):
        raise PayloadError(
            f"GET /archive_files: field 'meetings' expected array, got {describe(items)}"
        )
    good = []
    for index, meeting in enumerate(items):
        where = f"GET /archive_files: meetings[{index}]"
        if not isinstance(meeting, dict):
            raise PayloadError(f"{where}: expected object, got {describe(meeting)}")
        if not isinstance(meeting.get("uuid"), str) or not meeting["uuid"]:
            raise PayloadError(
                f"{where}: field 'uuid' expected string, got {describe(meeting.get('uuid'))}"
            )
        good.append(meeting)
    return good
