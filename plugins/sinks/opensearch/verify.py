"""``audit verify`` for the opensearch sink: the index answers and holds every record the
custody ledger says it confirmed.

The index is refreshed first: every record the ledger names was acknowledged before that, so
it is visible to the id lookups that follow (batches of ids, no document bodies), whether
``index`` names an index or an alias over several.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.errors import EcommsError
from core.protocols import Expected, Finding

__all__ = ["verify_index"]

_BATCH = 1000

Call = Callable[[Callable[[], Any], str], Any]


def _present(client: Any, call: Call, index: str, ids: list[str]) -> set[str]:
    body = {"query": {"ids": {"values": ids}}, "size": len(ids), "_source": False}
    response = call(lambda: client.search(index=index, body=body), "verify")
    return {hit["_id"] for hit in response["hits"]["hits"]}


def verify_index(
    client: Any, call: Call, index: str, sink: str, expected: Expected | None
) -> list[Finding]:
    """One passing finding stating what was verified, else one failed finding per problem."""
    rebuild = f"ecomms rebuild {sink} (refills the index from the archive)"
    wanted = sorted(expected.records) if expected is not None else []
    try:
        call(lambda: client.indices.refresh(index=index), "refresh")
        count = int(call(lambda: client.count(index=index), "count")["count"])
        missing: list[str] = []
        for start in range(0, len(wanted), _BATCH):
            chunk = wanted[start : start + _BATCH]
            found = _present(client, call, index, chunk)
            missing += [rid for rid in chunk if rid not in found]
    except EcommsError as error:
        if error.context.get("status") == 404:
            detail = f"index {index} does not exist"
            if wanted:
                detail += f"; the ledger's {len(wanted)} records are all missing"
            return [Finding(component=sink, check="index", ok=False, detail=detail, action=rebuild)]
        return [
            Finding(
                component=sink,
                check="index",
                ok=False,
                detail=f"verification could not finish: {error.one_line()}",
            )
        ]
    if missing:
        return [
            Finding(
                component=sink,
                check="missing",
                ok=False,
                detail=f"record {rid}, committed in the ledger, is not in index {index}",
                action=rebuild,
            )
            for rid in missing
        ]
    detail = f"index {index}: {count} documents"
    if expected is not None:
        detail += (
            f"; the ledger's {len(wanted)} records (as of entry {expected.ledger_seq}) all present"
        )
    return [Finding(component=sink, check="index", ok=True, detail=detail)]
