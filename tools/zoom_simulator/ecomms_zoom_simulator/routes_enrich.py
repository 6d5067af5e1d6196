"""Enrichment endpoints of a meeting or webinar instance (ZOOM_API §6.2, §6.3, §6.5–6.8).

Meeting endpoints refuse webinars and the reverse (404 / 3001). Data that does not exist
answers as Zoom does for lists (empty list) and 404 / 3001 for a missing summary or survey.
"""

from __future__ import annotations

from ecomms_zoom_simulator.extras import iso
from ecomms_zoom_simulator.faults import Faults
from ecomms_zoom_simulator.http import ApiError, Request, Response, decode_id, json_response
from ecomms_zoom_simulator.model import Meeting
from ecomms_zoom_simulator.payloads import (
    dashboard_participant,
    past_meeting,
    past_participant,
    report_participant,
)
from ecomms_zoom_simulator.refusals import check_dashboard_type, check_lookup, check_report
from ecomms_zoom_simulator.routes_archive import page_size, paginate, window
from ecomms_zoom_simulator.state import State

__all__ = ["ROUTES"]


def find(
    state: State,
    req: Request,
    numeric: bool = False,
    internal: bool = False,
    lookup: bool = False,
    any_kind: bool = False,
) -> Meeting:
    """The instance named by the ``id`` path parameter, of the kind the path says.

    ``lookup``: a past-meeting, report or dashboard lookup, which Zoom refuses for external
    meetings and breakout rooms (:mod:`.refusals`); ``any_kind``: meetings and webinars.
    """
    key = decode_id(req.params["id"])
    head = req.path.split("/")[2:4]
    webinar = head[0].endswith("webinars") or (
        head[0] in ("report", "metrics") and head[1] == "webinars"
    )
    meeting = state.meeting(key) if key and (key.isdigit() or not numeric) else None
    wrong_kind = meeting is not None and meeting.webinar != webinar and not any_kind
    hidden = meeting is not None and internal and meeting.external
    if meeting is None or wrong_kind or (hidden and not (lookup and state.config.refusals)):
        kind = "Webinar" if webinar else "Meeting"
        raise ApiError(404, 3001, f"{kind} does not exist: {key or req.params['id']}.")
    if lookup:
        check_lookup(state.config.refusals, meeting)
    return meeting


def _rooms(state: State, m: Meeting) -> list[Meeting]:
    """The breakout rooms of ``m`` (their attendance shows in the parent's reports)."""
    if not state.config.refusals:
        return []
    return [room for room in state.meetings() if room.parent_uuid == m.uuid]


def _id_fields(m: Meeting, prefix: str) -> dict:
    return {
        f"{prefix}id": m.number if not m.external else 0,
        f"{prefix}uuid": m.uuid,
        "start_time": iso(m.start_time),
    }


def get_past_meeting(state: State, faults: Faults, req: Request) -> Response:
    """``GET /past_meetings/{id}`` (internal meetings)."""
    return json_response(past_meeting(find(state, req, internal=True, lookup=True)))


def _participants(state: State, faults: Faults, req: Request, items: list) -> Response:
    size = page_size(req, 300)
    page, token = paginate(state, faults, req, (size, req.path), items)
    return json_response(
        {
            "page_count": max(1, -(-len(items) // size)),
            "page_size": size,
            "total_records": len(items),
            "next_page_token": token,
            "participants": page,
        }
    )


def past_participants(state: State, faults: Faults, req: Request) -> Response:
    """``GET /past_meetings|past_webinars/{id}/participants`` (none for a one-person meeting)."""
    m = find(state, req, lookup=True)
    items = [past_participant(a) for a in m.attendees] if len(m.attendees) > 1 else []
    return _participants(state, faults, req, items)


def report_participants(state: State, faults: Faults, req: Request) -> Response:
    """``GET /report/meetings|webinars/{id}/participants`` (needs two participants or more)."""
    m = find(state, req, lookup=True)
    check_report(m)
    items = [report_participant(a) for a in m.attendees]
    for room in _rooms(state, m):
        items += [report_participant(a, room.uuid) for a in room.attendees]
    return _participants(state, faults, req, items)


def dashboard_participants(state: State, faults: Faults, req: Request) -> Response:
    """``GET /metrics/meetings|webinars/{id}/participants?type=past`` (Business plan and up)."""
    if state.plan not in ("business", "unlimited"):
        raise ApiError(400, 200, "Only available for Business plan or higher.")
    m = find(state, req, lookup=True)
    check_dashboard_type(state.config.refusals, m, req.arg("type") or "live")
    items = [dashboard_participant(a, i, m.webinar) for i, a in enumerate(m.attendees)]
    for room in _rooms(state, m):
        rows = enumerate(room.attendees)
        items += [dashboard_participant(a, i, False, room.uuid) for i, a in rows]
    return _participants(state, faults, req, items)


def poll_definitions(state: State, faults: Faults, req: Request) -> Response:
    """``GET /meetings|webinars/{id}/polls`` (numeric id)."""
    m = find(state, req, numeric=True)
    return json_response({"total_records": len(m.polls), "polls": m.polls})


def poll_results(state: State, faults: Faults, req: Request) -> Response:
    """``GET /past_meetings|past_webinars/{id}/polls``."""
    m = find(state, req, lookup=True)
    return json_response({**_id_fields(m, ""), "questions": m.poll_answers})


def qa(state: State, faults: Faults, req: Request) -> Response:
    """``GET /past_meetings|past_webinars/{id}/qa``."""
    m = find(state, req, lookup=True)
    return json_response({**_id_fields(m, ""), "questions": m.qa})


def panelists(state: State, faults: Faults, req: Request) -> Response:
    """``GET /webinars/{id}/panelists`` (numeric id)."""
    m = find(state, req, numeric=True)
    items = [
        {
            "id": p.user_id,
            "email": p.email,
            "name": p.name,
            "join_url": f"https://zoom.us/w/{m.number}?tk=sim",
            "virtual_background_id": "",
            "name_tag_id": "",
            "name_tag_name": p.name,
            "name_tag_pronouns": "",
            "name_tag_description": p.dept,
        }
        for p in m.panelists
    ]
    return json_response({"total_records": len(items), "panelists": items})


def survey_definition(state: State, faults: Faults, req: Request) -> Response:
    """``GET /meetings|webinars/{id}/survey`` (numeric id)."""
    m = find(state, req, numeric=True)
    if m.survey is None:
        raise ApiError(404, 3001, f"Survey does not exist for {m.number}.")
    body = {
        "custom_survey": m.survey,
        "show_in_the_browser": True,
        "third_party_survey": "",
    }
    if m.webinar:
        body["show_in_the_follow_up_email"] = True
    return json_response(body)


def survey_report(state: State, faults: Faults, req: Request) -> Response:
    """``GET /report/meetings|webinars/{id}/survey``."""
    m = find(state, req, lookup=True)
    if m.survey is None:
        raise ApiError(404, 3001, f"Survey does not exist for {m.uuid}.")
    prefix = "webinar_" if m.webinar else "meeting_"
    return json_response(
        {
            **_id_fields(m, prefix),
            "survey_id": f"sv-{m.number}",
            "survey_name": m.survey["title"],
            "survey_answers": m.survey_answers,
        }
    )


def _summary_head(m: Meeting) -> dict:
    s = m.summary or {}
    return {
        "meeting_host_id": m.host.user_id,
        "meeting_host_email": m.host.email,
        "meeting_uuid": m.uuid,
        "meeting_id": m.number,
        "meeting_topic": m.topic,
        "meeting_start_time": iso(m.start_time),
        "meeting_end_time": iso(m.end_time),
        **{
            k: s[k]
            for k in (
                "summary_start_time",
                "summary_end_time",
                "summary_created_time",
                "summary_last_modified_time",
            )
        },
    }


def summary(state: State, faults: Faults, req: Request) -> Response:
    """``GET /meetings/{id}/meeting_summary`` (id or UUID; meetings and webinars alike)."""
    m = find(state, req, internal=True, any_kind=True)
    if m.summary is None:
        raise ApiError(404, 3001, f"Meeting summary does not exist for {m.uuid}.")
    return json_response({**_summary_head(m), **m.summary})


def summaries(state: State, faults: Faults, req: Request) -> Response:
    """``GET /meetings/meeting_summaries`` over meetings started in ``from``..``to``."""
    start, to = window(state, req)
    size = page_size(req, 300)
    items = [
        _summary_head(m)
        for m in state.meetings()
        if m.summary is not None and start <= m.start_time <= to
    ]
    page, token = paginate(state, faults, req, (size, iso(start), iso(to)), items)
    return json_response(
        {
            "page_size": size,
            "next_page_token": token,
            "from": iso(start),
            "to": iso(to),
            "summaries": page,
        }
    )


_ID = r"(?P<id>[^/]+)"
ROUTES = [
    ("GET", "/v2/meetings/meeting_summaries", summaries, "list_summaries"),
    ("GET", f"/v2/meetings/{_ID}/meeting_summary", summary, "get_summary"),
    ("GET", f"/v2/past_meetings/{_ID}", get_past_meeting, "past_meeting"),
    (
        "GET",
        f"/v2/past_meetings/{_ID}/participants",
        past_participants,
        "past_meeting_participants",
    ),
    (
        "GET",
        f"/v2/past_webinars/{_ID}/participants",
        past_participants,
        "past_webinar_participants",
    ),
    (
        "GET",
        f"/v2/report/meetings/{_ID}/participants",
        report_participants,
        "report_meeting_participants",
    ),
    (
        "GET",
        f"/v2/report/webinars/{_ID}/participants",
        report_participants,
        "report_webinar_participants",
    ),
    (
        "GET",
        f"/v2/metrics/meetings/{_ID}/participants",
        dashboard_participants,
        "dashboard_meeting_participants",
    ),
    (
        "GET",
        f"/v2/metrics/webinars/{_ID}/participants",
        dashboard_participants,
        "dashboard_webinar_participants",
    ),
    ("GET", f"/v2/meetings/{_ID}/polls", poll_definitions, "meeting_polls"),
    ("GET", f"/v2/webinars/{_ID}/polls", poll_definitions, "webinar_polls"),
    ("GET", f"/v2/past_meetings/{_ID}/polls", poll_results, "meeting_poll_results"),
    ("GET", f"/v2/past_webinars/{_ID}/polls", poll_results, "webinar_poll_results"),
    ("GET", f"/v2/past_meetings/{_ID}/qa", qa, "meeting_qa"),
    ("GET", f"/v2/past_webinars/{_ID}/qa", qa, "webinar_qa"),
    ("GET", f"/v2/webinars/{_ID}/panelists", panelists, "list_panelists"),
    ("GET", f"/v2/meetings/{_ID}/survey", survey_definition, "meeting_survey"),
    ("GET", f"/v2/webinars/{_ID}/survey", survey_definition, "webinar_survey"),
    ("GET", f"/v2/report/meetings/{_ID}/survey", survey_report, "report_meeting_survey"),
    ("GET", f"/v2/report/webinars/{_ID}/survey", survey_report, "report_webinar_survey"),
]
