"""Where past-webinar data comes from besides participants, polls and Q&A (ZOOM_API §0a).

Zoom has no ``GET /past_webinars/{id}`` (an unknown endpoint); a webinar's details come from
``/webinars/{id}`` and ``/report/webinars/{id}``, its instances from
``/past_webinars/{id}/instances`` and its registrants who did not attend from
``/past_webinars/{id}/absentees``. ``/past_meetings/{id}/instances`` is the meetings' twin.
Field sets follow Zoom's API reference; no schema of them is published with the others.
"""

from __future__ import annotations

from ecomms_zoom_simulator.extras import iso
from ecomms_zoom_simulator.faults import Faults
from ecomms_zoom_simulator.http import Request, Response, json_response
from ecomms_zoom_simulator.model import Meeting
from ecomms_zoom_simulator.routes_archive import page_size, paginate
from ecomms_zoom_simulator.routes_enrich import find
from ecomms_zoom_simulator.state import State

__all__ = ["ROUTES"]


def _minutes(m: Meeting) -> int:
    return (m.duration_s + 59) // 60


def get_webinar(state: State, faults: Faults, req: Request) -> Response:
    """``GET /webinars/{id}``: the webinar (its latest instance for a numeric id)."""
    m = find(state, req)
    return json_response(
        {
            "uuid": m.uuid,
            "id": m.number,
            "host_id": m.host.user_id,
            "host_email": m.host.email,
            "topic": m.topic,
            "type": m.type,
            "start_time": iso(m.start_time),
            "duration": _minutes(m),
            "timezone": m.timezone,
            "agenda": "",
            "created_at": iso(m.start_time.replace(hour=0, minute=0, second=0)),
            "join_url": f"https://zoom.us/j/{m.number}",
        }
    )


def report_webinar(state: State, faults: Faults, req: Request) -> Response:
    """``GET /report/webinars/{id}``: the webinar detail report."""
    m = find(state, req, lookup=True)
    attended = sum(int((a.leave_time - a.join_time).total_seconds()) for a in m.attendees)
    return json_response(
        {
            "id": m.number,
            "uuid": m.uuid,
            "type": m.type,
            "topic": m.topic,
            "user_name": m.host.name,
            "user_email": m.host.email,
            "start_time": iso(m.start_time),
            "end_time": iso(m.end_time),
            "duration": _minutes(m),
            "total_minutes": attended // 60,
            "participants_count": len(m.attendees),
            "dept": m.host.dept,
            "custom_keys": [],
        }
    )


def instances(state: State, faults: Faults, req: Request) -> Response:
    """``GET /past_webinars|past_meetings/{id}/instances``: every ended instance of the number."""
    m = find(state, req, lookup=True)
    same = [x for x in state.meetings() if x.number == m.number and not x.is_breakout]
    key = "webinars" if m.webinar else "meetings"
    listed = sorted(same, key=lambda x: x.start_time)
    return json_response({key: [{"uuid": x.uuid, "start_time": iso(x.start_time)} for x in listed]})


def absentees(state: State, faults: Faults, req: Request) -> Response:
    """``GET /past_webinars/{id}/absentees``: registrants who did not attend (none here: the
    simulated webinars take no registration)."""
    find(state, req, lookup=True)
    size = page_size(req, 300)
    page, token = paginate(state, faults, req, (size, req.path), [])
    return json_response(
        {
            "page_count": 1,
            "page_size": size,
            "total_records": 0,
            "next_page_token": token,
            "registrants": page,
        }
    )


_ID = r"(?P<id>[^/]+)"
ROUTES = [
    ("GET", f"/v2/webinars/{_ID}", get_webinar, "get_webinar"),
    ("GET", f"/v2/report/webinars/{_ID}", report_webinar, "report_webinar"),
    ("GET", f"/v2/past_webinars/{_ID}/instances", instances, "past_webinar_instances"),
    ("GET", f"/v2/past_meetings/{_ID}/instances", instances, "past_meeting_instances"),
    ("GET", f"/v2/past_webinars/{_ID}/absentees", absentees, "webinar_absentees"),
]
