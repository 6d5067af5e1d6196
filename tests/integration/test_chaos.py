"""Chaos: ``ecomms run`` SIGKILLed at random moments over the whole stack, then resumed.

A seeded account of small-media meetings, the filesystem + SQLite + real OpenSearch sinks,
auto-delete on. Each restart must commit something new before it is killed again (a random
moment after its first new commit); after every kill the safety invariants are checked from
the outside (tests/invariants), and once the capture is finished every invariant and
``ecomms audit verify``. ``ECOMMS_CHAOS_SEED=N`` reruns a seed.
"""

from __future__ import annotations

import dataclasses
import random
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.opensearch_node import OpenSearchNode
from tests.integration.chaos_rig import ChaosRig, chaos_seed

pytestmark = [pytest.mark.chaos, pytest.mark.opensearch]

MEETINGS = 72  # 60 completed units; ~25-40 are committed under the kills, the rest after
KILLS = 20
LATEST_KILL = 1.0  # seconds after a restart's first new commit


UNLISTED = "is not listed in the manifest"


def _assert_audit_passes(rig: ChaosRig) -> None:
    """``audit verify`` passes; when a kill left a record file unlisted in the archive's
    manifest (a known bug, reported, not yet fixed) the test is an expected failure."""
    audit = rig.audit()
    if audit.returncode == 0:
        return
    failed = [line for line in audit.stdout.splitlines() if line.startswith("FAIL")]
    unlisted = [line for line in failed if UNLISTED in line]
    if unlisted and len(failed) == len(unlisted) + 1:  # + the sink's summary line
        pytest.xfail(
            f"seed {rig.seed}: known bug (filesystem sink): after a SIGKILL a record file "
            f"stays unlisted in the manifest though the capture completed: {unlisted[0]}"
        )
    raise AssertionError(f"seed {rig.seed}: {audit.stdout[-3000:]}")


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
        if committed >= MEETINGS:  # the capture finished before every planned kill
            assert kill >= KILLS // 2, f"seed {rig.seed}: only {kill} kills before the end"
            break
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
    leaks = rig.secret_leaks()
    assert not leaks, f"seed {rig.seed}: {leaks}"
    _assert_audit_passes(rig)


FAULT_MEETINGS = 36  # 30 completed units
# (simulator fault switches, how long they stay on): "progress" holds them until two more
# units are committed under them, a number of seconds holds them that long
FAULT_STEPS: list[tuple[list[str], str | float]] = [
    (["429_burst:40"], "progress"),
    (["5xx:0.2"], "progress"),
    (["token_expiry:7"], "progress"),
    (["revoke_tokens:5"], "progress"),
    (["page_token_expiry"], "progress"),
    (["truncated_download", "dropped_download"], "progress"),
    (["corrupt_download", "html_download"], "progress"),
    (["trickle_download:64", "trickle_listing:64"], 6.0),
    (["echo_token:3"], "progress"),
]


@pytest.fixture
def fault_rig(throwaway_opensearch: OpenSearchNode, tmp_path: Path) -> Iterator[ChaosRig]:
    """A rig on an OpenSearch node of its own (stopped and restarted mid-capture), with
    small listing pages (so page tokens are used) and short deadlines (so trickles end)."""
    rig = ChaosRig.start(
        tmp_path,
        throwaway_opensearch.url,
        chaos_seed(),
        FAULT_MEETINGS,
        page_size=10,
        timeout_seconds=2.0,
        request_deadline_seconds=4.0,
    )
    # corrupt_download flips a byte of chat attachments too, which Zoom gives no fingerprint
    # for (docs/zoom.md): the archive holds what was served, so only their sizes are checked
    rig.selection = dataclasses.replace(rig.selection, attachment_digests=False)
    try:
        yield rig
    finally:
        rig.sim.stop()


def _hold(rig: ChaosRig, run: subprocess.Popen[str], until: str | float) -> None:
    if until == "progress":
        rig.wait_for_progress(run, rig.committed() + 1)
    else:
        time.sleep(float(until))


def _supervised(rig: ChaosRig, run: subprocess.Popen[str], exits: list[str]):
    """``run``, or a new one when it has exited (as a service manager restarts it); the
    last line of each exit is noted in ``exits``."""
    if run.poll() is None:
        return run
    exits.append(f"{run.returncode}: {rig.last_log().strip().splitlines()[-1]}")
    return rig.start_run()


def test_faults_at_zoom_and_an_opensearch_outage_lose_double_and_release_nothing(
    fault_rig: ChaosRig, throwaway_opensearch: OpenSearchNode
) -> None:
    """Each fault switch in turn under a continuous run (restarted if it exits), then
    OpenSearch stopped and restarted; after the faults, ``dlq retry --all`` and one more
    pass complete the capture with every invariant holding."""
    rig, exits = fault_rig, []
    run = rig.start_run()
    try:
        rig.wait_for_progress(run, 0)
        for faults, until in FAULT_STEPS:
            rig.sim.set_faults(faults)
            for _ in range(3):
                run = _supervised(rig, run, exits)
                try:
                    _hold(rig, run, until)
                    break
                except AssertionError:
                    if run.poll() is None:
                        raise
            problems = rig.safety()
            assert not problems, f"seed {rig.seed}, under {faults}: {problems[:10]}"
        rig.sim.set_faults([])
        run = _supervised(rig, run, exits)
        rig.wait_for_progress(run, rig.committed())  # a healthy run, capturing
        throwaway_opensearch.stop()
        before = rig.committed()
        time.sleep(3)
        throwaway_opensearch.start()
        assert run.poll() is None, f"seed {rig.seed}: the run did not survive the outage"
        rig.wait_for_progress(run, before)
    finally:
        rig.kill(run)
    print(f"seed {rig.seed}: runs that exited under faults: {exits}")
    rig.finish()
    retried = rig.ecomms("dlq", "retry", "--all")
    assert retried.returncode == 0, f"seed {rig.seed}: {retried.stdout}{retried.stderr}"
    rig.finish()
    problems = rig.final()
    assert not problems, f"seed {rig.seed}: {problems[:10]}"
    leaks = rig.secret_leaks()
    assert not leaks, f"seed {rig.seed}: {leaks}"
    _assert_audit_passes(rig)
