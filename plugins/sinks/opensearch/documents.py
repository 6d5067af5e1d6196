"""Records as OpenSearch documents, and back.

A document is the record's canonical JSON (``core.records.encode_record``) plus one derived
field, ``content``: what full-text search sees besides the title and text
(:func:`core.search_text.searchable_text`: the people, then thread titles, messages, shared
file names, segments, entries and artifact names), so every store searches the same text.
Reading a document back drops ``content`` and decodes the rest: the record read equals the
record written.
"""

from __future__ import annotations

from typing import Any

import msgspec

from core.records import Record, decode_record, encode_record
from core.search_text import searchable_text
from plugins.sinks.opensearch.mapping import CONTENT_FIELD

__all__ = ["content_of", "document_bytes", "record_from_source"]

_json = msgspec.json.Encoder()


def content_of(record: Record) -> str:
    """The people and nested texts of a record, one per line (its ``content`` field)."""
    found = searchable_text(record)
    return "\n".join(part for part in (found.people, found.content) if part)


def document_bytes(record: Record) -> bytes:
    """The JSON document stored for ``record`` (canonical JSON + ``content``)."""
    body = encode_record(record)
    content = content_of(record)
    if not content:
        return body
    return body[:-1] + b',"' + CONTENT_FIELD.encode() + b'":' + _json.encode(content) + b"}"


def record_from_source(source: dict[str, Any]) -> Record:
    """Decode the record stored in a document's ``_source``."""
    clean = {k: v for k, v in source.items() if k != CONTENT_FIELD}
    return decode_record(_json.encode(clean))
