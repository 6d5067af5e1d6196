"""Logging is configured once: the final format and level, for ecomms and every plugin."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.core.hosthelp import ecomms

PLUGINS = {"ECOMMS_EXTRA_PLUGINS": "core.testing,tests.core.hook_plugin"}


def _hello(tmp_path: Path, config: str, *options: str) -> str:
    (tmp_path / "ecomms.toml").write_text(config)
    result = ecomms(tmp_path, *options, "hello", "ann", env=PLUGINS)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_default_level_is_info_for_plugins_and_warning_for_libraries(tmp_path: Path) -> None:
    """Without a level anywhere: a plugin's INFO shows, its DEBUG and a library's INFO do not."""
    err = _hello(tmp_path, "[sources.fake]\n")
    assert "INFO tests.core.hook_plugin: greeting ann" in err
    assert "in detail" not in err
    assert "WARNING httpx: a library's warning" in err
    assert "request line" not in err


def test_config_log_level_applies_to_every_command_and_plugin(tmp_path: Path) -> None:
    """[ecomms] log_level = DEBUG reaches a plugin command's logger; libraries stay quiet."""
    err = _hello(tmp_path, '[ecomms]\nlog_level = "debug"\n')
    assert "DEBUG tests.core.hook_plugin: greeting ann in detail" in err
    assert "request line" not in err


def test_command_line_level_wins_over_the_config(tmp_path: Path) -> None:
    """--log-level ERROR silences what the config's DEBUG would show."""
    err = _hello(tmp_path, '[ecomms]\nlog_level = "DEBUG"\n', "--log-level", "ERROR")
    assert "greeting" not in err and "library" not in err


def test_json_format_covers_plugin_and_library_lines(tmp_path: Path) -> None:
    """With --log-format json every stderr line is one JSON object, plugins' lines included."""
    err = _hello(tmp_path, '[ecomms]\nlog_level = "DEBUG"\n', "--log-format", "json")
    lines = [json.loads(line) for line in err.splitlines()]
    seen = {(line["level"], line["logger"], line["message"]) for line in lines}
    assert ("debug", "tests.core.hook_plugin", "greeting ann in detail") in seen
    assert ("warning", "httpx", "a library's warning") in seen


def test_an_installed_plugin_package_logs_at_the_configured_level(tmp_path: Path) -> None:
    """The example sink (package ecomms_jsonl_sink) logs its DEBUG lines during a run."""
    (tmp_path / "ecomms.toml").write_text(
        '[ecomms]\nlog_level = "DEBUG"\n[sources.fake]\nunits = 1\n[sinks.jsonl]\n'
    )
    result = ecomms(tmp_path, "run", "--once")
    assert result.returncode == 0, result.stderr
    assert "DEBUG ecomms_jsonl_sink: " in result.stderr
    assert re.search(r"records\.jsonl: (\d+) of \1 records were new", result.stderr)


def test_an_unknown_level_is_a_one_line_error(tmp_path: Path) -> None:
    """A typo in the level, on the command line or in the config, is named and exits 2."""
    (tmp_path / "ecomms.toml").write_text('[ecomms]\nlog_level = "verbose"\n')
    result = ecomms(tmp_path, "status")
    assert result.returncode == 2
    assert result.stderr == (
        "error: ecomms.log_level: 'verbose' is not a log level"
        " (one of DEBUG, INFO, WARNING, ERROR, CRITICAL)\n"
    )
    result = ecomms(tmp_path, "--log-level", "loud", "status")
    assert (
        result.returncode == 2 and "error: --log-level: 'loud' is not a log level" in result.stderr
    )
