"""The outcomes of settling a unit and the statuses a unit and its derivation go through.

String enums: each member is its lowercase name, which is also how the state database, the
ledger, ``ecomms status`` and the JSON logs spell it.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DeriveStatus", "Outcome", "UnitStatus"]


class Outcome(StrEnum):
    """What one pass did with one unit."""

    COMMITTED = "committed"  # custody committed (and acknowledged)
    SKIPPED = "skipped"  # already committed at this version, or dead-lettered
    FAILED = "failed"  # not committed; retried on a later pass
    DEAD = "dead"  # dead-lettered after its attempts
    REFILLED = "refilled"  # a committed unit gained parts from a retried gap


class UnitStatus(StrEnum):
    """Where a unit stands in custody (the ``units.status`` column)."""

    PENDING = "pending"
    FAILED = "failed"
    COMMITTED = "committed"
    DEAD = "dead"


class DeriveStatus(StrEnum):
    """Where a committed unit's derived records stand (the ``units.derive_status`` column)."""

    OK = "ok"  # every record reached every sink
    PARTIAL = "partial"  # every record written; some carry derivation errors
    PENDING = "pending"  # not derived yet (a sink is down, or a kill came first)
    FAILED = "failed"  # derivation failed; retried on later passes
    DEAD = "dead"  # given up after its attempts (``ecomms dlq list``)
