"""End to end: `ecomms run --once` captures the simulated Zoom account, the policies
transformer scores every record, and `ecomms search --min-risk` finds the risky ones with
the hits that explain them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml

LOCATOR = re.compile(
    r"^(title|text|thread=\S+ message=\S+|segment \d\d:\d\d:\d\d\.\d{3}|entry \S+)$"
)


def write_config(path: Path, sim, policies: str) -> Path:
    config = path / "ecomms.toml"
    config.write_text(
        '[ecomms]\nstate_dir = ".ecomms"\n'
        + zoom_source_toml(sim, media="audio")
        + f"[transformers.policies]\n{policies}\n"
        + f'[sinks.sqlite]\npath = "{(path / "search.db").as_posix()}"\n',
        encoding="utf-8",
    )
    return config


def search(config: Path, sim, *args: str) -> list[dict]:
    found = run_ecomms(config, sim, "search", "--limit", "1000", "--json", *args)
    assert found.returncode == 0, found.stderr
    return [json.loads(line) for line in found.stdout.splitlines()]


def test_captured_records_are_scored_and_searchable_by_risk(tmp_path, zoom_simulator):
    sim = zoom_simulator
    config = write_config(tmp_path, sim, "")
    run = run_ecomms(config, sim, "run", "--once")
    assert run.returncode == 0, run.stderr
    everything = search(config, sim)
    assert everything and all("risk" in r for r in everything)
    risky = search(config, sim, "--min-risk", "50")
    assert risky, "the simulated account has risky chat and transcripts"
    expected = {r["id"] for r in everything if r["risk"]["score"] >= 50}
    assert {r["id"] for r in risky} == expected
    assert len(risky) < len(everything)
    for record in risky:
        for hit in record["risk"]["hits"]:
            assert LOCATOR.match(hit["where"]), hit
            assert hit["rule"].startswith("fs.") and hit["category"] in record["risk"]["categories"]


def test_switching_the_default_pack_off_leaves_every_score_at_zero(tmp_path, zoom_simulator):
    sim = zoom_simulator
    config = write_config(tmp_path, sim, "packs = []")
    assert run_ecomms(config, sim, "run", "--once").returncode == 0
    assert search(config, sim, "--min-risk", "1") == []
    everything = search(config, sim)
    assert everything and all(r["risk"]["score"] == 0 for r in everything)
