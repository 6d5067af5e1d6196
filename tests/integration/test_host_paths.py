"""Relative paths in the config are taken from the config file's directory, not the cwd."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.hosthelp import ecomms

CONFIG = """
[ecomms]
state_dir = "state"
[sources.fake]
units = 3
files = 1
[transformers.policies]
packs = []
policy_file = "rules.toml"
[sinks.filesystem]
path = "archive"
[sinks.sqlite]
path = "search.db"
[sinks.copy]
plugin = "fake_sink"
path = "copy"
"""

RULES = """
[categories]
units = "Talk about units"

[[rules]]
id = "test.units"
kind = "lexicon"
category = "units"
weight = 0.5
description = "Mentions a unit"
phrases = ["about unit"]
"""


def test_commands_from_another_directory_find_the_same_store(tmp_path: Path) -> None:
    """check, run and search from elsewhere with --config all use the config's directory."""
    home, elsewhere = tmp_path / "deploy", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    config = home / "ecomms.toml"
    config.write_text(CONFIG)
    (home / "rules.toml").write_text(RULES)
    checked = ecomms(elsewhere, "--config", str(config), "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    run = ecomms(elsewhere, "--config", str(config), "run", "--once")
    assert run.returncode == 0, run.stderr
    assert (home / "search.db").is_file() and (home / "archive").is_dir()
    copied = (home / "copy" / "records.jsonl").read_text().splitlines()
    assert len([line for line in copied if '"kind":"capture"' not in line]) == 3 * 3
    assert list(elsewhere.iterdir()) == []
    found = ecomms(home, "--config", "ecomms.toml", "search", "--min-risk", "1", "--json")
    assert found.returncode == 0, found.stderr
    risky = [json.loads(line) for line in found.stdout.splitlines()]
    assert len(risky) == 3 * 2 and {r["kind"] for r in risky} == {"chat"}
    again = ecomms(elsewhere, "--config", str(config), "search", "--where", "FakeUnitKey=u0002")
    assert again.returncode == 0, again.stderr
    assert "3 of 3 matching records" in again.stderr


def test_a_relative_config_path_is_relative_to_the_cwd_then_its_own_directory(
    tmp_path: Path,
) -> None:
    """--config deploy/ecomms.toml from the parent directory resolves paths under deploy/."""
    home = tmp_path / "deploy"
    home.mkdir()
    (home / "ecomms.toml").write_text(CONFIG)
    (home / "rules.toml").write_text(RULES)
    run = ecomms(tmp_path, "--config", "deploy/ecomms.toml", "run", "--once")
    assert run.returncode == 0, run.stderr
    assert (home / "search.db").is_file() and (home / "state" / "state.db").is_file()
    assert not (tmp_path / "search.db").exists() and not (tmp_path / "archive").exists()
