"""The Zoom source's checkpoint: where listing resumes, as readable JSON.

``{"from": "2026-11-03T10:00:00Z"}``: every meeting whose archive completed before that
instant is settled (committed or dead-lettered), except those a later pass re-lists through
the lookback. The lookback applies only to where listing *starts*; the value stored never
moves backwards (:meth:`ZoomCheckpoint.at_least`). Checkpoints written by older versions
(the same shape) load unchanged; ``ecomms status`` shows the string as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from core.errors import PayloadError

__all__ = ["ZoomCheckpoint"]


class ZoomCheckpoint(msgspec.Struct, kw_only=True, frozen=True):
    """Listing resumes at ``from_`` (stored as ``from``, UTC, whole seconds)."""

    from_: datetime = msgspec.field(name="from")

    @classmethod
    def parse(cls, text: str | None) -> ZoomCheckpoint | None:
        """The stored checkpoint, ``None`` when there is none; ``PayloadError`` when unreadable."""
        if not text:
            return None
        try:
            value = msgspec.json.decode(text, type=cls)
        except msgspec.MsgspecError:
            raise PayloadError(f"unreadable zoom_ecomms checkpoint: {text[:80]!r}") from None
        when = value.from_ if value.from_.tzinfo else value.from_.replace(tzinfo=UTC)
        return cls(from_=when.astimezone(UTC))

    @classmethod
    def at(cls, when: datetime) -> ZoomCheckpoint:
        """The checkpoint at ``when`` (truncated to the second)."""
        return cls(from_=when.astimezone(UTC).replace(microsecond=0))

    def at_least(self, floor: ZoomCheckpoint | None) -> ZoomCheckpoint:
        """This checkpoint, or ``floor`` when that is later: checkpoints never move back."""
        return floor if floor is not None and floor.from_ > self.from_ else self

    def encode(self) -> str:
        """The readable JSON string the state stores: ``{"from":"2026-11-03T10:00:00Z"}``."""
        return msgspec.json.encode(self).decode()
