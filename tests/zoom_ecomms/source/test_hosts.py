"""Where the bearer token may go, which ids may stand in a URL path, and the checkpoint's
form (issue 13 item 7, issue 14 item 4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import PayloadError
from plugins.zoom_ecomms.checkpoint import ZoomCheckpoint
from plugins.zoom_ecomms.hosts import bearer_allowed, path_id, unsafe_path

ZOOM = "https://api.zoom.us/v2"
GOV = "https://api.zoomgov.com/v2"


@pytest.mark.parametrize(
    ("url", "api", "allowed"),
    [
        ("https://api.zoom.us/rec/archive/download/1", ZOOM, True),
        ("https://zoom.us/rec/archive/download/1", ZOOM, True),
        ("https://us06web.zoom.us/rec/archive/attached/download/1", ZOOM, True),
        ("http://zoom.us/rec/archive/download/1", ZOOM, False),  # never over plain HTTP
        ("https://evilzoom.us/x", ZOOM, False),
        ("https://zoom.us.example.com/x", ZOOM, False),
        ("https://storage.example.com/presigned?sig=1", ZOOM, False),
        ("https://zoomgov.com/rec/archive/download/1", ZOOM, False),  # not a ZoomGov account
        ("https://zoomgov.com/rec/archive/download/1", GOV, True),
        ("https://files.zoomgov.com/rec/archive/download/1", GOV, True),
        ("http://127.0.0.1:9/rec/archive/download/1", "http://127.0.0.1:8/v2", True),
        ("http://localhost:8/rec/x", "http://127.0.0.1:8/v2", False),  # another host name
        ("http://10.0.0.5/rec/x", "http://10.0.0.5/v2", False),  # not loopback
        ("ftp://zoom.us/x", ZOOM, False),
    ],
)
def test_the_token_goes_only_to_zoom_over_https(url, api, allowed):
    assert bearer_allowed(url, api) is allowed


@pytest.mark.parametrize("value", ["..", ".", "/", "//", "", "a\x00b", "a\nb", "\x7f"])
def test_unsafe_ids_never_become_path_segments(value):
    with pytest.raises(PayloadError, match="not usable in a URL path"):
        path_id(value, "meeting uuid")


def test_safe_ids_are_encoded_twice():
    assert path_id("/ajXp112QmuoKj4854875==", "uuid") == "%252FajXp112QmuoKj4854875%253D%253D"
    assert path_id("a..b", "uuid") == "a..b" and path_id(815, "id") == "815"
    assert unsafe_path("/past_meetings/../archive_files")
    assert unsafe_path("/past_meetings/%2E%2E/archive_files")
    assert unsafe_path("/past_meetings/%252E%252E/archive_files")
    assert not unsafe_path("/past_meetings/a..b/archive_files")


def test_checkpoints_of_older_versions_load_and_never_move_back():
    old = ZoomCheckpoint.parse('{"from": "2026-11-03T10:00:00Z"}')
    assert old is not None and old.from_ == datetime(2026, 11, 3, 10, tzinfo=UTC)
    assert old.encode() == '{"from":"2026-11-03T10:00:00Z"}'  # readable in `ecomms status`
    earlier = ZoomCheckpoint.at(datetime(2026, 11, 2, tzinfo=UTC))
    assert earlier.at_least(old) is old and old.at_least(earlier) is old
    assert ZoomCheckpoint.parse(None) is None
    with pytest.raises(PayloadError, match="unreadable zoom_ecomms checkpoint"):
        ZoomCheckpoint.parse("from yesterday")
