"""Generated content: JSON and TXT chat, VTT transcripts/captions, per-participant audio."""

from __future__ import annotations

import base64
import json
import re

TXT_LINE = re.compile(r"^\d\d:\d\d:\d\d From .+ to .+:( .+)?$")


def _files(api, file_type):
    return [
        (m, f)
        for m in api.all_meetings()
        for f in m["archive_files"]
        if f["file_type"] == file_type and f["status"] == "completed"
    ]


def _messages(api):
    chats = []
    for meeting, f in _files(api, "CHAT_MESSAGE"):
        body = api.download(f).json()
        assert body["uuid"] == meeting["uuid"]
        assert f["number_of_messages"] == len(body["messages"])
        chats.append((meeting, body["messages"]))
    return chats


def _text(value):
    return base64.b64decode(value).decode()


def test_json_chat_covers_every_message_type_with_base64_fields(api):
    chats = _messages(api)
    all_messages = [msg for _, messages in chats for msg in messages]
    assert {msg["msg_type"] for msg in all_messages} == set(range(1, 8))
    for msg in all_messages:
        _text(msg["s_name"])
        if msg["msg_type"] == 5:
            assert msg["msg_content"].isdigit()
        elif "msg_content" in msg:
            assert _text(msg["msg_content"])
        if msg["msg_type"] in (3, 6):
            assert _text(msg["original_msg_id"])
        if msg["msg_type"] == 7:
            assert _text(msg["parent_msg_id"])
        if "msg_extended_type" in msg:
            assert re.fullmatch(r"0[1-5]0[1-5]0[1-3]000[1-7]00", msg["msg_extended_type"])


def test_json_chat_has_private_group_waiting_room_and_breakout_chat(api):
    chats = _messages(api)
    kinds = {msg.get("msg_extended_type", "")[8:10] for _, messages in chats for msg in messages}
    assert {"01", "04", "05", "06", "07"} <= kinds
    senders = {msg.get("msg_extended_type", "")[:2] for _, messages in chats for msg in messages}
    assert {"01", "02", "03", "04"} <= senders
    group = [msg for _, messages in chats for msg in messages if "private_group_id" in msg]
    by_group: dict[str, set[str]] = {}
    for msg in group:
        by_group.setdefault(msg["private_group_id"], set()).add(_text(msg["s_name"]))
    assert any(len(names) >= 3 for names in by_group.values())
    breakout = [m for m, _ in chats if m["is_breakout_room"]]
    assert breakout


def test_json_chat_has_files_rich_text_unicode_and_empty_emails(api):
    messages = [msg for _, batch in _messages(api) for msg in batch]
    assert any(msg.get("files") for msg in messages)
    assert any(msg.get("rich_text") for msg in messages)
    names = {_text(msg["s_name"]) for msg in messages}
    assert any(not name.isascii() for name in names)
    assert any(_text(msg["s_email"]) == "" for msg in messages)


def test_chat_mentions_phrases_a_policy_must_flag(api):
    texts = [
        _text(msg["msg_content"])
        for _, batch in _messages(api)
        for msg in batch
        if msg["msg_type"] != 5 and "msg_content" in msg
    ]
    joined = "\n".join(texts)
    assert "guarantee you will make money" in joined or "sure thing" in joined
    assert "WhatsApp" in joined or "keep this between us" in joined


def test_txt_chat_lines(api):
    files = _files(api, "CHAT")
    assert files
    continued = 0
    for _, f in files:
        text = api.download(f).text
        lines = text.rstrip("\n").split("\n")
        for line in lines:
            if line.startswith("\t"):
                continued += 1
                continue
            assert TXT_LINE.match(line), line
        assert f["number_of_messages"] == len([ln for ln in lines if not ln.startswith("\t")])
        assert " to Everyone:" in text
    assert continued


def test_vtt_transcripts_and_captions_have_speaker_cues(api):
    for file_type in ("TRANSCRIPT", "CC"):
        files = _files(api, file_type)
        assert files
        for _, f in files:
            assert (
                f["recording_type"]
                == {"TRANSCRIPT": "audio_transcript", "CC": "closed_caption"}[file_type]
            )
            text = api.download(f).text
            assert text.startswith("WEBVTT\n\n")
            cues = re.findall(r"\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n(.+): (.+)", text)
            assert len(cues) >= 8


def test_per_participant_audio_names_the_participant(api):
    individual = [f for _, f in _files(api, "M4A") if f["individual"]]
    assert individual
    assert all("participant_email" in f for f in individual)
    assert any(f["participant_email"].endswith("@sim-bank.example.com") for f in individual)
    assert len({f["participant_join_time"] for f in individual}) > 1
    whole = [f for _, f in _files(api, "M4A") if not f["individual"]]
    assert whole and all("participant_email" not in f for f in whole)


def test_unknown_file_types_only_behind_the_flag(zoom_simulator_factory, api_factory):
    known = {"MP4", "M4A", "CHAT", "CHAT_MESSAGE", "CC", "TRANSCRIPT"}
    plain = api_factory(zoom_simulator_factory())
    assert {f["file_type"] for m in plain.all_meetings() for f in m["archive_files"]} <= known
    flagged = api_factory(zoom_simulator_factory(unknown_types=True))
    extra = [
        f for m in flagged.all_meetings() for f in m["archive_files"] if f["file_type"] not in known
    ]
    assert extra
    activity = next(f for f in extra if f["file_extension"] == "JSON")
    assert "archiving_start_time" in json.loads(flagged.download(activity).content)
