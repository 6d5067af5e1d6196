"""Archiving endpoints: list (with every paging rule), per-meeting GET/DELETE, statistics, PATCH."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta
from typing import Any

import msgspec

from ecomms_zoom_simulator.extras import iso
from ecomms_zoom_simulator.faults import Faults
from ecomms_zoom_simulator.hostile import gzip_bomb, trickle
from ecomms_zoom_simulator.http import ApiError, Request, Response, decode_id, json_response
from ecomms_zoom_simulator.model import Meeting
from ecomms_zoom_simulator.payloads import meeting_object
from ecomms_zoom_simulator.state import State

__all__ = ["ROUTES", "page_size", "paginate", "parse_time", "window"]

PAGE_TOKEN_TTL = 15 * 60
_BAD_TOKEN = "The next page token is invalid or expired."


def parse_time(value: str, name: str) -> datetime:
    """Parse a ``yyyy-MM-ddTHH:mm:ssZ`` (or date-only) parameter as UTC; else 400 / 300."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, 300, f"Invalid field: '{name}' must be yyyy-MM-ddTHH:mm:ssZ.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=State.now().tzinfo)
    return moment.replace(microsecond=0)


def window(state: State, req: Request) -> tuple[datetime, datetime]:
    """The ``from``/``to`` window: ``to`` defaults to and is clamped at now; at most 7 days.

    With a page token ``to`` is taken as sent, so only the echoed (clamped) value matches
    the first request's window.
    """
    now = state.now()
    to = parse_time(req.arg("to"), "to") if req.arg("to") else now
    if not req.arg("next_page_token"):
        to = min(to, now)
    start = parse_time(req.arg("from"), "from") if req.arg("from") else to - timedelta(days=1)
    if start > to:
        raise ApiError(400, 300, "Invalid date range: 'from' is later than 'to'.")
    if to - start > timedelta(days=7):
        raise ApiError(400, 300, "The date range between 'from' and 'to' cannot exceed 7 days.")
    return start, to


def page_size(req: Request, maximum: int) -> int:
    """The ``page_size`` parameter (default 30); out of ``1..maximum`` is a 400 / 300."""
    raw = req.arg("page_size", "30")
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ApiError(400, 300, f"Invalid field: 'page_size' must be between 1 and {maximum}.")
    return int(raw)


def _group_ids(state: State, req: Request) -> frozenset[str]:
    raw = req.arg("group_ids") or req.arg("group_id") or ""
    ids = [g.strip() for g in raw.split(",") if g.strip()]
    if len(ids) > 7:
        raise ApiError(400, 300, "Invalid field: 'group_ids' accepts at most 7 groups.")
    known = {g.id for g in state.account.groups}
    for gid in ids:
        if gid not in known:
            raise ApiError(404, 4130, f"Group does not exist: {gid}.")
    return frozenset(ids)


def _prune(tokens: dict[str, tuple[tuple, int, float]], limit: int = 20000) -> None:
    """Forget expired page tokens, then the oldest ones, so memory stays bounded."""
    if len(tokens) < limit:
        return
    now = time.monotonic()
    for token in [t for t, (_, _, made) in tokens.items() if now - made > PAGE_TOKEN_TTL]:
        del tokens[token]
    for token in list(tokens)[: max(0, len(tokens) - limit // 2)]:
        del tokens[token]


def paginate(
    state: State, faults: Faults, req: Request, key: tuple, items: list
) -> tuple[list, str]:
    """The page of ``items`` for ``req``: checks a page token against the first call's ``key``."""
    size = key[0]
    token = req.arg("next_page_token") or ""
    offset = 0
    if token:
        with state.lock:
            saved = state.page_tokens.get(token)
        if faults.take_page_token_expiry() or saved is None:
            raise ApiError(400, 300, _BAD_TOKEN)
        saved_key, offset, created = saved
        if saved_key != key or time.monotonic() - created > PAGE_TOKEN_TTL:
            raise ApiError(400, 300, _BAD_TOKEN)
    page, following = items[offset : offset + size], ""
    if offset + size < len(items) or "endless_pages" in faults.flags:
        following = secrets.token_urlsafe(24)
        with state.lock:
            _prune(state.page_tokens)
            state.page_tokens[following] = (key, offset + size, time.monotonic())
    return page, following


def list_archive_files(state: State, faults: Faults, req: Request) -> Response:
    """``GET /archive_files`` (and the master-account variant)."""
    if req.params.get("account") not in (None, "me", state.account.id):
        raise ApiError(400, 2001, f"Account does not exist: {req.params['account']}.")
    size = page_size(req, 300)
    start, to = window(state, req)
    date_type = req.arg("query_date_type", "meeting_start_time")
    if date_type not in ("meeting_start_time", "archive_complete_time"):
        raise ApiError(400, 300, "Invalid field: 'query_date_type'.")
    groups = _group_ids(state, req)
    chosen: list[tuple[datetime, str, Meeting | bytes]] = []
    for m in state.meetings():
        moment = m.start_time if date_type == "meeting_start_time" else m.complete_time
        outside = groups and groups.isdisjoint(m.group_id.split(","))
        if moment is None or not start <= moment <= to or outside:
            continue
        chosen.append((moment, m.uuid, m))
    if "poison_listing" in faults.flags and start <= state.poison.start <= to and not groups:
        fragments = state.poison.fragments(state.base_url)
        chosen += [(state.poison.start, f"~{n:02d}", f) for n, f in enumerate(fragments)]
    chosen.sort(key=lambda item: item[:2])
    key = (size, iso(start), iso(to), date_type, groups)
    page, token = paginate(state, faults, req, key, [m for _, _, m in chosen])
    body: dict[str, Any] = {
        "from": iso(start),
        "to": iso(to),
        "page_size": size,
        "total_records": len(chosen),
        "next_page_token": token,
        "meetings": [_listed(state, m) for m in page],
    }
    return _hostile(state, faults, body) or json_response(body)


def _listed(state: State, m: Meeting | bytes) -> dict[str, Any] | msgspec.Raw:
    if isinstance(m, bytes):  # a poison entry, written as raw JSON text
        return msgspec.Raw(m)
    return meeting_object(state.account, m, state.base_url)


def _hostile(state: State, faults: Faults, body: dict[str, Any]) -> Response | None:
    """The listing as a gzip bomb or a trickle, when those faults are set."""
    gib = faults.value("gzip_bomb")
    if gib is not None:
        head = msgspec.json.encode({**body, "meetings": []})[: -len(b"[]}")] + b"["
        return gzip_bomb(head, b"]}", gib)
    rate = faults.value("trickle_listing")
    if rate is not None:  # leading whitespace is valid JSON: the body never gets going
        spaces = trickle(iter(()), int(rate), state.stopping, forever=b" " * 64)
        return Response(200, spaces, {"Content-Type": "application/json;charset=UTF-8"}, None)
    return None


def _archived(state: State, req: Request):
    uuid = decode_id(req.params["uuid"])
    meeting = state.meeting(uuid) if uuid else None
    if meeting is None or meeting.uuid != uuid:
        raise ApiError(404, 3001, f"Meeting {uuid or req.params['uuid']} does not exist.")
    return meeting


def get_meeting_archive(state: State, faults: Faults, req: Request) -> Response:
    """``GET /past_meetings/{uuid}/archive_files``: one meeting object, not wrapped."""
    return json_response(meeting_object(state.account, _archived(state, req), state.base_url))


def delete_meeting_archive(state: State, faults: Faults, req: Request) -> Response:
    """``DELETE /past_meetings/{uuid}/archive_files``: every file of the instance goes."""
    meeting = _archived(state, req)
    with state.lock:
        state.deleted.append(meeting.uuid)
    return Response(204)


def statistics(state: State, faults: Faults, req: Request) -> Response:
    """``GET /archive_files/statistics`` over meetings started in the window."""
    start, to = window(state, req)
    ext = dict.fromkeys(("mp4", "m4a", "txt", "json", "vtt"), 0)
    status = dict.fromkeys(("processing", "completed", "failed"), 0)
    meetings = [m for m in state.meetings() if start <= m.start_time <= to]
    for m in meetings:
        for f in m.files:
            if f.extension.lower() in ext:
                ext[f.extension.lower()] += 1
            status[f.status] = status.get(f.status, 0) + 1
    return json_response(
        {
            "from": iso(start),
            "to": iso(to),
            "total_records": len(meetings),
            "statistic_by_file_extension": {f"{k}_file_count": v for k, v in ext.items()},
            "statistic_by_file_status": {f"{k}_file_count": v for k, v in status.items()},
        }
    )


def update_auto_delete(state: State, faults: Faults, req: Request) -> Response:
    """``PATCH /archive_files/{fileId}`` with ``{"auto_delete": bool}`` → 204."""
    body = req.json()
    if not isinstance(body, dict) or not isinstance(body.get("auto_delete"), bool):
        raise ApiError(400, 300, "Invalid field: 'auto_delete' is required and must be a boolean.")
    found = state.file(decode_id(req.params["file_id"]))
    if found is None:
        raise ApiError(404, 3001, f"File {req.params['file_id']} does not exist.")
    with state.lock:
        found[1].auto_delete = body["auto_delete"]
        if body["auto_delete"] and found[1].id not in state.tagged:
            state.tagged.append(found[1].id)
        if not body["auto_delete"] and found[1].id in state.tagged:
            state.tagged.remove(found[1].id)
    return Response(204)


_SEG = r"(?P<{}>[^/]+)"
ROUTES = [
    ("GET", "/v2/archive_files", list_archive_files, "list_archive_files"),
    (
        "GET",
        "/v2/accounts/" + _SEG.format("account") + "/archive_files",
        list_archive_files,
        "list_archive_files_master",
    ),
    ("GET", "/v2/archive_files/statistics", statistics, "archive_statistics"),
    (
        "PATCH",
        "/v2/archive_files/" + _SEG.format("file_id"),
        update_auto_delete,
        "update_auto_delete",
    ),
    (
        "GET",
        "/v2/past_meetings/" + _SEG.format("uuid") + "/archive_files",
        get_meeting_archive,
        "get_meeting_archive",
    ),
    (
        "DELETE",
        "/v2/past_meetings/" + _SEG.format("uuid") + "/archive_files",
        delete_meeting_archive,
        "delete_meeting_archive",
    ),
]
