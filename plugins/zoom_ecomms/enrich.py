"""Which enrichment lookups complete a meeting or webinar instance (per enabled feature).

Only endpoints Zoom documents are called. Webinars use the webinar endpoints and have no
``GET /past_webinars/{uuid}`` (that path does not exist: Zoom answers 400/2300); the
summary endpoint serves meetings and webinars. Lookups that need the meeting number or the
host id are left out for meetings that come without them (external meetings); everything
else is asked, and a refusal becomes a gap (:mod:`.lookups`). Dashboard participants ask
``type=past`` and, for a meeting answered with nobody or refused, ``type=pastOne`` (what
Zoom documents for one-person meetings).
"""

from __future__ import annotations

from typing import Any

import msgspec

from core.errors import PayloadError
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.hosts import path_id
from plugins.zoom_ecomms.models import ArchiveMeeting

__all__ = ["Lookup", "plan"]


class Lookup(msgspec.Struct, kw_only=True, frozen=True):
    """One lookup: the payload it fills, the documented endpoint (the name of its gap),
    the encoded path, its query, whether it pages, and the query of a fallback call."""

    payload: str
    endpoint: str
    path: str
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    paged: bool = False
    fallback: dict[str, Any] | None = None


def _ids(meeting: ArchiveMeeting) -> tuple[str, str, str]:
    uuid = path_id(meeting.uuid, "meeting uuid")
    number = path_id(meeting.number, "meeting id") if meeting.number else ""
    try:
        host = path_id(meeting.host_id, "host id") if meeting.host_id else ""
    except PayloadError:
        host = ""  # an unusable host id only loses the host lookup
    return uuid, number, host


def plan(meeting: ArchiveMeeting, config: ZoomConfig) -> list[Lookup]:
    """Every lookup ``config`` enables for ``meeting``, in a stable order."""
    uuid, number, host = _ids(meeting)
    kind, past = (
        ("webinars", "past_webinars") if meeting.is_webinar else ("meetings", "past_meetings")
    )
    out: list[Lookup] = []

    def add(payload: str, endpoint: str, path: str, **extra: Any) -> None:
        out.append(Lookup(payload=payload, endpoint=f"GET {endpoint}", path=path, **extra))

    if not meeting.is_webinar:
        add("past_meeting", "/past_meetings/{uuid}", f"/past_meetings/{uuid}")
    add(
        "participants", f"/{past}/{{uuid}}/participants", f"/{past}/{uuid}/participants", paged=True
    )
    add(
        "report_participants",
        f"/report/{kind}/{{uuid}}/participants",
        f"/report/{kind}/{uuid}/participants",
        paged=True,
    )
    if config.plan == "business":
        add(
            "dashboard_participants",
            f"/metrics/{kind}/{{uuid}}/participants",
            f"/metrics/{kind}/{uuid}/participants",
            params={"type": "past"},
            paged=True,
            fallback=None if meeting.is_webinar else {"type": "pastOne"},
        )
    if host:
        add("host", "/users/{userId}", f"/users/{host}")
    if meeting.is_webinar and number:
        add("panelists", "/webinars/{id}/panelists", f"/webinars/{number}/panelists")
    if "polls" in config.content:
        if number:
            add("poll_definitions", f"/{kind}/{{id}}/polls", f"/{kind}/{number}/polls")
        add("poll_results", f"/{past}/{{uuid}}/polls", f"/{past}/{uuid}/polls")
    if "qa" in config.content:
        add("qa", f"/{past}/{{uuid}}/qa", f"/{past}/{uuid}/qa")
    if "summary" in config.content:
        add("summary", "/meetings/{uuid}/meeting_summary", f"/meetings/{uuid}/meeting_summary")
    if "surveys" in config.content:
        if number:
            add("survey_definition", f"/{kind}/{{id}}/survey", f"/{kind}/{number}/survey")
        add("survey_report", f"/report/{kind}/{{uuid}}/survey", f"/report/{kind}/{uuid}/survey")
    return out
