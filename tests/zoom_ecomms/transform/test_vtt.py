"""WebVTT transcripts and captions: cues with speaker and time."""

from __future__ import annotations

import pytest

from core.errors import PayloadError
from plugins.zoom_ecomms.transform.vtt import parse_vtt
from tests.zoom_ecomms.transform.zoomdata import DATA


def test_transcript_cues_with_speakers_and_ids() -> None:
    segments = parse_vtt((DATA / "transcript.vtt").read_bytes(), "transcript file t")
    assert [(s.id, s.start, s.end, s.speaker) for s in segments] == [
        ("1", 1.0, 4.5, "Alice Smith"),
        ("2", 5.0, 9.25, "Bob Jones"),
        ("3", 10.0, 12.0, "李雷 🚀"),
        ("4", 62.5, 65.0, "Alice Smith"),
    ]
    assert segments[1].text == "I think rates go up in December.\nNot financial advice."
    assert segments[3].text == "Next item: settlement."  # only the speaker prefix is split


def test_no_speaker_labels_means_no_speakers_invented() -> None:
    segments = parse_vtt((DATA / "captions.vtt").read_bytes(), "captions file c")
    assert [s.speaker for s in segments] == ["", "", ""]
    assert segments[1].text == "Note the time: five o'clock."
    assert [s.id for s in segments] == ["", "", ""]


def test_short_times_notes_settings_and_missing_blank_after_header() -> None:
    data = (
        b"WEBVTT\n00:01.000 --> 00:02.500 align:start\nAnn: hi\n\n"
        b"NOTE this is a comment\n\n01:00:00.000 --> 01:00:01.000\nBo: bye\n"
    )
    segments = parse_vtt(data, "cc")
    assert [(s.start, s.end, s.speaker, s.text) for s in segments] == [
        (1.0, 2.5, "Ann", "hi"), (3600.0, 3601.0, "Bo", "bye"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        (b"00:00:01.000 --> 00:00:02.000\nhi\n", "line 1", "missing the WEBVTT header"),
        (b"WEBVTT\n\n1\n00:00:01 --> 00:00:02\nhi\n", "line 4", "bad cue timing"),
        (b"WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nhi\n", "line 3", "ends before it starts"),
        (b"WEBVTT\n\n\xff\xfe\n", "byte", "not UTF-8"),
    ],
)
def test_malformed_vtt_names_file_line_and_reason(data: bytes, field: str, reason: str) -> None:
    with pytest.raises(PayloadError) as caught:
        parse_vtt(data, "captions file cc-9")
    message = str(caught.value)
    assert message.startswith("captions file cc-9: ")
    assert field in message and reason in message
