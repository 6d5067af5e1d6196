"""WebVTT transcripts and captions: cues with speaker and time."""

from __future__ import annotations

import pytest

from core.errors import PayloadError
from plugins.zoom_ecomms.transform.vtt import parse_vtt
from tests.zoom_ecomms.transform.zoomdata import DATA


def test_transcript_cues_with_speakers_and_ids() -> None:
    segments = parse_vtt((DATA / "transcript.vtt").read_bytes(), "transcript file t", [])
    assert [(s.id, s.start, s.end, s.speaker) for s in segments] == [
        ("1", 1.0, 4.5, "Alice Smith"),
        ("2", 5.0, 9.25, "Bob Jones"),
        ("3", 10.0, 12.0, "李雷 🚀"),
        ("4", 62.5, 65.0, "Alice Smith"),
    ]
    assert segments[1].text == "I think rates go up in December.\nNot financial advice."
    assert segments[3].text == "Next item: settlement."  # only the speaker prefix is split


def test_no_speaker_labels_means_no_speakers_invented() -> None:
    segments = parse_vtt((DATA / "captions.vtt").read_bytes(), "captions file c", [])
    assert [s.speaker for s in segments] == ["", "", ""]
    assert segments[1].text == "Note the time: five o'clock."
    assert [s.id for s in segments] == ["", "", ""]


def test_short_times_notes_settings_and_missing_blank_after_header() -> None:
    data = (
        b"WEBVTT\n00:01.000 --> 00:02.500 align:start\nAnn: hi\n\n"
        b"NOTE this is a comment\n\n01:00:00.000 --> 01:00:01.000\nBo: bye\n"
    )
    segments = parse_vtt(data, "cc", [])
    assert [(s.start, s.end, s.speaker, s.text) for s in segments] == [
        (1.0, 2.5, "Ann", "hi"), (3600.0, 3601.0, "Bo", "bye"),
    ]  # fmt: skip


def test_a_file_without_the_header_is_not_vtt() -> None:
    with pytest.raises(PayloadError) as caught:
        parse_vtt(b"00:00:01.000 --> 00:00:02.000\nhi\n", "captions file cc-9", [])
    assert str(caught.value) == "captions file cc-9: line 1: missing the WEBVTT header"


GOOD_CUE = b"\n\n9\n00:00:09.000 --> 00:00:10.000\nBo: still here\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"WEBVTT\n\n1\n00:00:01 --> 00:00:02\nhi", "line 4: bad cue timing '00:00:01 -->"),
        (b"WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nhi", "line 3: cue ends before it starts"),
        (b"WEBVTT\n\n1", "line 3: cue without a timing line"),
    ],
)
def test_a_broken_cue_costs_only_that_cue(data: bytes, expected: str) -> None:
    errors: list[str] = []
    segments = parse_vtt(data + GOOD_CUE, "captions file cc-9", errors)
    assert [(s.id, s.speaker, s.text) for s in segments] == [("9", "Bo", "still here")]
    [error] = errors
    assert error.startswith(f"captions file cc-9: {expected}")


def test_bytes_that_are_not_utf8_are_named_and_the_rest_read() -> None:
    errors: list[str] = []
    data = b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAnn: caf\xe9" + GOOD_CUE
    segments = parse_vtt(data, "captions file cc-9", errors)
    assert [s.text for s in segments] == ["caf\ufffd", "still here"]
    assert errors == ["captions file cc-9: byte 48: not UTF-8 text (shown as U+FFFD)"]
