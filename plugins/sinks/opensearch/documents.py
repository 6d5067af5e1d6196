"""Records as OpenSearch documents, and back.

A document is the record's canonical JSON (``core.records.encode_record``) plus one derived
field, ``content``: the texts of its chat messages, transcript segments and entries, so that
full-text search finds them even where a transformer kept them out of ``text``. Reading a
document back drops ``content`` and decodes the rest: the record read equals the record
written.
"""

from __future__ import annotations

from typing import Any

import msgspec

from core.records import Record, decode_record, encode_record
from plugins.sinks.opensearch.mapping import CONTENT_FIELD

__all__ = ["content_of", "document_bytes", "record_from_source"]

_json = msgspec.json.Encoder()


def content_of(record: Record) -> str:
    """The texts nested in a record (messages, segments, entries), one per line."""
    parts: list[str] = []
    for thread in record.threads:
        parts.extend(m.text for m in thread.messages if m.text)
        parts.extend(f.name for m in thread.messages for f in m.files if f.name)
    parts.extend(s.text for s in record.segments if s.text)
    for entry in record.entries:
        parts.extend(x for x in (entry.title, entry.question, entry.answer) if x)
    return "\n".join(parts)


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
