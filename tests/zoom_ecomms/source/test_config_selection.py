"""Config validation and the media/content selection of archive files."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from core.config import Secret
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.listing import windows
from plugins.zoom_ecomms.models import ArchiveFile, ArchiveMeeting
from plugins.zoom_ecomms.selection import file_name, is_selected, media_type, readiness


def config(**kw) -> ZoomConfig:
    return ZoomConfig(account_id="a", client_id="c", client_secret=Secret("s"), **kw)


def f(file_type: str, recording_type: str = "x", status: str = "completed") -> ArchiveFile:
    return ArchiveFile(
        id="f1",
        file_type=file_type,
        recording_type=recording_type,
        status=status,
        file_extension="MP4",
    )


def test_unknown_key_is_rejected_with_its_name():
    with pytest.raises(msgspec.ValidationError, match="medai"):
        msgspec.convert({"account_id": "a", "client_id": "c", "medai": "video"}, ZoomConfig)


def test_window_longer_than_seven_days_is_refused():
    with pytest.raises(ValueError, match="window_days"):
        config(window_days=8)


def test_secret_never_shows_in_config_repr():
    assert "s3cr3t" not in repr(
        ZoomConfig(account_id="a", client_id="c", client_secret=Secret("s3cr3t"))
    )


def test_media_selection():
    none, audio, video = config(media="none"), config(media="audio"), config(media="video")
    assert not is_selected(f("MP4"), none) and not is_selected(f("M4A"), none)
    assert is_selected(f("M4A"), audio) and not is_selected(f("MP4"), audio)
    assert is_selected(f("M4A"), video) and is_selected(f("MP4"), video)


def test_transcripts_only_when_media_is_not_none():
    transcript = f("TRANSCRIPT", "audio_transcript")
    assert not is_selected(transcript, config(media="none"))
    assert is_selected(transcript, config(media="audio"))
    assert not is_selected(transcript, config(media="audio", content=["chat"]))


def test_content_selection_and_unknown_types_kept():
    only_chat = config(content=["chat"])
    assert is_selected(f("CHAT_MESSAGE"), only_chat) and is_selected(f("CHAT"), only_chat)
    assert not is_selected(f("CC", "closed_caption"), only_chat)
    assert is_selected(f("HOLOGRAM", "spatial_view"), only_chat)
    assert media_type(f("HOLOGRAM")) == "video/mp4"  # by its MP4 extension
    assert media_type(ArchiveFile(id="x", file_type="HOLOGRAM", file_extension="XYZ")) == (
        "application/octet-stream"
    )
    assert file_name(ArchiveFile(id="a/b", file_extension="VTT")) == "a_b.vtt"


def test_readiness_waits_for_processing_selected_files_only():
    cfg = config(media="none")
    files = [f("MP4", status="processing"), f("CHAT_MESSAGE")]
    meeting = ArchiveMeeting(uuid="u", status="processing", archive_files=files)
    assert readiness(meeting, cfg) == "ready"  # the processing MP4 is not selected
    assert readiness(meeting, config(media="video")) == "pending"
    files[1].status = "failed"
    assert readiness(meeting, cfg) == "ready"
    assert readiness(ArchiveMeeting(uuid="u", status="processing"), cfg) == "pending"


def test_urls_must_be_https_except_for_loopback_test_servers():
    with pytest.raises(ValueError, match="api_base_url must be an https:// URL"):
        config(api_base_url="http://api.zoom.us/v2")
    with pytest.raises(ValueError, match="oauth_token_url must be an https:// URL"):
        config(oauth_token_url="http://zoom.us/oauth/token")
    assert config(api_base_url="http://127.0.0.1:8080/v2").api_base_url
    assert config(api_base_url="http://[::1]:8080/v2", oauth_token_url="http://localhost/t")


def test_bounds_are_validated():
    with pytest.raises(ValueError, match="deadlines must be positive"):
        config(request_deadline_seconds=0)
    with pytest.raises(ValueError, match="max_response_mb"):
        config(max_response_mb=0)
    with pytest.raises(ValueError, match="gap_retry_hours"):
        config(gap_retry_hours=-1)


def test_windows_cover_the_range_in_steps_of_at_most_seven_days():
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 20, 12, tzinfo=UTC)
    spans = list(windows(start, end, 7))
    assert spans[0][0] == start and spans[-1][1] == end
    assert all((b - a).days <= 7 for a, b in spans)
    assert all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))
