"""The archive's manifest in the bucket: hash-chained entries, written in locked segments.

Every object the sink stores gets one canonical JSON line: its ``key``, ``version_id``,
``sha256`` (hex, of the whole object), ``size``, the server's ``checksum``, the retention it
was given (``mode``, ``until``), a sequence number ``seq`` and ``prev``, the SHA-256 of the
line before (across segments; the first line's ``prev`` is 64 zeros). The lines of one write
form one segment object, ``manifest/<first seq>.jsonl``, written once with its own
retention (the longest configured), before the write's receipt is returned. Two writers
racing for the same segment name: the second is refused (``If-None-Match``), reads the
winner's segment and chains after it.

The writer remembers where the chain ends (``head-*.json`` in its local directory) so that
starting does not read the whole manifest: it lists only the segments after that one. The
local file is a hint; the bucket is the truth.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from core.errors import IntegrityError

from .layout import Layout
from .objects import Lock, now, put_once

__all__ = ["GENESIS", "Entry", "ManifestWriter", "encode_lines", "read_segments"]

GENESIS = "0" * 64
_encoder = msgspec.json.Encoder(order="sorted")


class Entry(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One manifest line: a stored object version, its hashes and lock, chained to the last."""

    seq: int
    key: str
    version_id: str
    sha256: str
    size: int
    checksum: str
    mode: str
    until: str
    at: str
    prev: str
    record_id: str = ""


_decoder = msgspec.json.Decoder(Entry)


def line_hash(line: bytes) -> str:
    """SHA-256 (hex) of one encoded line."""
    return hashlib.sha256(line).hexdigest()


def encode_lines(entries: list[dict[str, Any]], seq: int, prev: str) -> tuple[bytes, int, str]:
    """Chain ``entries`` (Entry fields but ``seq``, ``prev``, ``at``) after ``(seq, prev)``.

    Returns the segment bytes, the last seq and the last line's hash.
    """
    at = now().isoformat().replace("+00:00", "Z")
    out = bytearray()
    for fields in entries:
        seq += 1
        line = _encoder.encode(Entry(seq=seq, prev=prev, at=at, **fields))
        prev = line_hash(line)
        out += line + b"\n"
    return bytes(out), seq, prev


def parse_segment(data: bytes) -> list[tuple[Entry | None, bytes]]:
    """Each line of a segment decoded (``None`` for a line that is not an entry) with its bytes."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    parsed: list[tuple[Entry | None, bytes]] = []
    for line in lines:
        try:
            parsed.append((_decoder.decode(line), line))
        except msgspec.DecodeError:
            parsed.append((None, line))
    return parsed


def _segment_keys(client: Any, bucket: str, layout: Layout, after: str = "") -> list[str]:
    """Manifest segment keys in order (only those after ``after`` when given)."""
    args: dict[str, Any] = {"Bucket": bucket, "Prefix": layout.prefix + "manifest/"}
    if after:
        args["StartAfter"] = after
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(**args):
        keys += [o["Key"] for o in page.get("Contents") or [] if layout.parse_segment(o["Key"])]
    return sorted(keys)


def read_segments(
    client: Any, bucket: str, layout: Layout, after: str = ""
) -> Iterator[tuple[str, bytes]]:
    """``(key, bytes)`` of every manifest segment in order (after ``after`` when given)."""
    for key in _segment_keys(client, bucket, layout, after):
        yield key, client.get_object(Bucket=bucket, Key=key)["Body"].read()


class ManifestWriter:
    """The writer's end of the chain: where it ends, and appending a segment after it."""

    def __init__(self, bucket: Any, local: Path) -> None:
        self._bucket = bucket  # a Bucket: its client is built on first use
        self.bucket, self.layout = bucket.name, bucket.layout
        self.hint = local / "head.json"
        self.seq, self.head, self.last_key = 0, GENESIS, ""
        self.listed_since_hint: set[str] = set()
        self._loaded = False

    @property
    def client(self) -> Any:
        """The bucket's client."""
        return self._bucket.client

    def refresh(self) -> None:
        """Follow the chain from the last known segment to its end (other writers' too)."""
        if not self._loaded:
            self._load_hint()
            self._loaded = True
        for key, data in read_segments(self.client, self.bucket, self.layout, self.last_key):
            self._follow(key, data)

    def append(self, entries: list[dict[str, Any]], lock: Lock) -> tuple[int, str]:
        """Write ``entries`` as the next segment (locked); return the chain's new (seq, head)."""
        if not entries:
            return self.seq, self.head
        while True:
            data, seq, head = encode_lines(entries, self.seq, self.head)
            key = self.layout.segment(self.seq + 1)
            if put_once(self.client, self.bucket, key, data, lock, "application/x-ndjson"):
                self.seq, self.head, self.last_key = seq, head, key
                self._save_hint()
                return seq, head
            self.refresh()  # another writer took this segment: chain after it

    def _follow(self, key: str, data: bytes) -> None:
        for entry, line in parse_segment(data):
            if entry is None or entry.seq != self.seq + 1 or entry.prev != self.head:
                raise IntegrityError(
                    "the manifest chain is broken; run `ecomms audit verify`",
                    segment=key,
                    seq=self.seq + 1,
                )
            self.seq, self.head = entry.seq, line_hash(line)
            self.listed_since_hint.add(entry.key)
        self.last_key = key

    def _load_hint(self) -> None:
        """Start from the remembered segment if it is still the chain we know, else from 1."""
        try:
            hint = json.loads(self.hint.read_text())
            data = self.client.get_object(Bucket=self.bucket, Key=hint["key"])["Body"].read()
        except Exception:  # no hint, or one for another bucket: read the whole chain
            return
        parsed = parse_segment(data)
        last, line = parsed[-1] if parsed else (None, b"")
        if last is None or last.seq != hint["seq"] or line_hash(line) != hint["head"]:
            return
        self.seq, self.head, self.last_key = last.seq, hint["head"], hint["key"]

    def _save_hint(self) -> None:
        self.hint.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.hint.with_suffix(".tmp")
        tmp.write_text(json.dumps({"key": self.last_key, "seq": self.seq, "head": self.head}))
        os.replace(tmp, self.hint)
