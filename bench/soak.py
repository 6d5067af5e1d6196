"""Soak: continuous capture for a long time (default an hour) while the simulated account
keeps completing meetings and Zoom keeps misbehaving; then every invariant is checked.

One ``ecomms run`` captures a seeded small-media account into the filesystem archive, the
SQLite store and a real OpenSearch node (started here, or ``--opensearch-url``), with
auto-delete on. Meanwhile the account completes ``--per-minute`` new meetings a minute;
every ``--fault-every`` seconds one fault switch (429 storm, 5xx, token expiry or
revocation, page-token expiry, broken or trickling downloads, an echoed token) is on for
``--fault-for`` seconds; every ``--kill-every`` seconds (0: never) the run is SIGKILLed and
restarted, and a run that exits is restarted as a service manager would. At the end the
faults stop, the capture is finished (``dlq retry --all`` and ``run --once``) and the
outside invariants checker (tests/invariants), ``ecomms audit verify`` and the secrets
sweep run. Prints a line a minute and a summary; exits 1 when an invariant is broken.

    .venv/bin/python bench/soak.py                     # an hour
    .venv/bin/python bench/soak.py --minutes 5 --seed 7 --kill-every 90

Not part of the test suite (docs/reliability.md, "The chaos suite").
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.opensearch_node import OpenSearchNode  # noqa: E402
from tests.integration.chaos_rig import ChaosRig  # noqa: E402

FAULTS = [
    ["429_burst:40"],
    ["5xx:0.2"],
    ["token_expiry:7"],
    ["revoke_tokens:5"],
    ["page_token_expiry"],
    ["truncated_download", "dropped_download"],
    ["corrupt_download", "html_download"],
    ["trickle_download:64"],
    ["echo_token:2"],
]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--meetings", type=int, default=60, help="account at the start")
    parser.add_argument("--per-minute", type=float, default=6.0, help="meetings completing")
    parser.add_argument("--fault-every", type=float, default=60.0)
    parser.add_argument("--fault-for", type=float, default=15.0)
    parser.add_argument("--kill-every", type=float, default=300.0)
    parser.add_argument("--opensearch-url", default=None)
    parser.add_argument("--dir", type=Path, default=None, help="kept afterwards")
    return parser.parse_args()


def _soak(rig: ChaosRig, args: argparse.Namespace, rng: random.Random) -> dict[str, int]:
    figures = {"faults": 0, "kills": 0, "exits": 0}
    end = time.monotonic() + args.minutes * 60
    next_fault = next_kill = next_line = time.monotonic()
    next_fault += args.fault_every
    next_kill += args.kill_every or float("inf")
    fault_off = float("inf")
    run = rig.start_run()
    owed, last = 0.0, time.monotonic()
    try:
        while time.monotonic() < end:
            now = time.monotonic()
            owed += (now - last) * args.per_minute / 60
            last = now
            if owed >= 1:
                rig.sim.complete_meetings(int(owed))
                owed -= int(owed)
            if run.poll() is not None:
                figures["exits"] += 1
                run = rig.start_run()
            if now >= next_fault:
                rig.sim.set_faults(rng.choice(FAULTS))
                figures["faults"] += 1
                fault_off, next_fault = now + args.fault_for, now + args.fault_every
            if now >= fault_off:
                rig.sim.set_faults([])
                fault_off = float("inf")
            if now >= next_kill:
                rig.kill(run)
                figures["kills"] += 1
                run, next_kill = rig.start_run(), now + args.kill_every
            if now >= next_line:
                done = sum(m.status == "completed" for m in rig.sim.account.meetings)
                faults = rig.sim.inspect()["faults"]
                stamp = time.strftime("%H:%M:%S")
                line = f"{stamp} completed at Zoom {done}, committed {rig.committed()}"
                print(f"{line}, faults {faults}", flush=True)
                next_line = now + 60
            time.sleep(0.5)
    finally:
        rig.sim.set_faults([])
        rig.kill(run)
    return figures


def main() -> int:
    """Run the soak; 0 when every invariant holds, 1 otherwise."""
    args = _arguments()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    rng = random.Random(seed)
    directory = args.dir or Path(tempfile.mkdtemp(prefix="ecomms-soak-"))
    directory.mkdir(parents=True, exist_ok=True)
    node = None if args.opensearch_url else OpenSearchNode()
    url = args.opensearch_url or node.start()
    rig = ChaosRig.start(
        directory,
        url,
        seed,
        args.meetings,
        page_size=20,
        timeout_seconds=5.0,
        request_deadline_seconds=20.0,
    )
    # corrupt_download flips a byte of chat attachments too, which Zoom gives no fingerprint
    # for: the archive holds what was served, so only their sizes are checked
    rig.selection = dataclasses.replace(rig.selection, attachment_digests=False)
    print(f"soak seed {seed} in {directory}, {args.minutes:g} min", flush=True)
    try:
        figures = _soak(rig, args, rng)
        rig.finish()
        rig.ecomms("dlq", "retry", "--all")
        rig.finish()
        problems = rig.final() + rig.secret_leaks()
        audit = rig.audit()
        if audit.returncode != 0:
            problems.append(f"audit verify failed: {audit.stdout[-2000:]}")
    finally:
        rig.sim.stop()
        if node is not None:
            node.remove()
    meetings = len(rig.sim.account.meetings)
    print(f"seed {seed}: {meetings} meetings, {rig.committed()} committed, {figures}")
    for problem in problems:
        print("VIOLATION", problem)
    print("ok: every invariant holds" if not problems else f"{len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
