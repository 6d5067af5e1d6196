"""Benchmark: work from the archive of record without the source.

``rebuild``: an archive of N records (core.testing.meeting_samples: one record of every kind
per meeting) is refilled into an empty sqlite store by ``ecomms rebuild sqlite`` in a child
process;
prints the time, records/s and the child's peak RSS (constant memory: it streams the
archive in id order and writes in batches). The archive is built on a RAM disk when there
is one (building it is not what is measured); the sqlite store is written to the ordinary
temporary directory, with its fsyncs.

``reprocess``: N meetings of the Zoom simulator are captured (``ecomms run --once``, the
default policies, filesystem + sqlite), then derived again from the archive by ``ecomms
reprocess`` with the simulator stopped. From the custody ledger's times: the first capture's
derivation rate (records over the time from each unit's ``commit`` entry to its ``derive``
entry: transformers and sink writes, no download) and the reprocess rate (records over the
time between its first and last ``derive`` entries: reading the archive back, transformers,
sink writes); prints both, their ratio (target >= 0.8) and the reprocess child's peak RSS.

Prints; never asserts.

    .venv/bin/python bench/reprocess.py rebuild [--records 100000] [--batch 500]
    .venv/bin/python bench/reprocess.py reprocess [--meetings 40]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
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


def _derivations(state: Path) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """Per unit, (seconds, records) of the capture's derivations, and (time, records) of
    the reprocess ``derive`` entries, from the ledger."""
    db = sqlite3.connect(state / "state.db")
    rows = db.execute("SELECT time, event, unit_key, data FROM ledger ORDER BY seq").fetchall()
    db.close()
    committed: dict[str, float] = {}
    capture: list[tuple[float, int]] = []
    again: list[tuple[float, int]] = []
    for time_text, event, key, data in rows:
        moment = datetime.fromisoformat(time_text).timestamp()
        payload = json.loads(data)
        if event == "commit":
            committed[key] = moment
        elif event == "derive" and payload.get("reason") == "reprocess":
            again.append((moment, len(payload["record_ids"])))
        elif event == "derive" and key in committed:
            capture.append((moment - committed.pop(key), len(payload["record_ids"])))
    return capture, again


def reprocess(meetings: int) -> None:
    """Capture from the simulator, reprocess from the archive, print the rates."""
    from ecomms_zoom_simulator import Simulator, SimulatorConfig

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fixtures.zoom_simulator import zoom_source_toml

    sim = Simulator(SimulatorConfig(seed=3, meetings=meetings, small_media=True,
                                    plan="unlimited")).start()  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        config = directory / "ecomms.toml"
        config.write_text(
            f'[ecomms]\nstate_dir = "{directory / "state"}"\n' + zoom_source_toml(sim)
            + "[transformers.policies]\n" + _CONFIG.split("\n", 3)[3].format(
                archive=directory / "archive", search=directory / "search.db")
        )  # fmt: skip
        os.environ["ZOOM_CLIENT_SECRET"] = sim.client_secret
        run = [*_ecomms(), "--config", str(config)]
        first, _, _ = _child([*run, "run", "--once"], directory)
        sim.stop()
        elapsed, peak, out = _child([*run, "reprocess"], directory)
        capture, again = _derivations(directory / "state")
    records = sum(n for _, n in capture)
    capture_rate = records / sum(s for s, _ in capture)
    span = again[-1][0] - again[0][0]
    again_rate = sum(n for _, n in again[1:]) / span
    print(f"capture: {len(capture)} units, {records} records in {first:.1f} s (downloads"
          f" included); derivation {capture_rate:,.0f} records/s")  # fmt: skip
    print(out)
    print(f"reprocess: {len(again)} units in {elapsed:.1f} s (process start included);"
          f" {again_rate:,.0f} records/s, peak RSS {peak / 1024:.0f} MiB")  # fmt: skip
    print(f"ratio reprocess/capture derivation: {again_rate / capture_rate:.2f} (target >= 0.8)")


def main() -> None:
    """Parse the arguments and run the chosen benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="bench", required=True)
    r = commands.add_parser("rebuild", help="rebuild a sqlite store from the archive")
    r.add_argument("--records", type=int, default=100_000)
    r.add_argument("--batch", type=int, default=500)
    p = commands.add_parser("reprocess", help="derive captured meetings again from the archive")
    p.add_argument("--meetings", type=int, default=40)
    args = parser.parse_args()
    os.environ.pop("ECOMMS_CONFIG", None)
    if args.bench == "rebuild":
        rebuild(args.records, args.batch)
    else:
        reprocess(args.meetings)


if __name__ == "__main__":
    main()
