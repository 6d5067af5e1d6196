"""Benchmark of the sqlite sink's searches in the query language (core.query).

Writes N meetings of every record kind (core.testing.meeting_samples, 10 records each) into a
fresh store, then prints the median time of each kind of query over several runs. As a
baseline in the same run it counts the participant filter's matches with SQLite's ASCII-only
``lower()`` and with the Unicode ``ecomms_lower`` the query language needs, and prints the
ratio. Prints; never asserts.

    .venv/bin/python bench/sqlite_search.py [--meetings 1800] [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from core.protocols import Context, Query
from core.query import parse_time
from core.testing.samples import MEETING_ATTRIBUTES, meeting_records
from plugins.sinks.sqlite import SqliteSink

QUERIES = {
    "text, one word": Query(text="municipal"),
    "text, phrase": Query(text='"emerging markets allocation"'),
    "text, prefix": Query(text="rebal*"),
    "--where one meeting": Query(where={"MeetingUUID": ["uuid-00042=="]}),
    "--where every meeting": Query(where={"MeetingHostId": ["host-abc"]}),
    "--where date day": Query(where={"MeetingCompleteTime": ["2026-10-03"]}),
    "text + --where": Query(text="bond", where={"MeetingHostId": ["host-abc"]}),
    "participant=": Query(where={"participant": ["carol@client.example"]}),
    "risk_category=": Query(where={"risk_category": ["off_channel"]}),
    "--kind": Query(kind="chat"),
    "--until (date only)": Query(until=parse_time("2026-10-03", end=True)),
}

_PARTICIPANT_COUNT = (
    "SELECT count(*) FROM records WHERE EXISTS (SELECT 1 FROM json_each(records.json, "
    "'$.participants') p WHERE {lower}(json_extract(p.value, '$.email')) IN (?) OR "
    "{lower}(json_extract(p.value, '$.name')) IN (?))"
)


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    """Fill a store, then time each query."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=1800)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        context = Context(
            name="bench", state_dir=Path(tmp), spool_dir=Path(tmp), attributes=MEETING_ATTRIBUTES
        )
        sink = SqliteSink(SqliteSink.Config(path=f"{tmp}/search.db"), context)
        started = time.perf_counter()
        count = 0
        for i in range(args.meetings):
            records = meeting_records(f"uuid-{i:05d}==", "ab" * 32, 10)
            sink.write(records, {})
            count += len(records)
        print(f"{count} records written in {time.perf_counter() - started:.1f} s")
        for name, query in QUERIES.items():
            total = sink.search(query).total
            ms = _median_ms(lambda q=query: sink.search(q), args.runs)
            print(f"{name:<22} {ms:8.1f} ms  ({total} matches)")
        conn = sink._connection()
        timed = {}
        for lower in ("ecomms_lower", "lower"):
            sql = _PARTICIPANT_COUNT.format(lower=lower)
            params = ["carol@client.example"] * 2
            count = lambda s=sql, p=params: conn.execute(s, p).fetchone()  # noqa: E731
            timed[lower] = _median_ms(count, args.runs)
        print(
            f"participant count with Unicode ecomms_lower {timed['ecomms_lower']:.1f} ms, with "
            f"SQLite's ASCII lower {timed['lower']:.1f} ms: "
            f"ratio {timed['ecomms_lower'] / timed['lower']:.2f}"
        )
        sink.close()


if __name__ == "__main__":
    main()
