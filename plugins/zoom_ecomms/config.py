"""Configuration of the Zoom eComms source (``[sources.zoom_ecomms]``, DESIGN §4.1)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from core.config import Secret
from plugins.zoom_ecomms.hosts import check_base_url

__all__ = ["CONTENT_KINDS", "ZoomConfig"]

Content = Literal["chat", "polls", "qa", "summary", "surveys", "transcripts", "closed_captions"]

CONTENT_KINDS: tuple[Content, ...] = (
    "chat",
    "polls",
    "qa",
    "summary",
    "surveys",
    "transcripts",
    "closed_captions",
)


class ZoomConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Settings of one Zoom account's capture.

    ``media`` selects audio/video files (``video`` means video and audio); ``content`` the
    other archive contents and enrichments. Transcripts are captured only when ``media`` is
    not ``none``. ``auto_delete`` tags each verified, committed file for deletion at Zoom;
    ``delete_mode`` additionally deletes a meeting's archive files once every one of them is
    committed (needs the recording write scopes). ``lookback_hours`` re-lists that much
    before the checkpoint to catch late completions; ``rate_share`` is the fraction of the
    account's per-second quota this process may use (other apps share the quota);
    ``workers`` meetings are captured at once (units are still yielded in order).
    ``display_name`` labels the account in findings and logs. ``enabled`` is a host-level
    key: the host consumes it and never builds a disabled source, so it is not a field here.
    ``webhook_port`` (with ``webhook_secret``) starts the webhook receiver on
    ``webhook_host`` so a ``recording.archive_files_completed`` event triggers an early poll.

    Bounds (docs/zoom.md §5): ``timeout_seconds`` per socket operation; every API call ends
    within ``request_deadline_seconds`` and every page loop (a listing window, a paginated
    lookup) within ``pages_deadline_seconds``; a download gets ``request_deadline_seconds``
    plus one second per ``download_min_bytes_per_second`` bytes of its size. An API answer
    larger than ``max_response_mb`` once decompressed is an error for that call.
    ``gap_retry_hours`` is how long a failed optional lookup is retried on later passes, the
    first time ``gap_retry_after_minutes`` after the capture, then at doubling intervals.
    """

    account_id: str
    client_id: str
    client_secret: Secret
    display_name: str = "Zoom"
    groups: list[str] = msgspec.field(default_factory=list)
    media: Literal["none", "audio", "video"] = "none"
    content: list[Content] = msgspec.field(default_factory=lambda: list(CONTENT_KINDS))
    auto_delete: bool = False
    delete_mode: bool = False
    plan: Literal["pro", "business"] = "business"
    capture_from: datetime | None = None
    api_base_url: str = "https://api.zoom.us/v2"
    oauth_token_url: str = "https://zoom.us/oauth/token"
    lookback_hours: float = 24.0
    window_days: int = 7
    page_size: int = 300
    timeout_seconds: float = 60.0
    request_deadline_seconds: float = 300.0
    pages_deadline_seconds: float = 1800.0
    download_min_bytes_per_second: int = 100_000
    max_response_mb: int = 32
    gap_retry_hours: float = 72.0
    gap_retry_after_minutes: float = 15.0
    max_attempts: int = 6
    download_attempts: int = 3
    rate_share: float = 0.95
    workers: int = 4
    webhook_secret: Secret | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.window_days <= 7:
            raise ValueError("window_days must be between 1 and 7 (Zoom's listing limit)")
        if not 1 <= self.page_size <= 300:
            raise ValueError("page_size must be between 1 and 300")
        if not 0 < self.rate_share <= 1:
            raise ValueError("rate_share must be in (0, 1]")
        if self.lookback_hours < 0:
            raise ValueError("lookback_hours must not be negative")
        if not 1 <= self.workers <= 32:
            raise ValueError("workers must be between 1 and 32")
        for url, key in (
            (self.api_base_url, "api_base_url"),
            (self.oauth_token_url, "oauth_token_url"),
        ):
            check_base_url(url, key)
        if (
            min(self.timeout_seconds, self.request_deadline_seconds, self.pages_deadline_seconds)
            <= 0
        ):
            raise ValueError("timeouts and deadlines must be positive")
        if self.download_min_bytes_per_second < 1 or not 1 <= self.max_response_mb <= 4096:
            raise ValueError(
                "download_min_bytes_per_second must be at least 1 and max_response_mb 1-4096"
            )
        if not 0 <= self.gap_retry_hours <= 24 * 30:
            raise ValueError("gap_retry_hours must be between 0 and 720 (Zoom keeps 30 days)")
        if not 0 <= self.gap_retry_after_minutes <= 12 * 60:
            raise ValueError("gap_retry_after_minutes must be between 0 and 720")
        if self.max_attempts < 1 or self.download_attempts < 1:
            raise ValueError("max_attempts and download_attempts must be at least 1")
        if self.webhook_port is not None:
            if not 0 <= self.webhook_port <= 65535:
                raise ValueError("webhook_port must be between 0 and 65535 (0 = any free port)")
            if self.webhook_secret is None:
                raise ValueError("webhook_port needs webhook_secret (the app's secret token)")
