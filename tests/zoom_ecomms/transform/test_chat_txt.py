"""The TXT chat (CHAT): the layouts of ZOOM_API §4.4, as one threaded conversation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from ecomms_zoom_simulator.chat_txt import LAYOUTS, STRAY_LINE, TxtEntry, render_txt

from core.records import ChatRecord
from plugins.zoom_ecomms.transform import build_records
from tests.zoom_ecomms.transform.zoomdata import DATA, chat_meta, load, unit_with


def txt_chat(tmp: Path, data: bytes) -> ChatRecord:
    unit = unit_with(tmp, [(chat_meta("f-txt", "CHAT"), data)], payloads=load("payloads.json"))
    return next(r for r in build_records(unit) if isinstance(r, ChatRecord))


def test_fixture_layouts(tmp_path: Path) -> None:
    chat = txt_chat(tmp_path, (DATA / "chat.txt").read_bytes())
    public, private = chat.threads
    assert [(m.offset, m.sender.name, m.text) for m in public.messages] == [
        ("00:01:00", "Alice Smith", "Welcome everyone"),  # text on the next, tab-indented line
        ("00:02:10", "李雷 🚀", "你好"),
        ("00:04:00", "Carol Diaz", "Cloud layout line"),  # HH:MM:SS<TAB>sender:<TAB>text
    ]
    assert private.type == "private" and private.parent == "public"
    assert [(m.sender.name, [r.name for r in m.receivers]) for m in private.messages] == [
        ("Bob Jones", ["Zoë Ø'Brien 😀"]), ("Zoë Ø'Brien 😀", ["Bob Jones"]),
    ]  # fmt: skip
    assert private.messages[1].text == "Sure — call me at 5\nSecond line: details"
    assert [p.name for p in private.participants] == ["Bob Jones", "Zoë Ø'Brien 😀"]
    assert chat.attributes["ArchiveFileFileType"] == "CHAT"


def test_names_are_matched_to_participants_for_emails(tmp_path: Path) -> None:
    chat = txt_chat(tmp_path, (DATA / "chat.txt").read_bytes())
    alice = chat.threads[0].messages[0].sender
    assert (alice.email, alice.id) == ("alice@acme.example", "HOSTid1")
    guest = chat.threads[0].messages[1].sender
    assert guest.email == ""
    assert chat.threads[0].messages[0].sent_at == datetime(2026, 11, 3, 14, 1, tzinfo=UTC)


def test_single_line_layout_one_or_two_spaces_and_crlf(tmp_path: Path) -> None:
    data = (
        "\ufeff10:00:01 From Ann to Everyone: hello: world\r\n"
        "10:00:05 From  Ann  to  Bo : psst\r\n"
        "10:00:09 From Bo to Everyone (in Waiting Room): wait please\r\n"
    ).encode()
    chat = txt_chat(tmp_path, data)
    texts = {t.type: [m.text for m in t.messages] for t in chat.threads}
    assert texts == {
        "public": ["hello: world"],
        "private": ["psst"],
        "waiting_room": ["wait please"],
    }


def test_empty_chat_file_still_gives_the_conversation_record(tmp_path: Path) -> None:
    chat = txt_chat(tmp_path, b"")
    assert [t.type for t in chat.threads] == ["public"]
    assert chat.threads[0].messages == []
    assert [a.file_id for a in chat.artifacts] == ["f-txt"]


def _messages(chat: ChatRecord) -> list[tuple[str, str, str, str, list[str]]]:
    """(thread type, action, sender, text, receivers) of every message, in thread order."""
    return [
        (t.type, m.action, m.sender.name, m.text, [r.name for r in m.receivers])
        for t in chat.threads
        for m in t.messages
    ]


def test_one_line_layout_with_privately_marks(tmp_path: Path) -> None:
    data = (
        b"00:00:05 From Ann Lee to Everyone: Morning all\n"
        b"00:00:09 From Ann Lee to Bo Chen (privately): see me after\n"
        b"00:00:12 From Bo Chen to Ann Lee(Privately): ok\n"
        b"00:00:15 From Bo Chen To Everyone: Agenda: rates, then FX\n"
    )
    assert _messages(txt_chat(tmp_path, data)) == [
        ("public", "message", "Ann Lee", "Morning all", []),
        ("public", "message", "Bo Chen", "Agenda: rates, then FX", []),
        ("private", "message", "Ann Lee", "see me after", ["Bo Chen"]),
        ("private", "message", "Bo Chen", "ok", ["Ann Lee"]),
    ]


def test_next_line_layout_with_replies_and_reactions(tmp_path: Path) -> None:
    data = (
        "00:01:00 From  Ann Lee  To  Everyone:\n"
        "\tThe desk closes early on Friday because of the holiday schedule this week\n"
        "\tPlease plan accordingly\n"
        "00:01:30 From  Bo Chen  To  Everyone:\n"
        '\tReplying to "The desk closes early on Friday because of the h...":\n'
        "\tThanks, noted\n"
        "00:01:40 From  Cy Diaz  TO  Everyone:\n"
        '\tReacted to "Thanks, noted" with 👍\n'
        "00:02:00 From  Ann Lee  To  Bo Chen(Direct Message):\n"
        "\tcall me\n"
    ).encode()
    chat = txt_chat(tmp_path, data)
    public = chat.threads[0].messages
    assert [(m.action, m.text, m.refers_to) for m in public] == [
        ("message", "The desk closes early on Friday because of the holiday schedule this week"
                    "\nPlease plan accordingly", ""),
        ("reply", "Thanks, noted", "txt-1"),
        ("reaction", "👍", "txt-2"),
    ]  # fmt: skip
    assert _messages(chat)[3] == ("private", "message", "Ann Lee", "call me", ["Bo Chen"])
    assert "Bo Chen (reply to Ann Lee: " in chat.text
    assert "Cy Diaz reacted 👍" in chat.text


def test_reply_to_a_message_not_in_the_file_is_kept_as_written(tmp_path: Path) -> None:
    data = b'00:00:01 From Ann to Everyone: Replying to "earlier words": yes\n'
    [message] = txt_chat(tmp_path, data).threads[0].messages
    assert (message.action, message.text) == ("message", 'Replying to "earlier words": yes')


def test_old_layout_without_receiver(tmp_path: Path) -> None:
    data = b"00:05:13\t From  Ann Lee : hello: there\n00:05:20\t From  Bo : hi\n"
    assert _messages(txt_chat(tmp_path, data)) == [
        ("public", "message", "Ann Lee", "hello: there", []),
        ("public", "message", "Bo", "hi", []),
    ]


def test_unmatched_lines_are_kept_as_text_never_pinned_on_a_sender(tmp_path: Path) -> None:
    data = (
        b"Chat saved from Zoom\n"
        b"00:00:01 From  Ann  To  Everyone:\n"
        b"\thi\n"
        b"--- messages sent before you joined are not shown ---\n"
        b"00:00:03 From Bo to Everyone: hello\n"
        b"and a second line\n"
        b"00:99:01 From Bo to Everyone: not a time\n"
    )
    chat = txt_chat(tmp_path, data)
    assert _messages(chat) == [
        ("public", "message", "Ann", "hi", []),
        ("public", "message", "Bo",
         "hello\nand a second line\n00:99:01 From Bo to Everyone: not a time", []),
    ]  # fmt: skip
    assert chat.errors == []
    assert chat.text.endswith(
        "== Lines that are no chat message ==\n"
        "chat file f-txt line 1: Chat saved from Zoom\n"
        "chat file f-txt line 4: --- messages sent before you joined are not shown ---"
    )


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_simulator_layout(tmp_path: Path, layout: str) -> None:
    entries = [
        TxtEntry("00:00:01", "Bo Chen", "Everyone", "Hello"),
        TxtEntry("00:00:02", "Ann Lee", "Everyone", "line one\nline two"),
        TxtEntry("00:00:05", "Ann Lee", "Everyone", "Long opening remark about the quarter "
                 "and the plan for the desk"),
        TxtEntry("00:00:09", "Bo Chen", "Ann Lee", "psst", private=True),
        TxtEntry("00:00:20", "Cy Diaz", "Everyone", "Agreed",
                 reply_to="Long opening remark about the quarter and the plan for the desk"),
        TxtEntry("00:00:30", "Bo Chen", "Everyone", "Agreed", reaction="👍"),
    ]  # fmt: skip
    data, count = render_txt(entries, layout)
    chat = txt_chat(tmp_path, data)
    got = {(m.sender.name, m.thread_id, m.action) for t in chat.threads for m in t.messages}
    assert sum(len(t.messages) for t in chat.threads) == count
    assert ("Bo Chen", "private-1", "message") in got
    private = chat.threads[1].messages[0]
    assert [r.name for r in private.receivers] == ["Ann Lee"] and private.text == "psst"
    assert chat.threads[0].messages[1].text == "line one\nline two"
    if layout == "next_line":
        assert {("Cy Diaz", "public", "reply"), ("Bo Chen", "public", "reaction")} <= got
    if layout != "classic":
        assert STRAY_LINE in chat.text
