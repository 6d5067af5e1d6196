"""The TXT chat (CHAT): the layouts of ZOOM_API §4.4, as one threaded conversation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

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
