"""Zoom-shaped JSON views of the simulated account (ZOOM_API §2.4, §2.5, §6)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ecomms_zoom_simulator.attachments import physical_file
from ecomms_zoom_simulator.extras import iso
from ecomms_zoom_simulator.model import Account, ArchiveFile, Attendance, Meeting
from ecomms_zoom_simulator.people import Person

__all__ = [
    "archive_file",
    "dashboard_participant",
    "meeting_object",
    "past_meeting",
    "past_participant",
    "report_participant",
    "user_object",
]


def archive_file(f: ArchiveFile, download_base: str) -> dict[str, Any]:
    """The archive file object; a failed file has no bytes to offer."""
    failed = f.status == "failed"
    body: dict[str, Any] = {
        "id": f.id,
        "file_type": f.file_type,
        "file_extension": f.extension,
        "file_size": 0 if failed else f.blob.size,
        "download_url": f"{download_base}/rec/archive/download/{quote(f.id, safe='')}",
        "status": f.status,
        "recording_type": f.recording_type,
        "individual": f.individual,
        "participant_join_time": iso(f.join_time),
        "participant_leave_time": iso(f.leave_time),
        "encryption_fingerprint": "" if failed else f.blob.sha256(),
        "auto_delete": f.auto_delete,
    }
    if f.individual:
        body["participant_email"] = f.participant_email
    if f.number_of_messages is not None:
        body["number_of_messages"] = f.number_of_messages
    return body


def meeting_object(account: Account, m: Meeting, download_base: str) -> dict[str, Any]:
    """The archive meeting object; external meetings lack ``id``, ``host_id`` and ``topic``."""
    files = [archive_file(f, download_base) for f in m.files]
    body: dict[str, Any] = {"uuid": m.uuid}
    if not m.external:
        body.update(id=m.number, host_id=m.host.user_id, topic=m.topic)
    body.update(
        type=m.type,
        start_time=iso(m.start_time),
        timezone=m.timezone,
        duration=(m.duration_s + 59) // 60,
        duration_in_second=m.duration_s,
        total_size=sum(f["file_size"] for f in files),
        recording_count=len(files),
        meeting_type="external" if m.external else "internal",
        account_name=account.name,
        complete_time=iso(m.complete_time) if m.complete_time else "",
        is_breakout_room=m.is_breakout,
        status=m.status,
        group_id=m.group_id,
        archive_files=files,
    )
    if m.attachments:
        body["physical_files"] = [physical_file(a, download_base) for a in m.attachments]
    if m.is_breakout:
        body["parent_meeting_id"] = m.parent_uuid
    return body


def past_meeting(m: Meeting) -> dict[str, Any]:
    """``GET /past_meetings/{id}``."""
    return {
        "id": m.number,
        "uuid": m.uuid,
        "duration": (m.duration_s + 59) // 60,
        "start_time": iso(m.start_time),
        "end_time": iso(m.end_time),
        "host_id": m.host.user_id,
        "dept": m.host.dept,
        "participants_count": len(m.attendees),
        "source": "Zoom",
        "topic": m.topic,
        "total_minutes": sum(int((a.leave_time - a.join_time).total_seconds()) for a in m.attendees)
        // 60,
        "type": m.type if m.type in (0, 1, 2, 3, 4, 7, 8) else 2,
        "user_email": m.host.email,
        "user_name": m.host.name,
        "has_meeting_summary": m.summary is not None,
    }


def _seconds(a: Attendance) -> int:
    return int((a.leave_time - a.join_time).total_seconds())


def past_participant(a: Attendance) -> dict[str, Any]:
    """One item of past meeting/webinar participants."""
    return {
        "id": a.person.user_id,
        "name": a.person.name,
        "user_id": a.user_id,
        "registrant_id": "",
        "user_email": a.person.email,
        "join_time": iso(a.join_time),
        "leave_time": iso(a.leave_time),
        "duration": _seconds(a),
        "failover": False,
        "status": "in_meeting",
        "internal_user": a.person.internal,
    }


def report_participant(a: Attendance, bo_mtg_id: str = "") -> dict[str, Any]:
    """One item of report meeting/webinar participants (``bo_mtg_id``: in that room)."""
    return {
        "customer_key": "",
        "duration": _seconds(a),
        "failover": False,
        "id": a.person.user_id,
        "join_time": iso(a.join_time),
        "leave_time": iso(a.leave_time),
        "name": a.person.name,
        "registrant_id": "",
        "status": "in_meeting",
        "user_email": a.person.email,
        "user_id": a.user_id,
        "bo_mtg_id": bo_mtg_id,
        "participant_user_id": a.person.user_id,
    }


def leave_reason(a: Attendance, index: int, webinar: bool) -> str:
    """One of Zoom's documented ``leave_reason`` values (with its literal ``$name``)."""
    what = "webinar" if webinar else "meeting"
    if a.role == "host":
        return f"Host ended the {what}."
    if index % 4 == 3:
        return f"$name got disconnected from the {what}."
    return f"$name left the {what}."


def dashboard_participant(
    a: Attendance, index: int, webinar: bool = False, bo_mtg_id: str = ""
) -> dict[str, Any]:
    """One item of dashboard (metrics) participants, with the archiving indicators."""
    return {
        "id": a.person.user_id,
        "user_id": a.user_id,
        "participant_uuid": a.participant_uuid,
        "participant_user_id": a.person.user_id,
        "user_name": a.person.name,
        "email": a.person.email,
        "registrant_id": "",
        "role": a.role,
        "status": "in_meeting",
        "join_time": iso(a.join_time),
        "leave_time": iso(a.leave_time),
        "leave_reason": leave_reason(a, index, webinar),
        "device": ("Mac", "Windows", "iOS")[index % 3],
        "ip_address": f"10.20.{index}.{10 + index}" if a.person.internal else "",
        "location": "New York (US)",
        "network_type": "Wifi",
        "data_center": "US",
        "version": "6.2.5",
        "microphone": "Built-in",
        "speaker": "Built-in",
        "camera": "FaceTime HD",
        "recording": False,
        "share_application": False,
        "share_desktop": index == 0,
        "share_whiteboard": False,
        "audio_quality": "good",
        "video_quality": "good",
        "screen_share_quality": "",
        "customer_key": "",
        "bo_mtg_id": bo_mtg_id,
        "audio_call": [],
        "groupId": a.person.group_id,
        "has_archiving": True,
        "optional_archiving": a.optional_archiving,
        "aic_disclaimer": "agree",
    }


def user_object(account: Account, u: Person, detail: bool) -> dict[str, Any]:
    """A user, as listed (``detail`` False) or as ``GET /users/{id}`` returns it."""
    body: dict[str, Any] = {
        "id": u.user_id,
        "email": u.email,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "display_name": u.name,
        "type": 2,
        "status": "active",
        "dept": u.dept,
        "group_ids": [u.group_id],
        "role_id": "2",
        "pmi": u.pmi,
        "timezone": "America/New_York",
        "verified": 1,
        "created_at": "2024-03-01T09:00:00Z",
        "user_created_at": "2024-03-01T09:00:00Z",
        "last_login_time": "2026-10-14T08:00:00Z",
        "language": "en-US",
    }
    if detail:
        body.update(
            account_id=account.id,
            company=account.name,
            job_title=f"{u.dept} associate",
            role_name="Member",
            use_pmi=False,
            login_types=[100],
            cluster="us05",
        )
    return body
