"""The JSON chat (CHAT_MESSAGE) as one threaded conversation (DESIGN §4.4)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.records import ChatRecord, Message
from plugins.zoom_ecomms.transform import build_records
from tests.zoom_ecomms.transform.zoomdata import chat_json_bytes, chat_meta, load, unit_with

UUID = "aBc/12+xyz=="
START = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)


def chat_of(tmp: Path, plain: list[dict] | None = None, data: bytes | None = None, **meeting):
    body = data if data is not None else chat_json_bytes(UUID, plain or load("chat_plain.json"))
    fixture = load("meeting.json")
    fixture.update(meeting)
    records = build_records(unit_with(tmp, [(chat_meta(), body)], fixture))
    return next(r for r in records if isinstance(r, ChatRecord))


def msg(i: int, sender: str, text: str, **extra) -> dict:
    base = {"msg_type": 1, "e_time": f"00:{i // 60:02d}:{i % 60:02d}", "s_id": f"id-{sender}",
            "s_name": sender, "s_email": f"{sender.lower()}@x.example", "msg_id": f"m{i}",
            "msg_extended_type": "010101000100", "msg_content": text}  # fmt: skip
    base.update(extra)
    return base


@pytest.fixture
def chat(tmp_path: Path) -> ChatRecord:
    return chat_of(tmp_path)


def by_id(chat: ChatRecord) -> dict[str, Message]:
    return {m.id: m for t in chat.threads for m in t.messages}


def test_public_thread_first_and_other_threads_nested_in_it(chat) -> None:
    public = chat.threads[0]
    assert (public.id, public.type, public.parent) == ("public", "public", "")
    nested = chat.threads[1:]
    assert [t.type for t in nested] == [
        "waiting_room",
        "private",
        "subgroup",
        "breakout",
        "private",
    ]
    assert all(t.parent == "public" for t in nested)
    for thread in chat.threads:
        offsets = [m.offset for m in thread.messages]
        assert offsets == sorted(offsets)  # send order
        assert (thread.started, thread.ended) == (offsets[0], offsets[-1])
        assert all(m.thread_id == thread.id for m in thread.messages)


def test_private_chat_is_a_two_party_thread(chat) -> None:
    private = chat.threads[2]
    assert [m.text for m in private.messages] == [
        "Can we talk pricing offline?",
        "Sure — call me at 5",
    ]
    assert [p.name for p in private.participants] == ["Bob Jones", "Zoë Ø'Brien 😀"]
    first = private.messages[0]
    assert first.receiver_kind == "direct"
    assert [r.email for r in first.receivers] == ["zoe@partner.example"]
    assert first.sent_at == datetime(2026, 11, 3, 14, 3, tzinfo=UTC)


def test_subgroup_lists_everyone_who_was_ever_in_it(chat) -> None:
    group = next(t for t in chat.threads if t.type == "subgroup")
    assert group.title == "Private group chat grp-1"
    assert [p.name for p in group.participants] == ["Alice Smith", "Bob Jones", "Carol Diaz"]
    assert [m.receiver_kind for m in group.messages] == ["private_group"] * 3
    assert (group.started, group.ended) == ("00:04:00", "00:09:00")


def test_edits_deletions_and_replies_are_events_linked_to_the_original(chat) -> None:
    messages = by_id(chat)
    assert messages["m1"].text == "Welcome everyone 👋"  # the original is not overwritten
    assert (messages["e1"].action, messages["e1"].refers_to) == ("edit", "m1")
    assert messages["e1"].text.endswith("(agenda in the doc)")
    assert messages["m9"].text == "I will guarantee returns on this one"  # deleted, still kept
    assert (messages["d1"].action, messages["d1"].refers_to) == ("delete", "m9")
    reply = messages["m10"]  # a reply to the deleted message still links to it
    assert (reply.action, reply.refers_to, reply.thread_id) == ("reply", "m9", "public")
    assert 'Bob Jones: "I will guarantee returns on this one"' in chat.text
    assert '00:08:00 Bob Jones deleted "I will guarantee returns on this one"' in chat.text


def test_replies_edits_and_deletions_follow_a_private_message_into_its_thread(
    tmp_path: Path,
) -> None:
    dm = {"msg_type": 2, "msg_extended_type": "010101000400", "r_id": "id-Bo", "r_name": "Bo",
          "r_email": "bo@x.example"}  # fmt: skip
    plain = [
        msg(1, "Ann", "secret tip", **dm),
        msg(2, "Bo", "thanks", msg_type=7, parent_msg_id="m1"),
        msg(
            3,
            "Ann",
            "",
            msg_type=3,
            msg_id="d3",
            original_msg_id="m1",
            msg_extended_type="010102000400",
        ),
        msg(4, "Ann", "hello all", msg_type=6, msg_id="e4", original_msg_id="gone"),
    ]
    chat = chat_of(tmp_path, plain)
    public, private = chat.threads
    assert [m.id for m in private.messages] == ["m1", "m2", "d3"]
    assert [p.name for p in private.participants] == ["Ann", "Bo"]
    assert [m.id for m in public.messages] == ["e4"]  # edit of a message not in the file
    assert public.messages[0].refers_to == "gone"
    assert "edited message gone → hello all" in chat.text


def test_reactions_feedback_and_shared_files(chat) -> None:
    public = chat.threads[0].messages
    reaction = next(m for m in public if m.action == "reaction")
    assert (reaction.sender.name, reaction.text) == ("Carol Diaz", "👍")
    feedback = next(m for m in public if m.action == "feedback")
    assert (feedback.sender.name, feedback.sender.email, feedback.text) == (
        "Dan",
        "",
        "raised hand",
    )
    shared = by_id(chat)["m11"].files
    assert [(f.id, f.name, f.size) for f in shared] == [("file-1", "deck.pdf", 20480)]
    assert "[file deck.pdf, 20480 bytes]" in chat.text


def test_waiting_room_and_breakout_chat_are_kept_with_locations(chat) -> None:
    waiting = next(t for t in chat.threads if t.type == "waiting_room")
    message = waiting.messages[0]
    assert (message.sender_location, message.receiver_location, message.receiver_kind) == (
        "meeting", "waiting_room", "waiting_room")  # fmt: skip
    breakout = next(t for t in chat.threads if t.type == "breakout")
    assert [(m.sender_location, m.receiver_location) for m in breakout.messages] == [
        ("meeting", "breakout_room"), ("breakout_room", "breakout_room")]  # fmt: skip
    between_rooms = by_id(chat)["m14"]  # a direct message between people in breakout rooms
    assert (between_rooms.sender_location, between_rooms.receiver_kind) == (
        "breakout_room",
        "direct",
    )
    assert chat.threads[-1].type == "private" and chat.threads[-1].messages == [between_rooms]


def test_unicode_names_and_empty_emails(chat) -> None:
    public = chat.threads[0]
    guest = next(p for p in public.participants if p.name == "李雷 🚀")
    assert guest.email == "" and guest.id == ""
    assert "00:02:10 李雷 🚀: 你好，大家好" in chat.text
    assert {p.name for p in chat.participants} >= {"李雷 🚀", "Zoë Ø'Brien 😀", "Dan"}


def test_webinar_panelist_chat_and_backstage_get_their_threads(tmp_path: Path) -> None:
    plain = [
        msg(1, "Ann", "to everyone", msg_extended_type="020201000100"),
        msg(2, "Ann", "panelists only", msg_extended_type="020201000200"),
        msg(3, "Bo", "from backstage", msg_extended_type="050501000100"),
    ]
    chat = chat_of(tmp_path, plain, type=5)
    assert [(t.type, [m.text for m in t.messages]) for t in chat.threads] == [
        ("public", ["to everyone"]),
        ("panelists", ["panelists only"]),
        ("backstage", ["from backstage"]),
    ]
    assert chat.threads[0].messages[0].sender_location == "webinar"


def test_whole_body_base64_is_accepted(tmp_path: Path) -> None:
    wrapped = base64.b64encode(chat_json_bytes(UUID, [msg(1, "Ann", "hello")]))
    chat = chat_of(tmp_path, data=wrapped)
    assert [m.text for m in chat.threads[0].messages] == ["hello"]


def test_unknown_message_type_and_codes_are_kept_not_fatal(tmp_path: Path) -> None:
    plain = [msg(1, "Ann", "future", msg_type=9, msg_extended_type="060901000800")]
    message = chat_of(tmp_path, plain).threads[0].messages[0]
    assert (message.text, message.sender_location, message.receiver_kind) == (
        "future", "code_06", "code_08")  # fmt: skip


def test_sent_at_needs_a_start_time(tmp_path: Path) -> None:
    chat = chat_of(tmp_path, [msg(75, "Ann", "x")])
    assert chat.threads[0].messages[0].sent_at == datetime(2026, 11, 3, 14, 1, 15, tzinfo=UTC)
    assert chat.threads[0].messages[0].offset == "00:01:15"


def test_a_chat_with_100000_messages(tmp_path: Path) -> None:
    people = ["Ann", "Bo", "Cy", "Di"]
    plain = []
    for i in range(100_000):
        sender = people[i % 4]
        if i % 10 == 9:
            plain.append(msg(i % 3600, sender, f"dm {i}", msg_type=2, msg_id=f"m{i}",
                             msg_extended_type="010101000400", r_id="id-Ann", r_name="Ann",
                             r_email="ann@x.example"))  # fmt: skip
        elif i % 10 == 5:
            plain.append(msg(i % 3600, sender, f"re {i}", msg_type=7, msg_id=f"m{i}",
                             parent_msg_id=f"m{i - 1}"))  # fmt: skip
        else:
            plain.append(msg(i % 3600, sender, f"public {i}", msg_id=f"m{i}"))
    chat = chat_of(tmp_path, plain)
    placed = [m for t in chat.threads for m in t.messages]
    assert len(placed) == 100_000
    assert len({m.id for m in placed}) == 100_000
    assert chat.threads[0].messages[0].text == "public 0"
    assert sum(1 for m in placed if m.action == "reply" and m.thread_id == "public") == 10_000
    private = [t for t in chat.threads if t.type == "private"]
    assert sorted(len(t.messages) for t in private) == [5_000, 5_000]  # Bo-Ann, Di-Ann
    assert chat.text.count("\n") >= 100_000
    assert json.loads(json.dumps(chat.text))  # the text is one plain string
