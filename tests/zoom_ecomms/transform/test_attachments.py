"""Chat attachments: a record per shared file, found by name, linked to the messages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from core.protocols import SpooledFile
from core.records import ChatRecord, record_id
from plugins.zoom_ecomms.transform import build_records
from tests.zoom_ecomms.transform.zoomdata import SOURCE, make_unit

UUID = "aBc/12+xyz=="


def attachment(tmp: Path, file_id: str, name: str, data: bytes) -> SpooledFile:
    """An attachment part as the source spools it (SHA-256 computed on receipt)."""
    path = tmp / f"attachment-{file_id}.bin"
    path.write_bytes(data)
    return SpooledFile(
        file_id=file_id,
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        media_type="application/octet-stream",
        name=name,
        meta={"file_id": file_id, "file_name": name, "file_size": len(data)},
        role="attachment",
        fingerprint="computed",
    )


def build(tmp: Path, *parts: SpooledFile):
    unit = make_unit(tmp)
    unit = msgspec.structs.replace(unit, files=[*unit.files, *parts])
    return {r.id: r for r in build_records(unit)}


def test_each_attachment_is_a_record_found_by_its_name(tmp_path: Path) -> None:
    deck = attachment(tmp_path, "file-1", "deck.pdf", b"%PDF-1.7 deck")
    records = build(tmp_path, deck)
    rid = record_id(SOURCE, UUID, "attachment", "file-1")
    record = records[rid]
    assert record.kind == "media" and record.parent_id == record_id(SOURCE, UUID, "meeting")
    assert "deck.pdf" in record.title and "deck.pdf" in record.text
    [artifact] = record.artifacts
    assert (artifact.sha256, artifact.size, artifact.name) == (deck.sha256, 13, "deck.pdf")
    assert "SHA-256 computed on receipt (Zoom gives no fingerprint" in record.text
    assert deck.sha256 in record.text
    assert record.attributes["MeetingUUID"] == UUID and record.errors == []


def test_the_messages_that_shared_it_link_to_the_record_and_back(tmp_path: Path) -> None:
    deck = attachment(tmp_path, "file-1", "deck.pdf", b"%PDF-1.7 deck")
    records = build(tmp_path, deck)
    rid = record_id(SOURCE, UUID, "attachment", "file-1")
    chat = next(r for r in records.values() if isinstance(r, ChatRecord))
    shared = [(m, f) for t in chat.threads for m in t.messages for f in m.files]
    [(message, link)] = shared
    assert (link.id, link.name, link.record_id, link.sha256) == (
        "file-1", "deck.pdf", rid, deck.sha256
    )  # fmt: skip
    assert f"Shared by {message.sender.name} at {message.offset} in Meeting chat" in (
        records[rid].text
    )


def test_an_attachment_no_message_names_still_gets_its_record(tmp_path: Path) -> None:
    loose = attachment(tmp_path, "file-9", "notes.txt", b"notes")
    records = build(tmp_path, loose)
    record = records[record_id(SOURCE, UUID, "attachment", "file-9")]
    assert "Shared by" not in record.text and record.artifacts[0].sha256 == loose.sha256
    chat = next(r for r in records.values() if isinstance(r, ChatRecord))
    assert all(not f.record_id for t in chat.threads for m in t.messages for f in m.files)


def test_an_unreadable_attachment_part_still_gets_its_record(tmp_path: Path) -> None:
    deck = attachment(tmp_path, "file-1", "deck.pdf", b"%PDF")
    Path(deck.path).unlink()  # the record needs only the part's description, not its bytes
    record = build(tmp_path, deck)[record_id(SOURCE, UUID, "attachment", "file-1")]
    assert record.errors == [] and record.artifacts[0].sha256 == deck.sha256
