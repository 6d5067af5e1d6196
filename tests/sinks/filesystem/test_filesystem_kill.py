"""A writer killed with SIGKILL at any point leaves no partial file and, rerun, no duplicate."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from core.records import decode_record
from plugins.sinks.filesystem.atomic import TEMP_PREFIX

_WRITER = Path(__file__).with_name("_writer.py")
_ROOT = Path(__file__).resolve().parents[3]
UNITS = 12
KINDS = 9


def _start(*args: str, stdin=None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(_ROOT)}
    return subprocess.Popen(
        [sys.executable, str(_WRITER), *args],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=_ROOT,
    )


def _assert_no_partial_file(root: Path) -> None:
    """Every visible blob hashes to its name; every visible record file decodes whole."""
    for path in (root / "blobs").rglob("*"):
        if path.is_file() and not path.name.startswith(TEMP_PREFIX):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name
    for path in (root / "records").rglob("*.json"):
        decode_record(path.read_bytes())


def _assert_complete_without_duplicates(root: Path, units: int) -> None:
    versions = [p for p in (root / "records").rglob("*") if p.is_file()]
    assert all(p.name == "v000001.json" for p in versions), "a replay made a second version"
    assert len(versions) == units * KINDS
    blobs = [p for p in (root / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == units
    assert not [p for p in root.rglob(f"{TEMP_PREFIX}*")], "temporary files were left"


def _kill_after(args: list[str], lines: int) -> None:
    with _start(*args) as writer:
        for _ in range(lines):
            writer.stdout.readline()
        writer.kill()
        writer.wait()
        writer.stdout.close()


def _open_for_writing(fifo: Path, writer: subprocess.Popen):
    """Open the named pipe once the writer reads it; fail if the writer exits first."""
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            assert writer.poll() is None, writer.stdout.read()
            time.sleep(0.01)
            continue
        os.set_blocking(fd, True)
        return os.fdopen(fd, "wb")


def test_sigkill_during_capture_then_rerun_gives_one_complete_archive(tmp_path):
    from tests.sinks.filesystem._writer import open_sink

    root, spool = tmp_path / "archive", tmp_path / "spool"
    args = [str(root), str(spool), str(UNITS)]
    for progress in (2, 5, 8):
        _kill_after(args, progress)
        _assert_no_partial_file(root)
    with _start(*args) as writer:
        out, _ = writer.communicate()
    assert writer.returncode == 0 and out.split() == [str(n) for n in range(UNITS)]
    _assert_complete_without_duplicates(root, UNITS)
    [finding] = open_sink(str(root)).verify()
    assert finding.ok, finding.detail


def test_sigkill_in_the_middle_of_copying_a_blob(tmp_path):
    from tests.sinks.filesystem._writer import open_sink

    root = tmp_path / "archive"
    data = os.urandom(4 << 20)
    sha = hashlib.sha256(data).hexdigest()
    fifo = tmp_path / "artifact.fifo"
    os.mkfifo(fifo)
    with _start(str(root), "--from", str(fifo), sha, str(len(data))) as writer:
        with _open_for_writing(fifo, writer) as pipe:
            pipe.write(data[: len(data) // 2])
            pipe.flush()
            partial = [p for p in root.rglob(f"{TEMP_PREFIX}*") if p.parent.name == sha[2:4]]
            while not partial or partial[0].stat().st_size < len(data) // 4:
                time.sleep(0.01)
                partial = [p for p in root.rglob(f"{TEMP_PREFIX}*") if p.parent.name == sha[2:4]]
            writer.kill()
            writer.wait()
            with contextlib.suppress(BrokenPipeError):
                pipe.close()
        writer.stdout.close()
    assert not (root / "blobs" / sha[:2] / sha[2:4] / sha).exists()
    assert not (root / "records").exists(), "records were stored before their artifact"
    complete = tmp_path / "artifact.bin"
    complete.write_bytes(data)
    with _start(str(root), "--from", str(complete), sha, str(len(data))) as writer:
        assert writer.communicate()[0].strip() == "done"
    _assert_complete_without_duplicates(root, 1)
    [finding] = open_sink(str(root)).verify()
    assert finding.ok, finding.detail
