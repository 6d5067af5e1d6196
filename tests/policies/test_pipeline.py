"""End to end: `ecomms run --once` captures the simulated Zoom account, the policies
transformer scores every record, and `ecomms search --min-risk` finds the risky ones with
the hits that explain them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ECOMMS = str(Path(sys.executable).with_name("ecomms"))
LOCATOR = re.compile(
    r"^(title|text|thread=\S+ message=\S+|segment \d\d:\d\d:\d\d\.\d{3}|entry \S+)$"
)


def write_config(path: Path, sim, policies: str) -> Path:
    lines = [
        "[ecomms]",
        'state_dir = ".ecomms"',
        "[sources.zoom_ecomms]",
        f'account_id = "{sim.account_id}"',
        f'client_id = "{sim.client_id}"',
        'client_secret = { env = "ZOOM_CLIENT_SECRET" }',
        f'api_base_url = "{sim.api_base_url}"',
        f'oauth_token_url = "{sim.oauth_token_url}"',
        f'capture_from = "{sim.capture_from}"',
        'media = "audio"',
        "[transformers.policies]",
        policies,
        "[sinks.sqlite]",
        f'path = "{(path / "search.db").as_posix()}"',
    ]
    config = path / "ecomms.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def ecomms(config: Path, sim, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ZOOM_CLIENT_SECRET=sim.client_secret)
    return subprocess.run(
        [ECOMMS, "--config", str(config), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def search(config: Path, sim, *args: str) -> list[dict]:
    found = ecomms(config, sim, "search", "--limit", "1000", "--json", *args)
    assert found.returncode == 0, found.stderr
    return [json.loads(line) for line in found.stdout.splitlines()]


def test_captured_records_are_scored_and_searchable_by_risk(tmp_path, zoom_simulator):
    sim = zoom_simulator
    config = write_config(tmp_path, sim, "")
    run = ecomms(config, sim, "run", "--once")
    assert run.returncode == 0, run.stderr
    everything = search(config, sim)
    assert everything and all("risk" in r for r in everything)
    risky = search(config, sim, "--min-risk", "50")
    assert risky, "the simulated account has risky chat and transcripts"
    assert all(r["risk"]["score"] >= 50 for r in risky)
    assert len(risky) < len(everything)
    for record in risky:
        for hit in record["risk"]["hits"]:
            assert LOCATOR.match(hit["where"]), hit
            assert hit["rule"].startswith("fs.") and hit["category"] in record["risk"]["categories"]


def test_switching_the_default_pack_off_leaves_every_score_at_zero(tmp_path, zoom_simulator):
    sim = zoom_simulator
    config = write_config(tmp_path, sim, "packs = []")
    assert ecomms(config, sim, "run", "--once").returncode == 0
    assert search(config, sim, "--min-risk", "1") == []
    assert search(config, sim)
