"""What the file parsers share: elapsed times, and errors naming the file, field and reason.

Zoom's JSON payloads are read typed (:mod:`.payloads`); these helpers serve the parsers of
the files Zoom archives (chat, VTT).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from core.errors import PayloadError

__all__ = [
    "HMS",
    "bad",
    "decode_text",
    "hms_seconds",
    "read_bytes",
    "shifted",
]

HMS = re.compile(r"(\d+):([0-5]\d):([0-5]\d)")
"""An elapsed time ``HH:MM:SS`` (hours may exceed 23)."""


def bad(where: str, field: str, reason: str) -> PayloadError:
    """Build the PayloadError for ``where`` (a payload or file), ``field`` and ``reason``."""
    return PayloadError(f"{where}: {field}: {reason}", where=where, field=field)


def decode_text(data: bytes, label: str, errors: list[str]) -> str:
    """``data`` as UTF-8 text (a BOM dropped); bytes that are not UTF-8 become U+FFFD and
    the first of them is named in ``errors``, so the rest of the file is still read."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.append(f"{label}: byte {exc.start}: not UTF-8 text (shown as U+FFFD)")
        return data.decode("utf-8-sig", errors="replace")


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
