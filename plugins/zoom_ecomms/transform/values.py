"""Typed reading of Zoom payload values; every failure is a PayloadError naming where it was."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from core.errors import PayloadError

__all__ = [
    "HMS",
    "as_bool",
    "as_datetime",
    "as_int",
    "as_list",
    "as_str",
    "bad",
    "hms_seconds",
    "payload_list",
    "read_bytes",
    "shifted",
]

HMS = re.compile(r"(\d+):([0-5]\d):([0-5]\d)")
"""An elapsed time ``HH:MM:SS`` (hours may exceed 23)."""


def bad(where: str, field: str, reason: str) -> PayloadError:
    """Build the PayloadError for ``where`` (a payload or file), ``field`` and ``reason``."""
    return PayloadError(f"{where}: {field}: {reason}", where=where, field=field)


def as_str(value: Any, where: str, field: str) -> str:
    """A string field; ``None`` and absent become ""; numbers (ids) become their digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise bad(where, field, f"expected a string, got {value!r}")
    if isinstance(value, str | int):
        return str(value)
    raise bad(where, field, f"expected a string, got {type(value).__name__}")


def as_int(value: Any, where: str, field: str) -> int | None:
    """An integer field (sizes, durations); digit strings are accepted; absent is ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise bad(where, field, f"expected an integer, got {value!r}")


def as_bool(value: Any, where: str, field: str) -> bool | None:
    """A boolean field; "true"/"false" strings are accepted; absent is ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise bad(where, field, f"expected a boolean, got {value!r}")


def as_datetime(value: Any, where: str, field: str) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime; naive values are taken as UTC.

    Absent and "" (e.g. ``complete_time`` of an archive still processing) give ``None``.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise bad(where, field, f"expected an ISO 8601 timestamp, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise bad(where, field, f"not an ISO 8601 timestamp: {value!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def as_list(value: Any, where: str, field: str) -> list[Any]:
    """A list field; absent is []."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad(where, field, f"expected a list, got {type(value).__name__}")
    return value


def payload_list(value: Any, where: str) -> list[Any]:
    """The items of a list payload, given as the list or as Zoom's body holding it."""
    if isinstance(value, dict):
        for key in ("participants", "panelists"):
            if isinstance(value.get(key), list):
                return value[key]
        raise bad(where, "participants", "expected a list (or a body with a participants list)")
    return as_list(value, where, "participants")


def hms_seconds(value: str, where: str, field: str) -> int:
    """Seconds of an elapsed time ``HH:MM:SS`` (hours may exceed 23)."""
    match = HMS.fullmatch(value)
    if match is None:
        raise bad(where, field, f"expected HH:MM:SS, got {value!r}")
    return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3])


def shifted(start: datetime | None, seconds: int) -> datetime | None:
    """``start`` plus ``seconds``, or ``None`` when the start is unknown."""
    return None if start is None else start + timedelta(seconds=seconds)


def read_bytes(path: str, where: str) -> bytes:
    """Read a spooled file whole; a missing or unreadable file is a PayloadError."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise bad(where, "path", f"cannot read spooled file ({exc.strerror})") from None
