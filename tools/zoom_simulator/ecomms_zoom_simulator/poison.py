"""Malformed meeting objects for the ``poison_listing`` fault (issue 12 poison tests).

Each kind is one entry of the listing, as raw JSON text (some cannot be written by an
encoder): a lone surrogate (``\\ud800`` escaped) in a uuid and a topic, control characters
in a uuid and a topic, 10,000 levels of nesting in an unknown field, three file ids that a
naive sanitiser would collapse into one (``/`` vs ``_``, case), the uuids ``.`` and ``..``,
a meeting without a uuid, and two entries that are not objects. The meetings' files are
real: downloadable with the Bearer token, their fingerprints right, so a connector that
mishandles them loses or mixes up bytes visibly.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from ecomms_zoom_simulator.extras import iso
from ecomms_zoom_simulator.media import TextBlob
from ecomms_zoom_simulator.model import ArchiveFile
from ecomms_zoom_simulator.payloads import archive_file

__all__ = ["KINDS", "Poison"]

KINDS = (
    "surrogate",
    "control",
    "deep",
    "collide",
    "dot",
    "dotdot",
    "no_uuid",
    "not_object_string",
    "not_object_number",
)
DEPTH = 10_000
_COLLIDING = ("poison-file/1", "poison-file_1", "POISON-FILE_1")


class Poison:
    """The poison entries of one account: their listing moment, fragments and files."""

    def __init__(self, start: datetime, account_name: str) -> None:
        self.start = start
        self.account_name = account_name
        self.files: dict[str, ArchiveFile] = {}
        self._made: list[bytes] | None = None

    def _file(self, file_id: str) -> ArchiveFile:
        data = f"poison file {file_id}\n".encode() + hashlib.sha256(file_id.encode()).digest()
        f = ArchiveFile(
            file_id,
            "CHAT",
            "chat_file",
            TextBlob(data),
            self.start,
            self.start + timedelta(minutes=30),
            number_of_messages=1,
        )
        self.files[file_id] = f
        return f

    def _meeting(self, uuid: str | None, topic: str, files: list[ArchiveFile]) -> dict[str, Any]:
        body: dict[str, Any] = {} if uuid is None else {"uuid": uuid}
        body.update(
            id=99_000_000_001,
            host_id="poisonHostId000000000",
            topic=topic,
            type=2,
            start_time=iso(self.start),
            timezone="UTC",
            duration=30,
            duration_in_second=1800,
            total_size=sum(f.blob.size for f in files),
            recording_count=len(files),
            meeting_type="internal",
            account_name=self.account_name,
            complete_time=iso(self.start + timedelta(minutes=45)),
            is_breakout_room=False,
            status="completed",
            archive_files=[],
        )
        return body

    def fragments(self, base_url: str) -> list[bytes]:
        """Every poison entry as JSON text, in :data:`KINDS` order (made once)."""
        if self._made is None:
            self._made = [self._fragment(kind, base_url) for kind in KINDS]
        return self._made

    def _fragment(self, kind: str, base_url: str) -> bytes:
        if kind == "not_object_string":
            return b'"this is not a meeting"'
        if kind == "not_object_number":
            return b"42"
        uuid, topic, extra = {
            "surrogate": ("poison\ud800surrogate==", "Q4 \udc00 review", None),
            "control": ("poison\x00\x1b[31m\nctl==", "Weekly\x07\x08 review\r\n", None),
            "deep": ("poisonDeepNesting0000==", "Deeply nested", "x_unknown"),
            "collide": ("poisonCollidingIds000==", "Colliding file ids", None),
            "dot": (".", "Dot", None),
            "dotdot": ("..", "Dot dot", None),
            "no_uuid": (None, "No uuid", None),
        }[kind]
        ids = _COLLIDING if kind == "collide" else (f"poison-{kind}-file",)
        files = [self._file(i) for i in ids]
        body = self._meeting(uuid, topic, files)
        body["archive_files"] = [archive_file(f, base_url) for f in files]
        text = json.dumps(body, ensure_ascii=True).encode()  # escapes the lone surrogates
        if extra:
            nested = b"[" * DEPTH + b"]" * DEPTH
            text = text[:-1] + b', "' + extra.encode() + b'": ' + nested + b"}"
        return text
