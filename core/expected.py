"""What the custody ledger says each sink holds: the ``Expected`` that ``audit verify`` proves.

Every ledger ``commit`` and ``derive`` entry lists the receipts of the sinks that confirmed
it. For sink S, the expected holdings are, over every such receipt whose ``sink`` is S:

- ``artifacts``: each SHA-256 the receipt lists, with its size from the entry's ``sizes``
  (0 when an older entry has none: the size is then not checked);
- ``records``: each record id the receipt lists, with the digest of the stored version from
  the receipt's ``digests`` ("" when the sink gave none: any stored version counts).

Built from the entries read once, at the start: a capture running meanwhile adds entries
(and sink contents) that this verification neither expects nor misses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core.ledger import LedgerEntry
from core.protocols import Expected

__all__ = ["UNIT_EVENTS", "Claims", "expected_by_sink"]

#: Ledger events whose receipts name what a sink holds.
UNIT_EVENTS = frozenset({"commit", "derive"})


@dataclass
class Claims:
    """What the ledger says one sink holds, and the units (source, key) behind it."""

    expected: Expected = field(default_factory=Expected)
    units: set[tuple[str, str]] = field(default_factory=set)

    @property
    def bytes(self) -> int:
        """Total size of the expected artifacts (as far as the ledger recorded sizes)."""
        return sum(self.expected.artifacts.values())

    def summary(self) -> str:
        """``N units, N records, N files (N bytes)`` as the ledger names them (bytes only
        when the ledger recorded sizes)."""
        e = self.expected
        size = f" ({self.bytes} bytes)" if self.bytes else ""
        return f"{len(self.units)} units, {len(e.records)} records, {len(e.artifacts)} files{size}"

    def add(self, entry: LedgerEntry, data: dict[str, Any], receipt: dict[str, Any]) -> None:
        """Fold one receipt of one ledger entry into the claims."""
        sizes = data.get("sizes") or {}
        artifacts, records = self.expected.artifacts, self.expected.records
        for sha in receipt.get("artifacts") or []:
            size = sizes.get(sha, 0) if isinstance(sizes, dict) else 0
            artifacts[sha] = max(int(size or 0), artifacts.get(sha, 0))
        digests = receipt.get("digests") or {}
        for record_id in receipt.get("record_ids") or []:
            digest = digests.get(record_id, "") if isinstance(digests, dict) else ""
            if digest or record_id not in records:  # "" never hides a known digest
                records[record_id] = digest
        self.units.add((entry.source, entry.unit_key))


def expected_by_sink(entries: Iterable[LedgerEntry]) -> tuple[dict[str, Claims], int]:
    """The claims per sink name, and the sequence number of the last entry read."""
    claims: dict[str, Claims] = {}
    last = 0
    for entry in entries:
        last = max(last, entry.seq)
        if entry.event not in UNIT_EVENTS:
            continue
        data = entry.payload()
        if not isinstance(data, dict):
            continue
        for receipt in data.get("receipts") or []:
            if isinstance(receipt, dict) and isinstance(receipt.get("sink"), str):
                claims.setdefault(receipt["sink"], Claims()).add(entry, data, receipt)
    for found in claims.values():
        found.expected.ledger_seq = last
    return claims, last
