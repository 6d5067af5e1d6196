"""How a record becomes rows: its columns, its attribute rows and its full-text row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec

from core.records import AttributeType, Record, encode_record
from core.search_text import fold, searchable_text

__all__ = [
    "AttributeRow",
    "attribute_rows",
    "fts_row",
    "infer_type",
    "iso",
    "parse_bool",
    "record_row",
]

AttributeRow = tuple[str, str, str | None, int | float | None, str | None, int | None]

_TRUE = {"true", "yes", "1", "y", "on"}
_FALSE = {"false", "no", "0", "n", "off"}
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def iso(value: datetime) -> str:
    """A UTC timestamp as fixed-width ISO text (sorts as it compares); naive means UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(_ISO_FORMAT)


def parse_bool(value: Any) -> bool | None:
    """``True``/``False`` for a boolean or its usual spellings; ``None`` otherwise."""
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else None


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def infer_type(value: Any) -> AttributeType:
    """The attribute type to use for a value whose attribute no source declared."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "integer"
    if isinstance(value, datetime):
        return "date"
    if isinstance(value, list):
        return "keyword_list"
    return "keyword"


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    return str(value)


def _typed(value: Any, type_: str) -> tuple[int | float | None, str | None, int | None]:
    """The numeric, date and boolean columns of one value, as its declared type allows."""
    number = date = boolean = None
    if type_ == "integer" and not isinstance(value, bool):
        try:
            number = value if isinstance(value, int | float) else int(str(value))
        except ValueError:
            number = None
    elif type_ == "date":
        parsed = _as_datetime(value)
        date = iso(parsed) if parsed else None
    elif type_ == "boolean":
        flag = parse_bool(value)
        boolean = None if flag is None else int(flag)
    return number, date, boolean


def attribute_rows(
    record: Record, types: dict[str, AttributeType]
) -> Iterator[tuple[AttributeRow, AttributeType | None]]:
    """One row per attribute value (a list gives one row per element) and inferred types.

    The second item is the inferred type of an attribute no source declared, else ``None``.
    """
    for name, value in record.attributes.items():
        declared = types.get(name)
        type_ = declared or infer_type(value)
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            number, date, boolean = _typed(item, type_)
            row = (record.id, name, _as_text(item), number, date, boolean)
            yield row, None if declared else type_


def fts_row(record: Record) -> tuple[str, str, str, str]:
    """Title, text, people and other content of a record, for the FTS5 table.

    Folded (:func:`core.search_text.fold`): the ``unicode61 remove_diacritics 2`` tokenizer
    then ignores case and the remaining diacritics, so SQLite compares words as
    OpenSearch's ``lowercase`` + ``asciifolding`` analyzer does.
    """
    return tuple(fold(part) for part in searchable_text(record))  # type: ignore[return-value]


def record_row(record: Record) -> tuple[Any, ...]:
    """The ``records`` table row of a record (the last column is its canonical JSON)."""
    risk = record.risk
    return (
        record.id,
        record.kind,
        record.source,
        record.platform,
        iso(record.occurred_at),
        record.title,
        record.text,
        record.parent_id,
        risk.score if risk else None,
        msgspec.json.encode(sorted(risk.categories) if risk else []).decode(),
        iso(record.captured_at) if record.captured_at else None,
        encode_record(record).decode(),
    )
