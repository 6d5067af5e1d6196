"""The whole stack for the chaos tests: a seeded simulated Zoom account with small media,
``ecomms run`` over the filesystem, SQLite and OpenSearch sinks with auto-delete on, each
run's output kept in ``logs/`` (the secrets sweep reads it), and the invariants checker.

``ECOMMS_CHAOS_SEED`` reruns one seed; otherwise each test draws one and prints it (pytest
shows it with the failure, and every assertion message names it).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from ecomms_zoom_simulator import Simulator, SimulatorConfig

from tests.fixtures import cli
from tests.invariants.checker import Selection, Stores, final_violations, safety_violations
from tests.invariants.secrets import leaks, simulator_secrets

SECRET_VARIABLE = "CHAOS_ZOOM_CLIENT_SECRET"
SELECTION = Selection(media="audio", content=("chat", "transcripts", "closed_captions"))
PROGRESS_TIMEOUT = 90.0  # seconds a restarted run may take to commit its first new unit

CONFIG = """
[ecomms]
state_dir = ".ecomms"
sink_backoff = 0.2
sink_retries = 2
poll_interval = 10

[sources.zoom_ecomms]
account_id = "{sim.account_id}"
client_id = "{sim.client_id}"
client_secret = {{ env = "{variable}" }}
media = "audio"
content = ["chat", "transcripts", "closed_captions"]
auto_delete = true
capture_from = "{sim.capture_from}"
api_base_url = "{sim.api_base_url}"
oauth_token_url = "{sim.oauth_token_url}"
{extra}

[transformers.policies]

[sinks.filesystem]
path = "archive"

[sinks.sqlite]
path = "search.db"

[sinks.opensearch]
hosts = ["{url}"]
index = "{index}"
"""


def chaos_seed() -> int:
    """The seed to run: ``ECOMMS_CHAOS_SEED`` when set, else a fresh one (printed)."""
    seed = int(os.environ.get("ECOMMS_CHAOS_SEED") or random.SystemRandom().randrange(10**6))
    print(f"chaos seed {seed} (rerun: ECOMMS_CHAOS_SEED={seed})")
    return seed


@dataclass
class ChaosRig:
    """One capture directory, its simulator and the commands run against it."""

    directory: Path
    sim: Simulator
    opensearch_url: str
    seed: int
    index: str = field(default_factory=lambda: f"chaos-{uuid.uuid4().hex[:10]}")
    selection: Selection = SELECTION
    runs: int = 0

    @classmethod
    def start(
        cls,
        directory: Path,
        opensearch_url: str,
        seed: int,
        meetings: int,
        simulator: dict[str, Any] | None = None,
        **source: str | int | float,
    ) -> ChaosRig:
        """Start the simulator (``seed``, ``meetings``, small media, plus ``simulator``
        settings) and write the config; ``source`` adds options to the Zoom source's section."""
        config = SimulatorConfig(
            seed=seed, meetings=meetings, small_media=True, **(simulator or {})
        )
        rig = cls(directory, Simulator(config).start(), opensearch_url, seed)
        (directory / "logs").mkdir()
        (directory / "ecomms.toml").write_text(
            CONFIG.format(
                sim=rig.sim,
                variable=SECRET_VARIABLE,
                url=opensearch_url,
                index=rig.index,
                extra="\n".join(f"{k} = {v!r}" for k, v in source.items()),
            )
        )
        return rig

    @property
    def stores(self) -> Stores:
        """Where the capture's state and sinks live, for the checker."""
        return Stores(
            state_dir=self.directory / ".ecomms",
            archive=self.directory / "archive",
            sqlite=self.directory / "search.db",
            opensearch_url=self.opensearch_url,
            opensearch_index=self.index,
        )

    @property
    def env(self) -> dict[str, str]:
        """The environment of every ecomms command (the client secret)."""
        return {SECRET_VARIABLE: self.sim.client_secret}

    def _logs(self, name: str) -> tuple[Path, Path]:
        self.runs += 1
        stem = self.directory / "logs" / f"{self.runs:03d}-{name}"
        return stem.with_suffix(".out"), stem.with_suffix(".err")

    def last_log(self) -> str:
        """The end of the latest command's stderr (for failure messages)."""
        logs = sorted((self.directory / "logs").glob("*.err"))
        return logs[-1].read_text(errors="replace")[-3000:] if logs else ""

    def start_run(self) -> subprocess.Popen[str]:
        """Start a continuous ``ecomms run``; its output goes to ``logs/``."""
        out, err = self._logs("run")
        with out.open("w") as stdout, err.open("w") as stderr:
            return cli.start_ecomms(
                "run", cwd=self.directory, env=self.env, stdout=stdout, stderr=stderr
            )

    def ecomms(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run one ecomms command to its end; its output is kept in ``logs/`` too."""
        done = cli.ecomms(*args, cwd=self.directory, env=self.env, timeout=timeout)
        out, err = self._logs(args[0])
        out.write_text(done.stdout)
        err.write_text(done.stderr)
        return done

    def committed(self) -> int:
        """How many units the state database calls committed right now."""
        path = self.directory / ".ecomms" / "state.db"
        if not path.exists():
            return 0
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return db.execute("SELECT count(*) FROM units WHERE status = 'committed'").fetchone()[0]
        except sqlite3.OperationalError:  # the first run has not made its tables yet
            return 0
        finally:
            db.close()

    def wait_for_progress(self, run: subprocess.Popen[str], before: int) -> int:
        """Wait until more than ``before`` units are committed; the new count."""
        deadline = time.monotonic() + PROGRESS_TIMEOUT
        while time.monotonic() < deadline:
            now = self.committed()
            if now > before:
                return now
            if run.poll() is not None:
                raise AssertionError(
                    f"seed {self.seed}: ecomms run exited {run.returncode}:\n{self.last_log()}"
                )
            time.sleep(0.05)
        raise AssertionError(f"seed {self.seed}: no unit committed {PROGRESS_TIMEOUT:.0f} s")

    @staticmethod
    def kill(run: subprocess.Popen[str]) -> None:
        """SIGKILL a run and reap it."""
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)

    def finish(self, passes: int = 3) -> None:
        """``run --once`` until a pass commits nothing new (at most ``passes`` passes)."""
        for _ in range(passes):
            before = self.committed()
            done = self.ecomms("run", "--once")
            assert done.returncode == 0, f"seed {self.seed}: {done.stderr[-3000:]}"
            if self.committed() == before:
                return

    def safety(self) -> list[str]:
        """Violations of the invariants that hold at every moment."""
        return safety_violations(self.sim, self.stores, self.selection)

    def final(self, allow_dead: bool = False) -> list[str]:
        """Violations of every invariant of a complete capture."""
        return final_violations(self.sim, self.stores, self.selection, allow_dead=allow_dead)

    def secret_leaks(self) -> list[str]:
        """Every place under the capture directory (logs, state database and a dump of it,
        archive, SQLite store) or in the OpenSearch index holding a secret or a token."""
        dumps = self.directory / "logs"
        db = sqlite3.connect(f"file:{self.directory / '.ecomms' / 'state.db'}?mode=ro", uri=True)
        try:
            (dumps / "state-dump.sql").write_text("\n".join(db.iterdump()))
        finally:
            db.close()
        with httpx.Client(base_url=self.opensearch_url, timeout=60) as client:
            body = {"size": 10000, "query": {"match_all": {}}}
            found = client.post(f"/{self.index}/_search", json=body).raise_for_status()
            (dumps / "opensearch-records.json").write_bytes(found.content)
        return leaks(simulator_secrets(self.sim), [self.directory])

    def audit(self) -> subprocess.CompletedProcess[str]:
        """``ecomms audit verify``."""
        return self.ecomms("audit", "verify")
