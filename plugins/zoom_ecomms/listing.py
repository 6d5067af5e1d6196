"""Listing archived meetings: 7-day windows on ``archive_complete_time``, strict paging.

Each page is decoded with msgspec keeping every meeting's raw bytes; each meeting is then
decoded alone (:func:`read_meeting`), so a meeting that does not decode, or whose ids are
unsafe, becomes one failed unit instead of failing the page. A page msgspec refuses as a
whole is split without decoding (:mod:`.rawsplit`) so the same holds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import msgspec

from core.errors import ConfigError, PayloadError, TransientError
from plugins.zoom_ecomms.client import ZoomClient, ZoomRequestError
from plugins.zoom_ecomms.hosts import unsafe_id
from plugins.zoom_ecomms.models import (
    ArchiveFilesPage,
    ArchiveMeeting,
    GroupsPage,
    decode,
    zoom_time,
)
from plugins.zoom_ecomms.pages import PageGuard
from plugins.zoom_ecomms.rawsplit import split_page

__all__ = [
    "Listed",
    "format_time",
    "list_window",
    "raw_key",
    "read_meeting",
    "resolve_groups",
    "windows",
]

LISTING = "GET /archive_files"
MAX_GROUPS_PER_CALL = 7
MAX_WINDOW_RESTARTS = 3
INVALID_PAGE_TOKEN = 300


class Listed(msgspec.Struct, kw_only=True, frozen=True):
    """One meeting object as listed: its raw bytes and either the decoded meeting or why
    it cannot be captured (``error``). ``key`` is its UUID, or ``raw-<hash>`` when it has
    no usable one."""

    key: str
    raw: bytes
    meeting: ArchiveMeeting | None = None
    error: str = ""


class _PageTokenExpired(Exception):
    """A follow-up page was refused: the window must be listed again from its start."""


def format_time(when: datetime) -> str:
    """Zoom's ``yyyy-MM-ddTHH:mm:ssZ`` (UTC)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def windows(start: datetime, end: datetime, days: int) -> Iterator[tuple[datetime, datetime]]:
    """Consecutive ``[from, to]`` windows of at most ``days`` days covering ``start..end``."""
    span = timedelta(days=days)
    while start < end:
        stop = min(start + span, end)
        yield start, stop
        start = stop


def raw_key(raw: bytes) -> str:
    """The key of a listing object without a usable UUID: a stable hash of its bytes."""
    return "raw-" + hashlib.sha256(raw).hexdigest()[:32]


class _Uuid(msgspec.Struct):
    uuid: str = ""


_UUID_MEMBER = re.compile(rb'"uuid"\s*:\s*("(?:[^"\\]++|\\.)*+")')


def _usable_uuid(raw: bytes) -> str:
    """The object's ``uuid`` when it is a safe string, also when the rest of the object does
    not decode (the first ``"uuid"`` member found is taken then); else ``""``."""
    try:
        uuid = msgspec.json.decode(raw, type=_Uuid).uuid
    except (msgspec.MsgspecError, RecursionError):
        found = _UUID_MEMBER.search(raw)
        try:
            uuid = msgspec.json.decode(found.group(1), type=str) if found else ""
        except msgspec.MsgspecError:
            uuid = ""
    return uuid if not unsafe_id(uuid) else ""


def _unsafe_ids(meeting: ArchiveMeeting) -> str:
    ids = [("archive file id", f.id) for f in meeting.archive_files]
    ids += [("physical file id", f.file_id) for f in meeting.physical_files]
    seen: set[str] = set()
    for what, value in ids:
        why = unsafe_id(value)
        if why:
            return f"{what} {value!r} is unusable ({why})"
        if value in seen:
            return f"{what} {value!r} is listed twice"
        seen.add(value)
    return ""


def read_meeting(raw: bytes, where: str = LISTING) -> Listed:
    """Decode one listed meeting object; a problem is recorded in ``error``, never raised."""
    try:
        meeting = decode(ArchiveMeeting, raw, where)
    except PayloadError as exc:
        return Listed(key=_usable_uuid(raw) or raw_key(raw), raw=raw, error=exc.message)
    why = unsafe_id(meeting.uuid)
    if why:
        return Listed(key=raw_key(raw), raw=raw, error=f"{where}: meeting uuid unusable ({why})")
    problem = _unsafe_ids(meeting)
    if problem:
        return Listed(
            key=meeting.uuid, raw=raw, error=f"{where}: meeting {meeting.uuid}: {problem}"
        )
    return Listed(key=meeting.uuid, raw=raw, meeting=meeting)


def resolve_groups(client: ZoomClient, wanted: Sequence[str]) -> list[str]:
    """Turn configured group names or ids into ids through ``GET /groups``."""
    if not wanted:
        return []
    groups = []
    guard = PageGuard("GET /groups", client.config.pages_deadline_seconds)
    token = ""
    while True:
        params = {"page_size": 300, **({"next_page_token": token} if token else {})}
        page = decode(GroupsPage, client.request("GET", "/groups", params).body, "GET /groups")
        groups += page.groups
        token = guard.next(page.next_page_token, page.total_records, 300)
        if not token:
            break
    by_key: dict[str, str] = {}
    for group in groups:
        if group.id:
            by_key[group.id] = group.id
            by_key[group.name.casefold()] = group.id
    ids, unknown = [], []
    for name in wanted:
        gid = by_key.get(name) or by_key.get(name.casefold())
        (ids.append(gid) if gid else unknown.append(name))
    if unknown:
        raise ConfigError(
            f"Zoom groups not found: {', '.join(unknown)}; fix `groups` (names or ids)",
            known=", ".join(sorted(g.name for g in groups)),
        )
    return list(dict.fromkeys(ids))


def list_window(
    client: ZoomClient,
    start: datetime,
    end: datetime,
    group_ids: Sequence[str] = (),
    date_type: str = "archive_complete_time",
) -> tuple[list[Listed], datetime]:
    """Every meeting whose archive completed in ``[start, end]`` (with ``date_type``
    ``meeting_start_time``: that started then), and the (clamped) end."""
    chunks = [
        list(group_ids[i : i + MAX_GROUPS_PER_CALL])
        for i in range(0, len(group_ids), MAX_GROUPS_PER_CALL)
    ] or [[]]
    found: dict[str, Listed] = {}
    clamped = end
    for chunk in chunks:
        listed, clamped = _list_restarting(client, start, end, chunk, date_type)
        for item in listed:
            found.setdefault(item.key, item)
    return list(found.values()), clamped


def _list_restarting(
    client: ZoomClient, start: datetime, end: datetime, group_ids: list[str], date_type: str
) -> tuple[list[Listed], datetime]:
    for _ in range(MAX_WINDOW_RESTARTS):
        try:
            return _list_once(client, start, end, group_ids, date_type)
        except _PageTokenExpired:
            continue
    raise TransientError(
        f"{LISTING}: page token kept expiring for window {format_time(start)}.."
        f"{format_time(end)} after {MAX_WINDOW_RESTARTS} restarts"
    )


def _list_once(
    client: ZoomClient, start: datetime, end: datetime, group_ids: list[str], date_type: str
) -> tuple[list[Listed], datetime]:
    params: dict[str, object] = {
        "from": format_time(start),
        "to": format_time(end),
        "page_size": client.config.page_size,
        "query_date_type": date_type,
    }
    if group_ids:
        params["group_ids"] = ",".join(group_ids)
    guard = PageGuard(LISTING, client.config.pages_deadline_seconds)
    listed: list[Listed] = []
    token = ""
    while True:
        query = dict(params, next_page_token=token) if token else params
        try:
            answer = client.request("GET", "/archive_files", query)
        except ZoomRequestError as exc:
            if token and exc.code == INVALID_PAGE_TOKEN:
                raise _PageTokenExpired from None
            raise
        page, raws = _read_page(answer.body)
        listed += [read_meeting(raw) for raw in raws]
        if page.to:
            params["to"] = page.to  # the server may clamp `to`; echo it on later pages
        size = page.page_size or client.config.page_size
        token = guard.next(page.next_page_token, page.total_records, size)
        if not token:
            return listed, zoom_time(params["to"]) or end


def _read_page(body: bytes) -> tuple[ArchiveFilesPage, list[bytes]]:
    try:
        page = decode(ArchiveFilesPage, body, LISTING)
        return page, [bytes(raw) for raw in page.meetings]
    except PayloadError as exc:
        first = exc
    try:  # one meeting may poison the whole page: split it and judge each meeting alone
        rest, raws = split_page(body, LISTING)
        return decode(ArchiveFilesPage, rest, LISTING), raws
    except PayloadError:
        raise first from None
