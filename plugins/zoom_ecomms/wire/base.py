"""The shared base of Zoom's payload structs, the decode helper and date-time parsing.

Leniency rules (msgspec's schema-evolution manner, applied to a vendor we do not control):
unknown fields are ignored; every field has a default unless the connector cannot work
without it (a meeting's ``uuid``, an archive file's ``id``); enum values stay plain strings,
so values Zoom adds later (or older ones such as ``TRANSCRIPT``) decode; numbers Zoom sends as
digit strings are accepted; date-times stay Zoom's strings, because Zoom sends ``""`` for a
time not known yet (``complete_time`` while processing) — :func:`zoom_time` parses them.
A ``null`` where Zoom documents a value, or a value of the wrong JSON type, is a decode
error naming the JSON path.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec

from core.errors import PayloadError

__all__ = ["ZoomModel", "decode", "undecodable", "zoom_time"]

T = TypeVar("T")
_SURROGATE = re.compile(  # a high surrogate escape not followed by a low one, or the reverse
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


class ZoomModel(msgspec.Struct, kw_only=True):
    """Base of every struct for what Zoom sends: keyword-only, unknown fields ignored."""


def decode(model: type[T], raw: bytes, where: str) -> T:
    """Decode ``raw`` (JSON bytes as Zoom sent them) into ``model``.

    ``where`` names the endpoint or part (``GET /archive_files``); the ``PayloadError``
    raised for a body that does not decode carries it and msgspec's JSON path
    (``... - at `$.meetings[0].uuid```). Nesting too deep to decode is an error too, never
    a ``RecursionError``.
    """
    try:
        return msgspec.json.decode(raw, type=model, strict=False)
    except msgspec.ValidationError as exc:
        raise PayloadError(f"{where}: {exc}", where=where) from None
    except (msgspec.DecodeError, RecursionError) as exc:
        raise PayloadError(f"{where}: {undecodable(exc, raw)}", where=where) from None


def undecodable(exc: msgspec.DecodeError | RecursionError, raw: bytes) -> str:
    """Why ``raw`` is not JSON msgspec can decode, as the tail of an error line."""
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply to decode"
    why = str(exc)
    if _SURROGATE.search(raw):  # msgspec reports these as "Input data was truncated"
        why += "; it holds a lone UTF-16 surrogate escape, which no text can store"
    return f"not valid JSON ({why})"


def zoom_time(value: Any) -> datetime | None:
    """A Zoom date-time string (``2026-11-03T10:00:00Z``) as an aware UTC datetime.

    ``None`` for ``""``, a non-string or a malformed value; naive values are taken as UTC.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
