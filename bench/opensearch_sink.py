"""Benchmark: the opensearch sink vs plain ``opensearch-py`` ``helpers.streaming_bulk``.

Starts its own OpenSearch node (the Maven module in tools/opensearch-node/), builds N
realistic records (chat conversations with threads, transcripts, polls... one meeting = 9 records),
then indexes the same records through ``OpenSearchSink.write`` (batches of 500) and through
``streaming_bulk`` (chunks of 500, the same documents), twice each, alternating. Prints
documents/s of the best pass of each, the ratio, and the process RSS as the count grows.

    .venv/bin/python bench/opensearch_sink.py [--records 20000] [--url http://...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

import msgspec
from opensearchpy import OpenSearch, helpers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.protocols import Context
from core.records import Message, Record, Thread
from core.testing.samples import SAMPLE_ATTRIBUTES, sample_records
from plugins.sinks.opensearch.documents import document_bytes
from plugins.sinks.opensearch.sink import OpenSearchSink

BATCH = 500
WORDS = [
    "rates",
    "bonds",
    "guidance",
    "desk",
    "client",
    "fees",
    "hedge",
    "swap",
    "yield",
    "credit",
    "equity",
    "settlement",
    "compliance",
    "review",
    "outlook",
    "quarter",
    "margin",
    "order",
    "limit",
    "risk",
    "trade",
]


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _sentence(n: int) -> str:
    return " ".join(WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(8 + n % 9))


def _vary(record: Record, meeting: int) -> Record:
    attrs = {
        **record.attributes,
        "MeetingId": str(80000000000 + meeting),
        "MeetingUUID": f"uuid-{meeting:08d}==",
        "MeetingDurationInSecond": 600 + meeting % 5400,
    }
    changes: dict = {
        "id": f"{record.id[:20]}{meeting:012d}",
        "attributes": attrs,
        "text": f"{record.text}\n{_sentence(meeting)}",
    }
    if record.threads:
        messages = [
            Message(
                id=f"m{k}",
                thread_id="t-public",
                text=_sentence(meeting + k),
                offset=f"00:{k // 60:02d}:{k % 60:02d}",
                sender=record.participants[k % 3],
            )
            for k in range(20)
        ]
        changes["threads"] = [
            *record.threads,
            Thread(id="t-extra", type="public", messages=messages),
        ]
    return msgspec.structs.replace(record, **changes)


def build_records(count: int) -> list[Record]:
    """``count`` realistic records: whole meetings of 9 kinds, varied ids and texts."""
    base = sample_records()
    return [_vary(base[i % len(base)], i // len(base)) for i in range(count)]


def sink_pass(url: str, records: list[Record], index: str, tmp: Path) -> tuple[float, list[str]]:
    """Index through the sink in batches; return docs/s and RSS figures."""
    config = OpenSearchSink.Config(hosts=[url], index=index, bulk_docs=BATCH)
    sink = OpenSearchSink(
        config,
        Context(name="opensearch", state_dir=tmp, spool_dir=tmp, attributes=SAMPLE_ATTRIBUTES),
    )
    sink.ensure_template()
    marks: list[str] = []
    start = time.perf_counter()
    for offset in range(0, len(records), BATCH):
        sink.write(records[offset : offset + BATCH], {})
        done = offset + BATCH
        if done % 5000 == 0:
            marks.append(f"{done}: {rss_mb():.0f} MB")
    elapsed = time.perf_counter() - start
    sink.close()
    return len(records) / elapsed, marks


def raw_pass(url: str, records: list[Record], index: str, tmp: Path) -> float:
    """Index the same documents with plain streaming_bulk; return docs/s."""
    template_owner = OpenSearchSink(
        OpenSearchSink.Config(hosts=[url], index=index),
        Context(name="t", state_dir=tmp, spool_dir=tmp, attributes=SAMPLE_ATTRIBUTES),
    )
    template_owner.ensure_template()
    template_owner.close()
    client = OpenSearch(hosts=[url], timeout=60)
    start = time.perf_counter()
    actions = (
        {"_index": index, "_id": r.id, "_source": msgspec.json.decode(document_bytes(r))}
        for r in records
    )
    deque(
        helpers.streaming_bulk(
            client, actions, chunk_size=BATCH, max_chunk_bytes=5_000_000, raise_on_error=True
        ),
        maxlen=0,
    )
    elapsed = time.perf_counter() - start
    client.close()
    return len(records) / elapsed


def run(url: str, count: int) -> None:
    """Build the records, run both paths twice alternately, print the figures."""
    records = build_records(count)
    print(
        f"records: {count} ({sum(len(document_bytes(r)) for r in records) / 1e6:.1f} MB of JSON)"
        f", RSS after building them: {rss_mb():.0f} MB"
    )
    client = OpenSearch(hosts=[url])
    with tempfile.TemporaryDirectory() as tmp:
        sink_pass(url, records[:2000], "bench-warmup", Path(tmp))
        best_sink, best_raw, marks = 0.0, 0.0, []
        for attempt in range(2):
            rate, marks_now = sink_pass(url, records, f"bench-sink-{attempt}", Path(tmp))
            if rate > best_sink:
                best_sink, marks = rate, marks_now
            best_raw = max(best_raw, raw_pass(url, records, f"bench-raw-{attempt}", Path(tmp)))
        client.indices.refresh(index="bench-*")
        counts = {
            i["index"]: int(i["docs.count"])
            for i in client.cat.indices(index="bench-sink-*,bench-raw-*", format="json")
        }
    client.indices.delete(index="bench-*")
    client.close()
    print(f"document counts: {counts}")
    print(f"sink:            {best_sink:,.0f} docs/s")
    print(f"streaming_bulk:  {best_raw:,.0f} docs/s")
    print(f"ratio sink/raw:  {best_sink / best_raw:.2f} (target >= 0.85)")
    print("RSS during the sink pass: " + ", ".join(marks))


def main() -> None:
    """Parse arguments, start a node unless --url is given, run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--url", default=os.environ.get("OPENSEARCH_URL", ""))
    args = parser.parse_args()
    if args.url:
        run(args.url.rstrip("/"), args.records)
        return
    from tests.fixtures.opensearch_node import OpenSearchNode

    node = OpenSearchNode()
    try:
        print(f"started OpenSearch node at {node.start()}")
        run(node.url, args.records)
    finally:
        node.remove()


if __name__ == "__main__":
    main()
