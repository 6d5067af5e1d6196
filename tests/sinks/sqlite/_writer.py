"""Helper process: write BATCHES batches of BATCH records each into the store at PATH."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from core.protocols import Context
from core.records import ChatRecord, Message, Thread, record_id
from plugins.sinks.sqlite import SqliteSink


def main(path: str, batches: int, batch: int) -> None:
    """Write the batches, printing one line after each committed batch."""
    context = Context(name="sqlite", state_dir=Path(path).parent, spool_dir=Path(path).parent)
    sink = SqliteSink(SqliteSink.Config(path=path), context)
    for number in range(batches):
        records = [
            ChatRecord(
                id=record_id("w", str(number), str(i)),
                source="w",
                platform="zoom",
                occurred_at=datetime(2026, 10, 3, tzinfo=UTC),
                attributes={"Batch": number},
                threads=[
                    Thread(
                        id="t",
                        type="public",
                        messages=[
                            Message(id="m", thread_id="t", text=f"concurrent message {number} {i}")
                        ],
                    )
                ],
            )
            for i in range(batch)
        ]
        sink.write(records, {})
        print(number, flush=True)
    sink.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
