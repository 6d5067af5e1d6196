"""``expected_by_sink``: what the ledger's commit and derive receipts say each sink holds."""

from __future__ import annotations

import msgspec

from core.expected import expected_by_sink
from core.ledger import LedgerEntry


def _entry(seq: int, event: str, key: str, data: dict) -> LedgerEntry:
    text = msgspec.json.encode(data).decode()
    return LedgerEntry(
        seq=seq, time="", event=event, source="zoom", unit_key=key, data=text, prev_hash="",
        hash="",
    )  # fmt: skip


def test_receipts_per_sink_with_sizes_digests_and_units():
    commit = {
        "sizes": {"a" * 64: 10},
        "receipts": [
            {"sink": "archive", "record_ids": ["r1", "c1"], "artifacts": ["a" * 64, "b" * 64],
             "digests": {"r1": "d1", "c1": "d2"}},
            {"sink": "search", "record_ids": ["r1"], "artifacts": []},
        ],
    }  # fmt: skip
    derive = {"receipts": [{"sink": "archive", "record_ids": ["r1", "r2"]}]}
    entries = [
        _entry(1, "commit", "u1", commit),
        _entry(2, "acknowledge", "u1", {"actions": []}),
        _entry(3, "derive", "u1", derive),
        _entry(4, "commit", "u2", {"receipts": [{"sink": "search", "record_ids": ["r9"]}]}),
    ]
    claims, last = expected_by_sink(entries)
    assert last == 4
    archive, search = claims["archive"], claims["search"]
    assert archive.expected.artifacts == {"a" * 64: 10, "b" * 64: 0}  # 0: size not recorded
    assert archive.expected.records == {"r1": "d1", "c1": "d2", "r2": ""}  # "" never hides d1
    assert archive.units == {("zoom", "u1")} and archive.expected.ledger_seq == 4
    assert search.expected.records == {"r1": "", "r9": ""} and search.expected.artifacts == {}
    assert len(search.units) == 2
    assert archive.summary() == "1 units, 3 records, 2 files (10 bytes)"
