"""A full state directory (issue 14 item 5): one clear line, exit 1, nothing lost, resumes.

The state directory lives on a small tmpfs, so the disk really fills: writes fail with
``ENOSPC`` (no file size limit is simulated). Filling it leaves just enough room for the
state database but not for a spooled file (the spool is full), or no room at all (the state
database is full). Either way the run stops with one line naming the path and what to do,
no traceback and no "cannot rollback"; once space returns, the next run captures every unit
exactly once. Mounting a tmpfs needs root: elsewhere the tests are skipped, saying so.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.testing import read_acks
from tests.core.hosthelp import ecomms

SIZE = 4 << 20


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 4 MiB tmpfs mounted for this test (outside pytest's private temporary tree)."""
    mount = Path("/tmp") / f"ecomms-small-disk-{uuid.uuid4().hex[:8]}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        shutil.rmtree(mount, ignore_errors=True)


def _fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` up to ``leave`` free bytes with a filler file; return it."""
    filler = disk / "filler"
    with filler.open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))
    return filler


def _config(tmp_path: Path, disk: Path, files: int) -> None:
    (tmp_path / "ecomms.toml").write_text(
        f'[ecomms]\nstate_dir = "{disk / "state"}"\nsink_backoff = 0\n'
        f"[sources.fake]\nunits = 6\nfiles = {files}\nfile_size = {256 << 10}\n"
        f'[sinks.a]\nplugin = "fake_sink"\npath = "{tmp_path / "store"}"\n'
    )


def _assert_one_line(done: subprocess.CompletedProcess[str], path: Path) -> None:
    """Exit 1 and one error line naming ``path`` (or a file under it) and what to do."""
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "cannot rollback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: no space left"), done.stderr
    assert (
        ": free space on the disk of the path named (or move it to a larger one) and run"
        in (errors[0])
    )
    assert "nothing committed was lost, capture resumes where it stopped" in errors[0]
    assert f"(path={path}" in errors[0]


def test_a_full_spool_stops_the_run_and_it_resumes_when_space_returns(
    tmp_path: Path, small_disk: Path
) -> None:
    _config(tmp_path, small_disk, files=1)
    assert ecomms(tmp_path, "check").returncode == 0
    filler = _fill(small_disk, leave=128 << 10)  # room for state.db, none for a 256 KiB file
    full = ecomms(tmp_path, "run", "--once")
    _assert_one_line(full, small_disk / "state")  # a failed write names no file: the directory
    assert "no space left on device" in full.stderr
    state = small_disk / "state"
    assert len(read_acks(state)) < 6
    filler.unlink()
    resumed = ecomms(tmp_path, "run", "--once")
    assert resumed.returncode == 0, resumed.stderr
    assert Counter(a["key"] for a in read_acks(state)) == {f"u{i:04d}": 1 for i in range(1, 7)}


def test_a_full_state_database_stops_the_run_and_it_resumes(
    tmp_path: Path, small_disk: Path
) -> None:
    _config(tmp_path, small_disk, files=0)
    (tmp_path / "ecomms.toml").write_text(
        (tmp_path / "ecomms.toml").read_text().replace("units = 6", "units = 2")
    )
    assert ecomms(tmp_path, "run", "--once").returncode == 0  # state.db exists, 2 committed
    (tmp_path / "ecomms.toml").write_text(
        (tmp_path / "ecomms.toml").read_text().replace("units = 2", "units = 6")
    )
    filler = _fill(small_disk, leave=0)
    full = ecomms(tmp_path, "run", "--once")
    _assert_one_line(full, small_disk / "state" / "state.db")
    assert "no space left for the database" in full.stderr
    status = ecomms(tmp_path, "status", "--json")  # read-only: works on a full disk
    assert status.returncode == 0, status.stderr
    filler.unlink()
    resumed = ecomms(tmp_path, "run", "--once")
    assert resumed.returncode == 0, resumed.stderr
    state = small_disk / "state"
    assert Counter(a["key"] for a in read_acks(state)) == {f"u{i:04d}": 1 for i in range(1, 7)}
    assert ecomms(tmp_path, "audit", "verify").returncode == 0
