"""Benchmark: work from the archive of record without the source.

``rebuild``: an archive of N records (core.testing.meeting_samples: one record of every kind
per meeting) is refilled into an empty sqlite store by ``ecomms rebuild sqlite`` in a child
process;
prints the time, records/s and the child's peak RSS (constant memory: it streams the
archive in id order and writes in batches). The archive is built on a RAM disk when there
is one (building it is not what is measured); the sqlite store is written to the ordinary
temporary directory, with its fsyncs.

Prints; never asserts.

    .venv/bin/python bench/reprocess.py rebuild [--records 100000] [--batch 500]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.protocols import Context
from core.testing.samples import make_blob, meeting_records
from plugins.sinks.filesystem import FilesystemSink

_CONFIG = """
[ecomms]
state_dir = "{state}"
[sinks.filesystem]
path = "{archive}"
[sinks.sqlite]
path = "{search}"
"""


def _ecomms() -> list[str]:
    script = Path(sys.executable).with_name("ecomms")
    return [str(script)] if script.exists() else [sys.executable, "-m", "core"]


def build_archive(root: Path, records: int) -> int:
    """An archive of ``records`` sample records (rounded up to whole meetings); how many."""
    context = Context(name="filesystem", state_dir=root, spool_dir=root / "spool")
    sink = FilesystemSink(FilesystemSink.Config(path=str(root / "archive")), context)
    sha, blob = make_blob(root / "spool", b"the media bytes of every bench meeting")
    written, meeting = 0, 0
    while written < records:
        batch = [r for n in range(meeting, meeting + 100)
                 for r in meeting_records(f"uuid-{n:06d}==", sha, 38)]  # fmt: skip
        sink.write(batch, {sha: blob})
        written, meeting = written + len(batch), meeting + 100
    return written


def _child(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run ``command``; its wall time, peak RSS in KiB and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before), done.stdout.strip()


def rebuild(records: int, batch: int) -> None:
    """Build the archive, rebuild sqlite from it, print the figures."""
    ram = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=ram) as fast, tempfile.TemporaryDirectory() as disk:
        started = time.perf_counter()
        total = build_archive(Path(fast), records)
        print(f"archive: {total} records built in {time.perf_counter() - started:.1f} s")
        config = Path(disk) / "ecomms.toml"
        search = Path(disk) / "search.db"
        config.write_text(
            _CONFIG.format(
                state=Path(disk) / "state", archive=Path(fast) / "archive", search=search
            )
        )
        command = [*_ecomms(), "--config", str(config), "rebuild", "sqlite", "--batch", str(batch)]
        elapsed, peak, out = _child(command, Path(disk))
        size = sum(p.stat().st_size for p in Path(disk).glob("search.db*"))
    print(out)
    print(f"rebuild sqlite: {elapsed:.1f} s, {total / elapsed:,.0f} records/s (process start"
          f" included), peak RSS {peak / 1024:.0f} MiB, store {size / 1e6:.0f} MB")  # fmt: skip


def main() -> None:
    """Parse the arguments and run the chosen benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="bench", required=True)
    r = commands.add_parser("rebuild", help="rebuild a sqlite store from the archive")
    r.add_argument("--records", type=int, default=100_000)
    r.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    os.environ.pop("ECOMMS_CONFIG", None)
    if args.bench == "rebuild":
        rebuild(args.records, args.batch)


if __name__ == "__main__":
    main()
