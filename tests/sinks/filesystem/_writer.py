"""Helper process: capture units into a filesystem archive, one line printed per unit.

``_writer.py ARCHIVE SPOOL UNITS`` writes UNITS units (a 1 MiB blob and one record of every
kind each). ``_writer.py ARCHIVE --from PATH SHA SIZE`` writes one unit whose artifact bytes
are read from PATH (a named pipe, so a test can stop the copy half-way).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from core.protocols import Context
from core.testing.samples import make_blob, meeting_records
from plugins.sinks.filesystem import FilesystemSink


def blob_bytes(unit: int) -> bytes:
    """The deterministic artifact bytes of unit number ``unit``."""
    return random.Random(unit).randbytes(1 << 20)


def open_sink(archive: str) -> FilesystemSink:
    """A filesystem sink on ``archive``."""
    root = Path(archive)
    context = Context(name="filesystem", state_dir=root.parent, spool_dir=root.parent)
    return FilesystemSink(FilesystemSink.Config(path=archive), context)


def main(argv: list[str]) -> None:
    """Write the units the arguments describe."""
    sink = open_sink(argv[0])
    if argv[1] == "--from":
        source, sha, size = Path(argv[2]), argv[3], int(argv[4])
        sink.write(meeting_records("pipe-unit", sha, size), {sha: source})
        print("done", flush=True)
        return
    for unit in range(int(argv[2])):
        sha, path = make_blob(Path(argv[1]), blob_bytes(unit))
        sink.write(meeting_records(f"unit-{unit}", sha, 1 << 20), {sha: path})
        print(unit, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
