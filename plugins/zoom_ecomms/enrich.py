"""Enrichment: the payloads that complete an archived meeting, per enabled feature."""

from __future__ import annotations

from typing import Any

from core.errors import PayloadError
from plugins.zoom_ecomms.client import ZoomClient, describe, encode_uuid
from plugins.zoom_ecomms.config import ZoomConfig

__all__ = ["WEBINAR_TYPES", "enrich"]

WEBINAR_TYPES = frozenset({5, 6, 9})
PAGE = {"page_size": 300}


def enrich(client: ZoomClient, meeting: dict[str, Any], config: ZoomConfig) -> dict[str, Any]:
    """Fetch every enrichment payload ``config`` enables for ``meeting``.

    Keys are those of the Unit contract; a key is absent when the data does not exist.
    External meetings (no ``id`` / ``host_id``) skip what needs those fields.
    """
    webinar = meeting.get("type") in WEBINAR_TYPES
    internal = meeting.get("meeting_type") != "external"
    number = meeting.get("id") if internal else None
    host_id = meeting.get("host_id") if internal else None
    kind, past = ("webinars", "past_webinars") if webinar else ("meetings", "past_meetings")
    uuid = encode_uuid(meeting["uuid"])
    out: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        if value is not None:
            out[key] = value

    if internal:
        put("past_meeting", client.get_json(f"/{past}/{uuid}"))
    put("participants", client.collect(f"/{past}/{uuid}/participants", PAGE, "participants"))
    put(
        "report_participants",
        client.collect(f"/report/{kind}/{uuid}/participants", PAGE, "participants"),
    )
    if config.plan == "business":
        put(
            "dashboard_participants",
            client.collect(
                f"/metrics/{kind}/{uuid}/participants", dict(PAGE, type="past"), "participants"
            ),
        )
    if isinstance(host_id, str) and host_id:
        put("host", client.get_json(f"/users/{encode_uuid(host_id)}"))
    if webinar and number:
        put("panelists", _list_field(client, f"/webinars/{number}/panelists", "panelists"))
    _content(client, config, out, put, kind=kind, past=past, uuid=uuid, number=number)
    return out


def _content(client: ZoomClient, config: ZoomConfig, out: dict, put, **ids: Any) -> None:
    kind, past, uuid, number = ids["kind"], ids["past"], ids["uuid"], ids["number"]
    if "polls" in config.content:
        if number:
            put("poll_definitions", client.get_json(f"/{kind}/{number}/polls"))
        put("poll_results", client.get_json(f"/{past}/{uuid}/polls"))
    if "qa" in config.content:
        put("qa", client.get_json(f"/{past}/{uuid}/qa"))
    if "summary" in config.content and kind == "meetings":
        put("summary", client.get_json(f"/meetings/{uuid}/meeting_summary"))
    if "surveys" in config.content:
        if number:
            put("survey_definition", client.get_json(f"/{kind}/{number}/survey"))
        put("survey_report", client.get_json(f"/report/{kind}/{uuid}/survey"))
    for key in ("poll_results", "qa"):
        _check_list(out, key, "questions")
    _check_list(out, "survey_report", "survey_answers")
    _check_list(out, "poll_definitions", "polls")


def _list_field(client: ZoomClient, path: str, key: str) -> list[Any] | None:
    body = client.get_json(path)
    if body is None:
        return None
    items = body.get(key, [])
    if not isinstance(items, list):
        raise PayloadError(f"GET {path}: field '{key}' expected array, got {describe(items)}")
    return items


def _check_list(out: dict[str, Any], payload: str, key: str) -> None:
    body = out.get(payload)
    if body is not None and key in body and not isinstance(body[key], list):
        raise PayloadError(f"{payload}: field '{key}' expected array, got {describe(body[key])}")
