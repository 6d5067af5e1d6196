"""The plugin system: every hook, entry points, blocking, broken and duplicate plugins."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

from core import hookspecs
from core.errors import PluginError
from core.plugins import build_host
from tests.core.hosthelp import ROOT, ecomms

HOOKS = sorted(n for n, f in vars(hookspecs).items() if n.startswith("ecomms_") and callable(f))
PLUGINS = "core.testing,tests.core.hook_plugin"
CONFIG = """
[ecomms]
max_attempts = 1
[sources.fake]
units = 3
fail = { u0002 = "terminal" }
[sinks.a]
plugin = "fake_sink"
[sinks.b]
plugin = "fake_sink"
"""


def _run(tmp_path: Path, *args: str, **env: str):
    (tmp_path / "ecomms.toml").write_text(CONFIG)
    log = tmp_path / "hooks.jsonl"
    result = ecomms(
        tmp_path,
        *args,
        env={"ECOMMS_EXTRA_PLUGINS": PLUGINS, "ECOMMS_TEST_HOOK_LOG": str(log), **env},
    )
    calls = [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
    return result, calls


def test_every_hook_is_documented_and_tested() -> None:
    """Each hook spec has a docstring, a section in docs/plugins.md and a test_hook_<name>."""
    docs = (ROOT / "docs" / "plugins.md").read_text()
    tests = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py"))
    assert HOOKS
    for name in HOOKS:
        assert inspect.getdoc(getattr(hookspecs, name)), name
        assert re.search(rf"^#+ `?{name}", docs, re.M), f"docs/plugins.md lacks {name}"
        assert f"def test_hook_{name}(" in tests, f"no test_hook_{name}"


def test_hook_ecomms_register_sources() -> None:
    """A registered source class is found by its name."""
    host = build_host({"ECOMMS_EXTRA_PLUGINS": "core.testing"})
    assert host.sources()["fake"].platform == "fake"
    assert "fake" in host.plugins["core.testing"].components["sources"]


def test_hook_ecomms_register_transformers() -> None:
    """A registered transformer class is found by its name."""
    host = build_host({"ECOMMS_EXTRA_PLUGINS": "core.testing"})
    assert host.transformers()["fake_transformer"].consumes == frozenset({"fake"})


def test_hook_ecomms_register_sinks(tmp_path: Path) -> None:
    """A registered sink named in config receives the records of a run."""
    result, _ = _run(tmp_path, "run", "--once")
    assert result.returncode == 0
    assert (tmp_path / ".ecomms" / "fake-sink-b" / "records.jsonl").stat().st_size > 0


def test_hook_ecomms_register_commands(tmp_path: Path) -> None:
    """A plugin's command appears in the command line and runs."""
    result, _ = _run(tmp_path, "hello", "auditor")
    assert result.returncode == 0 and result.stdout == "hello auditor from a plugin\n"
    assert "hello" in _run(tmp_path, "--help")[0].stdout


def test_hook_ecomms_before_run(tmp_path: Path) -> None:
    """before_run sees the enabled sources and sinks; raising aborts before anything is pulled."""
    result, calls = _run(tmp_path, "run", "--once")
    assert calls[0] == {
        "hook": "before_run",
        "sources": ["fake"],
        "sinks": ["a", "b"],
        "max_attempts": 1,
    }
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    aborted, calls = _run(fresh, "run", "--once", ECOMMS_TEST_HOOK_ABORT="1")
    assert aborted.returncode == 1 and "aborted by hook_plugin" in aborted.stderr
    assert [c["hook"] for c in calls] == ["before_run"]
    assert result.returncode == 0
    assert not (fresh / ".ecomms" / "fake-sink-a").exists()


def test_hook_ecomms_before_capture(tmp_path: Path) -> None:
    """before_capture announces each unit a pass captures, before its commit or failure;
    a second pass over an archived account announces nothing."""
    _, calls = _run(tmp_path, "run", "--once")
    assert [(c["hook"], c.get("key")) for c in calls if c["hook"] != "after_derive"][1:] == [
        ("before_capture", "u0001"),
        ("after_commit", "u0001"),
        ("before_capture", "u0002"),
        ("on_error", "u0002"),
        ("before_capture", "u0003"),
        ("after_commit", "u0003"),
    ]
    (tmp_path / "hooks.jsonl").unlink()
    _, again = _run(tmp_path, "run", "--once")
    assert [c["hook"] for c in again] == ["before_run"]


def test_hook_ecomms_after_commit(tmp_path: Path) -> None:
    """after_commit fires once per committed unit, after every sink confirmed it."""
    _, calls = _run(tmp_path, "run", "--once")
    commits = [(c["key"], c["sinks"]) for c in calls if c["hook"] == "after_commit"]
    assert commits == [("u0001", ["a", "b"]), ("u0003", ["a", "b"])]


def test_hook_ecomms_after_derive(tmp_path: Path) -> None:
    """after_derive fires once per derived unit with its status and every confirming sink;
    an implementation may take a subset of the arguments (here: no ``error``)."""
    _, calls = _run(tmp_path, "run", "--once")
    derived = [(c["key"], c["status"], c["sinks"]) for c in calls if c["hook"] == "after_derive"]
    assert derived == [("u0001", "ok", ["a", "b"]), ("u0003", "ok", ["a", "b"])]


def test_hook_ecomms_on_error(tmp_path: Path) -> None:
    """on_error fires for the failing unit, saying it was dead-lettered."""
    _, calls = _run(tmp_path, "run", "--once")
    errors = [c for c in calls if c["hook"] == "on_error"]
    assert len(errors) == 1 and errors[0]["key"] == "u0002" and errors[0]["dead"] is True
    assert "terminal failure" in errors[0]["error"]


def _fake_distribution(site: Path, dist: str, name: str, module: str, body: str) -> None:
    (site / f"{module}.py").write_text(body)
    info = site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[ecomms]\n{name} = {module}\n")


def test_broken_plugin_is_reported_and_fatal_when_enabled(tmp_path: Path) -> None:
    """A broken plugin is listed; enabling it is an error naming plugin and distribution."""
    site = tmp_path / "site"
    site.mkdir()
    _fake_distribution(site, "acme-vault-sink", "vault", "acme_vault", "import no_such_module\n")
    env = {"PYTHONPATH": f"{site}:{ROOT}"}
    (tmp_path / "ecomms.toml").write_text("[sources.fake]\n[sinks.vault]\n")
    listed = ecomms(tmp_path, "plugins", env=env)
    assert listed.returncode == 0
    assert "vault (acme-vault-sink 1.2.3) BROKEN: ModuleNotFoundError" in listed.stdout
    assert "plugin vault (acme-vault-sink) cannot load" in listed.stderr
    run = ecomms(tmp_path, "run", "--once", env=env)
    assert run.returncode == 1
    assert (
        "error: sinks.vault: plugin 'vault' (distribution acme-vault-sink) cannot load:"
        " ModuleNotFoundError"
    ) in run.stderr


def test_plugins_named_like_the_runs_own_observers_still_observe(tmp_path: Path) -> None:
    """Third-party plugins named ``metrics`` and ``progress`` do not clash with the run's
    metrics and progress observers: the run succeeds and both plugins see every commit."""
    site = tmp_path / "site"
    site.mkdir()
    seen = tmp_path / "seen.txt"
    for name in ("metrics", "progress"):
        body = (
            "from core import hookimpl\n\n\n@hookimpl\ndef ecomms_after_commit(unit):\n"
            f"    with open({str(seen)!r}, 'a') as fh:\n"
            f"        fh.write('{name} ' + unit.key + '\\n')\n"
        )
        _fake_distribution(site, f"acme-{name}", name, f"acme_{name}", body)
    (tmp_path / "ecomms.toml").write_text(
        '[metrics]\nenabled = true\naddress = "127.0.0.1:0"\n'
        '[sources.fake]\nunits = 2\n[sinks.a]\nplugin = "fake_sink"\n'
    )
    run = ecomms(tmp_path, "run", "--once", env={"PYTHONPATH": f"{site}:{ROOT}"})
    assert run.returncode == 0, run.stderr
    assert sorted(seen.read_text().splitlines()) == [
        "metrics u0001",
        "metrics u0002",
        "progress u0001",
        "progress u0002",
    ]


def test_blocked_plugin_is_not_loaded(tmp_path: Path) -> None:
    """ECOMMS_BLOCK_PLUGINS keeps a plugin out; enabling one of its components is an error."""
    host = build_host(
        {"ECOMMS_EXTRA_PLUGINS": "core.testing", "ECOMMS_BLOCK_PLUGINS": "core.testing"}
    )
    assert "fake" not in host.sources()
    with pytest.raises(PluginError, match="no sink named 'fake_sink' is installed"):
        host.resolve("sinks", "fake_sink", "sinks.a")


def test_duplicate_component_names_both_distributions() -> None:
    """Two plugins registering a sink of the same name: an error naming both."""
    with pytest.raises(PluginError, match="two sinks named 'fake_sink'"):
        build_host({"ECOMMS_EXTRA_PLUGINS": "core.testing,tests.core.dup_plugin"})


def test_misspelt_hook_fails_at_startup() -> None:
    """An implementation of a hook that does not exist is caught by check_pending()."""
    with pytest.raises(PluginError, match="ecomms_register_sink"):
        build_host({"ECOMMS_EXTRA_PLUGINS": "tests.core.misspelt_plugin"})


def test_trace_hooks_logs_calls(tmp_path: Path) -> None:
    """ECOMMS_TRACE_HOOKS=1 logs each hook call with the plugins answering it."""
    result, _ = _run(tmp_path, "run", "--once", ECOMMS_TRACE_HOOKS="1")
    assert "hook ecomms_register_sinks -> core.testing ()" in result.stderr
    assert "hook ecomms_after_commit -> tests.core.hook_plugin (unit, receipts, refill)" in (
        result.stderr
    )
    assert "hook ecomms_before_run -> tests.core.hook_plugin (config, sources, sinks)" in (
        result.stderr
    )
    # registration results are traced too
    assert "hook ecomms_register_sinks returned [[<class 'core.testing.fake_sink.FakeSink'>]]" in (
        result.stderr
    )


def test_hook_wrappers_run_around_the_other_plugins(tmp_path: Path) -> None:
    """wrapper=True and hookwrapper=True implementations wrap every other plugin's call."""
    env = {"ECOMMS_EXTRA_PLUGINS": f"{PLUGINS},tests.core.wrapper_plugin"}
    listed, _ = _run(tmp_path, "wrapped", **env)
    assert listed.returncode == 0, listed.stderr
    assert "hello" in listed.stdout.split()  # added by hook_plugin before the wrapper resumed
    result, calls = _run(tmp_path, "run", "--once", **env)
    assert result.returncode == 0, result.stderr
    assert [c["hook"] for c in calls[:3]] == [
        "before_run_wrapper",
        "before_run",
        "before_run_wrapper",
    ]
    assert calls[0] == {"hook": "before_run_wrapper", "phase": "before", "sources": ["fake"]}
    assert calls[2] == {"hook": "before_run_wrapper", "phase": "after", "failed": False}
