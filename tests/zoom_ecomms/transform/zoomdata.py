"""Helpers of the transformer tests: build Zoom units from the hand-made files in data/."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from core.protocols import SpooledFile, Unit

DATA = Path(__file__).parent / "data"
SOURCE = "zoom_ecomms"
_B64 = ("s_name", "s_email", "msg_id", "r_name", "r_email", "original_msg_id",
        "parent_msg_id", "private_group_id")  # fmt: skip
_MEDIA_TYPES = {"MP4": "video/mp4", "M4A": "audio/mp4", "TXT": "text/plain", "VTT": "text/vtt",
                "JSON": "application/json"}  # fmt: skip


def b64(text: str) -> str:
    """Base64 of UTF-8 text, as Zoom writes the JSON chat's string fields."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def encode_message(plain: dict[str, Any]) -> dict[str, Any]:
    """A JSON chat message as Zoom writes it, from a readable one (plain strings)."""
    out = dict(plain)
    for key in _B64:
        if key in out:
            out[key] = b64(out[key])
    if "msg_content" in out and out.get("msg_type") != 5:
        out["msg_content"] = b64(out["msg_content"])
    return out


def chat_json_bytes(uuid: str, plain_messages: list[dict[str, Any]]) -> bytes:
    """The bytes of a JSON chat archive file holding ``plain_messages`` encoded."""
    body = {"uuid": uuid, "messages": [encode_message(m) for m in plain_messages]}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def load(name: str) -> Any:
    """A JSON file of data/."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def spool(tmp: Path, meta: dict[str, Any], data: bytes) -> SpooledFile:
    """Write ``data`` to the spool as the source would, and describe it as a SpooledFile."""
    ext = str(meta.get("file_extension", "bin")).lower()
    path = tmp / f"{meta['id']}.{ext}"
    path.write_bytes(data)
    return SpooledFile(
        file_id=meta["id"],
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        media_type=_MEDIA_TYPES.get(meta.get("file_extension", ""), "application/octet-stream"),
        name=path.name,
        meta=meta,
    )


def file_bytes(meta: dict[str, Any], uuid: str) -> bytes:
    """Bytes of an archive file of the fixture meeting, by file type."""
    kind = meta["file_type"]
    if kind == "CHAT_MESSAGE":
        return chat_json_bytes(uuid, load("chat_plain.json"))
    named = {"CHAT": "chat.txt", "CC": "captions.vtt", "TRANSCRIPT": "transcript.vtt"}
    if kind in named:
        return (DATA / named[kind]).read_bytes()
    return hashlib.sha256(meta["id"].encode()).digest() * 64  # stand-in media bytes


def make_unit(
    tmp: Path, meeting: dict[str, Any] | None = None, payloads: dict[str, Any] | None = None
) -> Unit:
    """A unit as the source yields it: the fixture meeting, its payloads and spooled files."""
    meeting = copy.deepcopy(meeting if meeting is not None else load("meeting.json"))
    extra = copy.deepcopy(payloads if payloads is not None else load("payloads.json"))
    files = [spool(tmp, f, file_bytes(f, meeting["uuid"])) for f in meeting["archive_files"]]
    return Unit(
        source=SOURCE,
        platform="zoom",
        key=meeting["uuid"],
        version="v1",
        title=meeting.get("topic", ""),
        payloads={"meeting": meeting, **extra},
        files=files,
    )


def chat_meta(file_id: str = "f-json", file_type: str = "CHAT_MESSAGE") -> dict[str, Any]:
    """An archive file object for a chat file."""
    ext, recording = (
        ("JSON", "chat_message") if file_type == "CHAT_MESSAGE" else ("TXT", "chat_file")
    )
    return {"id": file_id, "file_type": file_type, "file_extension": ext, "file_size": 1,
            "status": "completed", "recording_type": recording, "individual": False,
            "participant_join_time": "2026-11-03T14:00:02Z",
            "participant_leave_time": "2026-11-03T15:00:05Z"}  # fmt: skip


def unit_with(
    tmp: Path,
    files: list[tuple[dict[str, Any], bytes]],
    meeting: dict[str, Any] | None = None,
    payloads: dict[str, Any] | None = None,
) -> Unit:
    """A unit of the fixture meeting holding only ``files`` (archive file object, bytes)."""
    meeting = copy.deepcopy(meeting if meeting is not None else load("meeting.json"))
    meeting["archive_files"] = [meta for meta, _ in files]
    return Unit(
        source=SOURCE,
        platform="zoom",
        key=meeting["uuid"],
        payloads={"meeting": meeting, **(payloads or {})},
        files=[spool(tmp, meta, data) for meta, data in files],
    )
