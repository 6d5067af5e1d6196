"""Readers keep searching while another process captures into the same store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.protocols import Context, Query
from plugins.sinks.sqlite import SqliteSink

_WRITER = Path(__file__).with_name("_writer.py")
_ROOT = Path(__file__).resolve().parents[3]
BATCHES, BATCH = 40, 25


def test_readers_see_whole_batches_while_a_process_writes(tmp_path):
    db = tmp_path / "search.db"
    reader = SqliteSink(
        SqliteSink.Config(path=str(db)),
        Context(name="sqlite", state_dir=tmp_path, spool_dir=tmp_path),
    )
    reader.check()  # creates the schema before the writer starts
    env = {**os.environ, "PYTHONPATH": str(_ROOT)}
    seen: list[int] = []
    with subprocess.Popen(
        [sys.executable, str(_WRITER), str(db), str(BATCHES), str(BATCH)],
        stdout=subprocess.DEVNULL,
        env=env,
        cwd=_ROOT,
    ) as writer:
        while writer.poll() is None:
            everything = reader.search(Query(text="concurrent message", limit=1))
            seen.append(everything.total)
            assert everything.total % BATCH == 0, "a reader saw half a batch"
    assert writer.returncode == 0
    assert seen == sorted(seen), "a committed batch disappeared"
    final = reader.search(Query(text="concurrent", limit=0))
    assert final.total == BATCHES * BATCH
    assert reader.search(Query(where={"Batch": [str(BATCHES - 1)]})).total == BATCH
    reader.close()


def test_a_writer_killed_mid_capture_leaves_whole_batches_and_a_rerun_completes(tmp_path):
    db = tmp_path / "search.db"
    env = {**os.environ, "PYTHONPATH": str(_ROOT)}
    args = [sys.executable, str(_WRITER), str(db), str(BATCHES), str(BATCH)]
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env, cwd=_ROOT) as first:
        for _ in range(3):
            first.stdout.readline()
        first.kill()
        first.wait()
        first.stdout.close()
    context = Context(name="sqlite", state_dir=tmp_path, spool_dir=tmp_path)
    reader = SqliteSink(SqliteSink.Config(path=str(db)), context)
    after_kill = reader.search(Query(limit=0)).total
    assert after_kill >= 3 * BATCH and after_kill % BATCH == 0
    assert all(f.ok for f in reader.verify())
    subprocess.run(args, check=True, env=env, cwd=_ROOT, stdout=subprocess.DEVNULL)
    assert reader.search(Query(limit=0)).total == BATCHES * BATCH
    reader.close()
