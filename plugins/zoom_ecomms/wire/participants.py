"""Past meeting details and the three participant lists: past (``/past_meetings|
past_webinars/{id}/participants``), report (``/report/...``) and dashboard
(``/metrics/...``), after Zoom's published schemas of each."""

from __future__ import annotations

import msgspec

from plugins.zoom_ecomms.wire.base import ZoomModel

__all__ = [
    "AudioCall",
    "DashboardParticipant",
    "DashboardParticipantsPage",
    "PastMeeting",
    "PastParticipant",
    "PastParticipantsPage",
    "ReportParticipant",
    "ReportParticipantsPage",
]


class PastMeeting(ZoomModel):
    """``GET /past_meetings/{meetingId}``: the instance as it ran (``duration`` in minutes)."""

    id: int | str | None = None
    uuid: str = ""
    duration: int | None = None
    start_time: str = ""
    end_time: str = ""
    host_id: str = ""
    dept: str = ""
    participants_count: int | None = None
    source: str = ""
    topic: str = ""
    total_minutes: int | None = None
    type: int | None = None
    user_email: str = ""
    user_name: str = ""
    has_meeting_summary: bool | None = None


class PastParticipant(ZoomModel):
    """One item of the past meeting / webinar participants list.

    ``id`` is the user id of a signed-in user; ``user_id`` the per-meeting participant id;
    ``user_email`` is ``""`` for people outside the account unless Zoom's display rules allow.
    """

    id: str = ""
    name: str = ""
    user_id: str = ""
    registrant_id: str = ""
    user_email: str = ""
    join_time: str = ""
    leave_time: str = ""
    duration: int | float | None = None
    failover: bool | None = None
    status: str = ""
    internal_user: bool | None = None


class _Page(ZoomModel):
    page_count: int | None = None
    page_size: int | None = None
    total_records: int | None = None
    next_page_token: str = ""


class PastParticipantsPage(_Page):
    """One page of past meeting / webinar participants."""

    participants: list[PastParticipant] = msgspec.field(default_factory=list)


class ReportParticipant(PastParticipant):
    """One item of the report participants list (``bo_mtg_id``: the breakout room)."""

    customer_key: str = ""
    bo_mtg_id: str = ""
    participant_user_id: str = ""


class ReportParticipantsPage(_Page):
    """One page of report meeting / webinar participants."""

    participants: list[ReportParticipant] = msgspec.field(default_factory=list)


class AudioCall(ZoomModel):
    """A phone leg of a dashboard participant."""

    call_number: str = ""
    call_type: str = ""
    zoom_number: str = ""


class DashboardParticipant(ZoomModel):
    """One item of the dashboard participants list (``type=past`` / ``pastOne``).

    ``optional_archiving`` is ``no optional archiving``, ``join without archiving`` or
    ``join with archiving``; ``group_id`` is Zoom's ``groupId``.
    """

    id: str = ""
    user_id: str = ""
    participant_uuid: str = ""
    participant_user_id: str = ""
    user_name: str = ""
    email: str = ""
    registrant_id: str = ""
    role: str = ""
    status: str = ""
    join_time: str = ""
    leave_time: str = ""
    leave_reason: str = ""
    device: str = ""
    ip_address: str = ""
    internal_ip_addresses: list[str] = msgspec.field(default_factory=list)
    location: str = ""
    network_type: str = ""
    connection_type: str = ""
    video_connection_type: str = ""
    as_connection_type: str = ""
    data_center: str = ""
    full_data_center: str = ""
    pc_name: str = ""
    domain: str = ""
    mac_addr: str = ""
    harddisk_id: str = ""
    version: str = ""
    client: str = ""
    os: str = ""
    os_version: str = ""
    browser_name: str = ""
    browser_version: str = ""
    device_name: str = ""
    microphone: str = ""
    speaker: str = ""
    camera: str = ""
    recording: bool | None = None
    share_application: bool | None = None
    share_desktop: bool | None = None
    share_whiteboard: bool | None = None
    audio_quality: str = ""
    video_quality: str = ""
    screen_share_quality: str = ""
    customer_key: str = ""
    sip_uri: str = ""
    from_sip_uri: str = ""
    in_room_participants: int | None = None
    bo_mtg_id: str = ""
    audio_call: list[AudioCall] = msgspec.field(default_factory=list)
    group_id: str = msgspec.field(default="", name="groupId")
    has_archiving: bool | None = None
    optional_archiving: str = ""
    total_jointime_cost: int | float | None = None
    aic_disclaimer: str = ""
    zoom_thin_client_plugin_version: str = ""


class DashboardParticipantsPage(_Page):
    """One page of dashboard meeting / webinar participants."""

    meeting_number: int | str | None = None
    webinar_number: int | str | None = None
    participants: list[DashboardParticipant] = msgspec.field(default_factory=list)
