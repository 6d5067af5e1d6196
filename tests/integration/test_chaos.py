"""Chaos: ``ecomms run`` SIGKILLed at random moments over the whole stack, then resumed.

A seeded account of small-media meetings, the filesystem + SQLite + real OpenSearch sinks,
auto-delete on. Each restart must commit something new before it is killed again (a random
moment after its first new commit); after every kill the safety invariants are checked from
the outside (tests/invariants), and once the capture is finished every invariant and
``ecomms audit verify``. ``ECOMMS_CHAOS_SEED=N`` reruns a seed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.chaos_rig import ChaosRig, chaos_seed

pytestmark = [pytest.mark.chaos, pytest.mark.opensearch]

MEETINGS = 90  # 75 completed units; one clean pass of them takes ~40 s on 2 cores
KILLS = 20
LATEST_KILL = 1.0  # seconds after a restart's first new commit


@pytest.fixture
def rig(opensearch_url: str, tmp_path: Path) -> Iterator[ChaosRig]:
    """A chaos rig on the session's OpenSearch node; the simulator stops after the test."""
    rig = ChaosRig.start(tmp_path, opensearch_url, chaos_seed(), MEETINGS)
    try:
        yield rig
    finally:
        rig.sim.stop()


def test_sigkill_at_random_moments_loses_doubles_and_releases_nothing(rig: ChaosRig) -> None:
    """20 SIGKILLs, each after the restart made progress; every invariant holds throughout."""
    rng = random.Random(rig.seed)
    committed = 0
    history = []
    for kill in range(KILLS):
        run = rig.start_run()
        try:
            committed = rig.wait_for_progress(run, committed)
            delay = rng.uniform(0, LATEST_KILL)
            history.append((committed, round(delay, 2)))
            time.sleep(delay)
        finally:
            rig.kill(run)
        problems = rig.safety()
        assert not problems, f"seed {rig.seed}, after kill {kill + 1}: {problems[:10]}"
        committed = rig.committed()
    print(f"seed {rig.seed}: (committed, kill delay) per restart {history}")
    rig.finish()
    problems = rig.final()
    assert not problems, f"seed {rig.seed}: {problems[:10]}"
    audit = rig.audit()
    assert audit.returncode == 0, f"seed {rig.seed}: {audit.stdout[-3000:]}"
