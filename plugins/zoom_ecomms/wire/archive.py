"""The Archiving API: archive meetings, archive files, chat attachments, listing, statistics,
and the ``recording.archive_files_completed`` / ``endpoint.url_validation`` webhooks.
Field names and types follow Zoom's published schemas (``archive_files_list``,
``archive_files_meeting``, ``archive_files_statistics``, the Rivet webhook type)."""

from __future__ import annotations

import msgspec

from plugins.zoom_ecomms.wire.base import ZoomModel

__all__ = [
    "WEBINAR_TYPES",
    "ArchiveFile",
    "ArchiveFilesCompleted",
    "ArchiveFilesPage",
    "ArchiveMeeting",
    "ArchiveStatistics",
    "ArchiveWebhookPayload",
    "FileExtensionCounts",
    "FileStatusCounts",
    "PhysicalFile",
    "UrlValidation",
    "UrlValidationPayload",
    "WebhookEnvelope",
]

WEBINAR_TYPES = frozenset({5, 6, 9})


class ArchiveFile(ZoomModel):
    """One ``archive_files[]`` entry: a file Zoom archived for the meeting.

    ``file_type`` is ``MP4``, ``M4A``, ``CHAT``, ``CC``, ``CHAT_MESSAGE`` today (others kept
    as they come); ``status`` ``completed`` / ``processing`` / ``failed``;
    ``encryption_fingerprint`` the SHA-256 hex of the bytes; ``file_path`` replaces
    ``download_url`` on on-prem accounts; ``file_name`` is sent in the webhook only.
    """

    id: str
    file_type: str = ""
    file_extension: str = ""
    file_size: int | None = None
    download_url: str = ""
    file_path: str = ""
    file_name: str = ""
    status: str = ""
    recording_type: str = ""
    individual: bool | None = None
    participant_email: str = ""
    participant_join_time: str = ""
    participant_leave_time: str = ""
    encryption_fingerprint: str = ""
    number_of_messages: int | None = None
    storage_location: str = ""
    auto_delete: bool | None = None


class PhysicalFile(ZoomModel):
    """One ``physical_files[]`` entry: a file shared in the meeting chat (no fingerprint);
    ``download_url`` lies under ``/rec/archive/attached/download/``."""

    file_id: str
    file_name: str = ""
    file_size: int | None = None
    download_url: str = ""


class ArchiveMeeting(ZoomModel):
    """One meeting or webinar *instance* with its archive (listing, per-meeting GET, webhook).

    External meetings (``meeting_type == "external"``) come without ``id``, ``host_id`` and
    ``topic`` (absent, empty or 0: Zoom does not say which, all decode). ``group_id`` is a
    comma-separated list of group ids. ``complete_time`` is ``""`` while processing;
    ``is_breakout_room`` is ``None`` when Zoom leaves it out.
    """

    uuid: str
    id: int | str | None = None
    host_id: str = ""
    topic: str = ""
    type: int | None = None
    start_time: str = ""
    timezone: str = ""
    duration: int | None = None
    duration_in_second: int | None = None
    total_size: int | None = None
    recording_count: int | None = None
    meeting_type: str = ""
    account_name: str = ""
    complete_time: str = ""
    is_breakout_room: bool | None = None
    parent_meeting_id: str = ""
    status: str = ""
    group_id: str = ""
    archive_files: list[ArchiveFile] = msgspec.field(default_factory=list)
    physical_files: list[PhysicalFile] = msgspec.field(default_factory=list)

    @property
    def is_webinar(self) -> bool:
        """True for webinar instances (types 5, 6, 9)."""
        return self.type in WEBINAR_TYPES

    @property
    def is_external(self) -> bool:
        """True when the meeting is hosted outside the account."""
        return self.meeting_type == "external"

    @property
    def number(self) -> int | None:
        """The meeting or webinar number, ``None`` when Zoom removed it (external meetings)."""
        if isinstance(self.id, int) and self.id > 0:
            return self.id
        if isinstance(self.id, str) and self.id.isdigit() and int(self.id) > 0:
            return int(self.id)
        return None


class ArchiveFilesPage(ZoomModel):
    """One page of ``GET /archive_files``; each meeting kept as its raw bytes, decoded alone."""

    from_: str = msgspec.field(default="", name="from")
    to: str = ""
    page_size: int | None = None
    total_records: int | None = None
    next_page_token: str = ""
    meetings: list[msgspec.Raw] = msgspec.field(default_factory=list)


class FileExtensionCounts(ZoomModel):
    """``statistic_by_file_extension`` of the statistics response."""

    mp4_file_count: int = 0
    m4a_file_count: int = 0
    txt_file_count: int = 0
    json_file_count: int = 0
    vtt_file_count: int = 0


class FileStatusCounts(ZoomModel):
    """``statistic_by_file_status`` of the statistics response."""

    processing_file_count: int = 0
    completed_file_count: int = 0
    failed_file_count: int = 0


class ArchiveStatistics(ZoomModel):
    """``GET /archive_files/statistics``: file counts by extension and status."""

    from_: str = msgspec.field(default="", name="from")
    to: str = ""
    total_records: int | None = None
    statistic_by_file_extension: FileExtensionCounts = msgspec.field(
        default_factory=FileExtensionCounts
    )
    statistic_by_file_status: FileStatusCounts = msgspec.field(default_factory=FileStatusCounts)


class WebhookEnvelope(ZoomModel):
    """Any webhook delivery: the event name, its time (epoch ms) and the raw payload
    (``{}`` when absent), to be decoded by the event's own model."""

    event: str = ""
    event_ts: int | float | None = None
    payload: msgspec.Raw = msgspec.Raw(b"{}")


class ArchiveWebhookPayload(ZoomModel):
    """``payload`` of ``recording.archive_files_completed``."""

    account_id: str = ""
    object: ArchiveMeeting | None = None


class ArchiveFilesCompleted(ZoomModel):
    """The ``recording.archive_files_completed`` webhook body."""

    event: str = ""
    event_ts: int | float | None = None
    download_token: str = ""
    payload: ArchiveWebhookPayload = msgspec.field(default_factory=ArchiveWebhookPayload)


class UrlValidationPayload(ZoomModel):
    """``payload`` of ``endpoint.url_validation``."""

    plain_token: str = msgspec.field(default="", name="plainToken")


class UrlValidation(ZoomModel):
    """The ``endpoint.url_validation`` webhook body."""

    event: str = ""
    event_ts: int | float | None = None
    payload: UrlValidationPayload = msgspec.field(default_factory=UrlValidationPayload)
