"""Bulk writes with deterministic ``_id``, item-level checks and retries.

Each document is sent as an ``index`` action with the record id as ``_id``, so writing the
same record again overwrites it (``updated``) and never adds a second copy. After each bulk
request every item is checked. Items refused for their content (400 mapping errors, 409,
413) are collected with OpenSearch's reason while the rest of the batch lands. Items
refused for any other reason (429 and 5xx, but also 403 write blocks such as the disk
flood stage) are sent again with backoff; if they keep failing the write raises
``SinkUnavailable``: they are never mistaken for bad records.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec
from opensearchpy import OpenSearch

from core.errors import SinkUnavailable
from plugins.sinks.opensearch.config import OpenSearchConfig
from plugins.sinks.opensearch.connection import backoff_delay, call_with_retries

__all__ = ["BulkResult", "BulkWriter", "item_reason"]

CONTENT_STATUSES = frozenset({400, 409, 413})  # the document itself was refused
_FILTER = "errors,items.*._id,items.*.status,items.*.result,items.*.error"
_json = msgspec.json.Encoder()

Action = tuple[str, bytes]  # (record id, action line + document line)


class BulkResult(msgspec.Struct, kw_only=True):
    """What a bulk write did: results counted by kind, and reasons of refused documents."""

    results: dict[str, int] = msgspec.field(default_factory=dict)
    rejected: dict[str, str] = msgspec.field(default_factory=dict)


def item_reason(error: Any) -> str:
    """OpenSearch's reason for refusing one document, as one line."""
    if not isinstance(error, dict):
        return str(error)
    reason = f"{error.get('type', 'error')}: {error.get('reason', '')}"
    cause = error.get("caused_by")
    if isinstance(cause, dict) and cause.get("reason"):
        reason += f" (caused by {cause.get('type', '')}: {cause['reason']})"
    return reason


class BulkWriter:
    """Sends documents to one index (or write alias) in bounded bulk requests."""

    def __init__(self, client: OpenSearch, config: OpenSearchConfig, sink: str) -> None:
        self.client = client
        self.config = config
        self.sink = sink
        self.last_refusal = ""

    def action(self, record_id: str, document: bytes) -> Action:
        """The bulk lines indexing ``document`` under ``record_id``."""
        head = _json.encode({"index": {"_index": self.config.index, "_id": record_id}})
        return record_id, head + b"\n" + document + b"\n"

    def chunks(self, actions: Iterable[Action]) -> Iterator[list[Action]]:
        """Group actions into requests of at most ``bulk_docs`` documents and ``bulk_bytes``."""
        chunk: list[Action] = []
        size = 0
        for action in actions:
            if chunk and (
                len(chunk) >= self.config.bulk_docs
                or size + len(action[1]) > self.config.bulk_bytes
            ):
                yield chunk
                chunk, size = [], 0
            chunk.append(action)
            size += len(action[1])
        if chunk:
            yield chunk

    def write(self, actions: Iterable[Action]) -> BulkResult:
        """Send every action; return counts and refused documents, or raise SinkUnavailable."""
        result = BulkResult()
        counts: Counter[str] = Counter()
        for chunk in self.chunks(actions):
            self._send_chunk(chunk, counts, result.rejected)
        result.results = dict(counts)
        return result

    def _send_chunk(
        self, chunk: list[Action], counts: Counter[str], rejected: dict[str, str]
    ) -> None:
        pending = chunk
        attempt = 0
        while True:
            pending = self._send_once(pending, counts, rejected)
            if not pending:
                return
            if attempt >= self.config.max_retries:
                raise SinkUnavailable(
                    f"OpenSearch kept refusing {len(pending)} documents: {self.last_refusal}",
                    sink=self.sink,
                    index=self.config.index,
                )
            time.sleep(backoff_delay(attempt, self.config))
            attempt += 1

    def _send_once(
        self, chunk: list[Action], counts: Counter[str], rejected: dict[str, str]
    ) -> list[Action]:
        body = b"".join(lines for _, lines in chunk)
        response = call_with_retries(
            lambda: self.client.bulk(body=body, refresh=self.config.refresh, filter_path=_FILTER),
            self.config,
            "bulk",
            self.sink,
        )
        items = response.get("items", [])
        if len(items) != len(chunk):
            raise SinkUnavailable(
                "OpenSearch answered a bulk request with a wrong item count",
                sink=self.sink,
                sent=len(chunk),
                answered=len(items),
            )
        retry: list[Action] = []
        for action, item in zip(chunk, items, strict=True):
            outcome = next(iter(item.values()))
            status = int(outcome.get("status", 0))
            if 200 <= status < 300:
                counts[outcome.get("result", "ok")] += 1
            elif status in CONTENT_STATUSES:
                rejected[action[0]] = item_reason(outcome.get("error"))
            else:
                retry.append(action)
                self.last_refusal = item_reason(outcome.get("error"))
        return retry
