"""Read-only reviewers (issue 15 item 4): no credentials needed, no write access needed.

A compliance reviewer searches the archive without holding the source's secret: secrets are
read only when a component that needs them is built. And with read access only — a
``chmod -R a-w`` copy of the state directory and the stores — ``search``, ``show``,
``status``, ``dlq list`` and ``audit verify`` answer, and nothing is created or migrated.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from core.config import Secret, SecretRef, convert_component, settings_from_dict
from core.errors import ConfigError
from tests.core.hosthelp import ENV, ecomms
from tests.fixtures import cli

SOURCE_VAR = "ECOMMS_TEST_SOURCE_SECRET"
SINK_VAR = "ECOMMS_TEST_SINK_SECRET"
VALUE = "capture-Credential-that-must-never-show"

CONFIG = """
[sources.fake]
units = 3
token = {{ env = "{var}" }}
{extra}
[sinks.a]
plugin = "fake_sink"
path = "store-a"
{sinks}
"""
MISSING = f"sources.fake.token: environment variable {SOURCE_VAR} is not set"


def _write(tmp_path: Path, extra: str = "", sinks: str = "") -> None:
    (tmp_path / "ecomms.toml").write_text(CONFIG.format(var=SOURCE_VAR, extra=extra, sinks=sinks))


@pytest.fixture
def captured(tmp_path: Path) -> Path:
    """A directory whose config names an unset source secret, captured once with it set."""
    _write(tmp_path)
    done = ecomms(tmp_path, "run", "--once", env={SOURCE_VAR: VALUE})
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_reviewer_commands_work_without_the_source_secret(captured: Path) -> None:
    """search, show, status, dlq list, audit verify and attributes: exit 0, real answers."""
    found = ecomms(captured, "search", "--json", "--limit", "100")
    assert found.returncode == 0, found.stderr
    records = [json.loads(line) for line in found.stdout.splitlines()]
    assert len({r["id"] for r in records}) == len(records)
    assert {r["attributes"]["FakeUnitKey"] for r in records} == {
        "u0001",
        "u0002",
        "u0003",
    }
    shown = ecomms(captured, "show", records[0]["id"], "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == records[0]["id"]
    status = ecomms(captured, "status", "--json")
    assert status.returncode == 0 and json.loads(status.stdout)[0]["committed"] == 3
    dead = ecomms(captured, "dlq", "list")
    assert dead.returncode == 0 and "empty" in dead.stdout
    audit = ecomms(captured, "audit", "verify")
    assert audit.returncode == 0 and "ok   sink a verified" in audit.stdout, audit.stdout
    attrs = ecomms(captured, "attributes", "--json")
    assert attrs.returncode == 0
    listed = [a["name"] for a in json.loads(attrs.stdout) if a["status"] != "built-in"]
    assert set(listed) == {"FakeUnitKey", "FakeIndex"}


@pytest.mark.parametrize(
    "args", [("check",), ("run", "--once"), ("dlq", "retry", "--all")], ids=" ".join
)
def test_capture_commands_name_the_missing_variable(captured: Path, args: tuple[str, ...]) -> None:
    """check, run and dlq retry build the source: one line naming variable and key, exit 2."""
    before = ecomms(captured, "status", "--json").stdout
    done = ecomms(captured, *args)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: {MISSING} (variable={SOURCE_VAR})"]
    assert ecomms(captured, "status", "--json").stdout == before


def test_only_the_sinks_a_command_builds_need_their_secrets(captured: Path) -> None:
    """search builds the first searchable sink only; audit verify builds every sink."""
    _write(captured, sinks=f'[sinks.b]\nplugin = "fake_sink"\ntoken = {{ env = "{SINK_VAR}" }}')
    assert ecomms(captured, "search", "--json").returncode == 0
    audit = ecomms(captured, "audit", "verify")
    assert audit.returncode == 2
    assert f"sinks.b.token: environment variable {SINK_VAR} is not set" in audit.stderr
    assert ecomms(captured, "audit", "verify", env={SINK_VAR: "x"}).returncode == 0


def test_without_the_secret_the_file_is_still_checked_strictly(captured: Path) -> None:
    """Unknown keys and wrong types in any section are reported, secret or not."""
    _write(captured, extra="unitz = 3")
    reviewer = [("search",), ("show", "x"), ("audit", "verify"), ("attributes",), ("status",)]
    for args in (*reviewer, ("dlq", "list"), ("reprocess",), ("rebuild", "b")):
        done = ecomms(captured, *args)
        assert done.returncode == 2, args
        assert done.stderr.startswith("error: sources.fake.unitz: unknown key"), done.stderr
    _write(
        captured, sinks=f'[sinks.b]\nplugin = "fake_sink"\nfail_after = {{ env = "{SINK_VAR}" }}'
    )
    typed = ecomms(captured, "search")
    assert typed.returncode == 2
    assert "sinks.b.fail_after: expected int, got an environment reference" in typed.stderr


def test_the_secret_value_never_shows(captured: Path) -> None:
    """With the variable set, no command's output and no stored file holds its value."""
    env = {SOURCE_VAR: VALUE, "ECOMMS_TRACE_HOOKS": "1"}
    outputs = [
        ecomms(captured, "--log-level", "DEBUG", *args, env=env)
        for args in (
            ("check",),
            ("run", "--once"),
            ("search", "--json"),
            ("status", "--json"),
            ("audit", "verify"),
            ("attributes", "--all"),
        )
    ]
    assert [r.returncode for r in outputs] == [0] * 6, [r.stderr for r in outputs]
    for result in outputs:
        assert VALUE not in result.stdout + result.stderr
    for path in (p for p in captured.rglob("*") if p.is_file() and p.name != "ecomms.toml"):
        assert VALUE.encode() not in path.read_bytes(), path


def test_a_secret_reference_is_resolved_only_on_conversion(tmp_path: Path) -> None:
    """Loading keeps the reference; validation uses no value; building reads the variable."""
    env: dict[str, str] = {}
    settings = settings_from_dict({"sinks": {"x": {"token": {"env": "T"}}}}, tmp_path, env)
    ref = settings.sinks[0].options["token"]
    assert isinstance(ref, SecretRef) and repr(ref) == "SecretRef(env='T')"

    class Conf(msgspec.Struct, forbid_unknown_fields=True):
        token: Secret

    assert isinstance(convert_component(Conf, settings.sinks[0], resolve=False).token, Secret)
    with pytest.raises(ConfigError, match=r"sinks\.x\.token: environment variable T is not set"):
        convert_component(Conf, settings.sinks[0])
    env["T"] = VALUE
    assert convert_component(Conf, settings.sinks[0]).token.reveal() == VALUE


def test_attributes_lists_disabled_components_marked(tmp_path: Path) -> None:
    """A disabled source's attributes are listed and marked; --all adds unconfigured ones."""
    (tmp_path / "ecomms.toml").write_text(
        f'[sources.fake]\nenabled = false\ntoken = {{ env = "{SOURCE_VAR}" }}\n'
    )
    text = ecomms(tmp_path, "attributes")
    assert text.returncode == 0, text.stderr
    lines = [line for line in text.stdout.splitlines() if " built-in " not in line]
    assert len(lines) == 2 and all(line.endswith("[disabled: sources.fake]") for line in lines)
    listed = json.loads(ecomms(tmp_path, "attributes", "--json").stdout)
    listed = [a for a in listed if a["status"] != "built-in"]
    assert {(a["name"], a["status"]) for a in listed} == {
        ("FakeUnitKey", "disabled"),
        ("FakeIndex", "disabled"),
    }
    assert listed[0]["components"] == ["sources.fake"]
    (tmp_path / "ecomms.toml").write_text("[sinks.a]\nplugin = 'fake_sink'\n")
    no_source = ecomms(tmp_path, "attributes").stdout.splitlines()  # the built-ins only
    assert [line.split()[:2] for line in no_source] == [
        ["participant", "built-in"],
        ["risk_category", "built-in"],
        ["kind", "built-in"],
    ]
    every = json.loads(ecomms(tmp_path, "attributes", "--all", "--json").stdout)
    fake = next(a for a in every if a["name"] == "FakeUnitKey")
    assert fake["status"] == "not configured" and fake["components"] == ["sources.fake"]


def test_a_wrong_key_is_reported_before_a_missing_secret(tmp_path: Path) -> None:
    """Both wrong: the user first learns of the typo, from the whole file, not the variable."""
    _write(tmp_path, extra="unitz = 4")
    for command in (["check"], ["run", "--once"]):
        done = ecomms(tmp_path, *command)
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == ["error: sources.fake.unitz: unknown key"]


_READ_ONLY = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"'


def _read_only_runner(directory: Path) -> list[str] | None:
    """A command prefix under which ``directory`` cannot be written, or None on this machine."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        (directory / ".ecomms").chmod(0o555)
        return []
    prefix = ["unshare", "-m", "sh", "-c", _READ_ONLY, "sh", str(directory)]
    probe = subprocess.run([*prefix, "touch", str(directory / "x")], capture_output=True)
    return prefix if probe.returncode != 0 and b"Read-only" in probe.stderr else None


def test_a_read_only_mount_serves_reviewers_and_run_says_what_to_do(tmp_path: Path) -> None:
    """On a read-only mount (bind-mounted ro as root), search and status answer; run says
    in one line that the directory is read-only and what to do."""
    config = '[ecomms]\nstate_dir = ".ecomms"\n[sources.fake]\nunits = 2\n'
    (tmp_path / "ecomms.toml").write_text(config + '[sinks.sqlite]\npath = "search.db"\n')
    assert ecomms(tmp_path, "run", "--once").returncode == 0
    prefix = _read_only_runner(tmp_path)
    if prefix is None:
        pytest.skip("no way to make a directory read-only here")
    try:
        for args in (["search"], ["status"], ["run", "--once"]):
            done = subprocess.run(
                [*prefix, *cli.command(), "--config", str(tmp_path / "ecomms.toml"), *args],
                env=cli.environment(ENV),
                capture_output=True,
                text=True,
            )
            if args[0] != "run":
                assert done.returncode == 0, done.stderr
                continue
            lines = done.stderr.strip().splitlines()
            assert done.returncode != 0 and len(lines) == 1, done.stderr
            assert "is read-only" in lines[0], lines[0]
    finally:
        for path in (tmp_path, tmp_path / ".ecomms"):
            path.chmod(0o755)


READ_ONLY_CONFIG = """
[sources.fake]
units = 3
files = 1
[sinks.archive]
plugin = "filesystem"
path = "archive"
[sinks.sqlite]
path = "search.db"
"""


def _tree(root: Path) -> dict[str, tuple[int, float, bytes]]:
    """Every path under ``root`` with its mode, mtime and (for files) content."""
    return {
        str(p.relative_to(root)): (
            p.stat().st_mode,
            p.stat().st_mtime,
            p.read_bytes() if p.is_file() else b"",
        )
        for p in sorted(root.rglob("*"))
    }


def _as_reviewer(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``ecomms ARGS`` without any write permission on ``cwd``: as root, every capability is
    dropped first (root would otherwise write through ``chmod a-w``)."""
    drop = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*drop, *cli.command(), *args],
        cwd=cwd,
        env=cli.environment(ENV),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def read_only_copy(tmp_path: Path) -> Iterator[Path]:
    """A capture with the filesystem and sqlite sinks, copied and made read-only (a-w)."""
    (tmp_path / "ecomms.toml").write_text(READ_ONLY_CONFIG)
    done = ecomms(tmp_path, "run", "--once")
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path, copy, ignore=shutil.ignore_patterns("copy"))
    subprocess.run(["chmod", "-R", "a-w", str(copy)], check=True)
    try:
        yield copy
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(copy)], check=True)


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="needs setpriv")
def test_reviewer_commands_work_on_a_read_only_copy_and_change_nothing(
    read_only_copy: Path,
) -> None:
    """search, show, status, dlq list and audit verify answer from a chmod -R a-w copy of the
    state directory and the stores; nothing is created, migrated or touched."""
    before = _tree(read_only_copy)
    found = _as_reviewer(read_only_copy, "search", "--json", "--limit", "100")
    assert found.returncode == 0, found.stderr
    records = [json.loads(line) for line in found.stdout.splitlines()]
    assert {r["attributes"]["FakeUnitKey"] for r in records} == {"u0001", "u0002", "u0003"}
    text = _as_reviewer(read_only_copy, "search", "fake message")
    assert text.returncode == 0 and "matching records" in text.stderr, text.stderr
    shown = _as_reviewer(read_only_copy, "show", records[0]["id"], "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == records[0]["id"]
    status = _as_reviewer(read_only_copy, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)[0]["committed"] == 3
    dead = _as_reviewer(read_only_copy, "dlq", "list")
    assert dead.returncode == 0 and "empty" in dead.stdout, dead.stderr
    audit = _as_reviewer(read_only_copy, "audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert _tree(read_only_copy) == before


def test_capture_commands_refuse_a_read_only_copy_in_one_line(read_only_copy: Path) -> None:
    """run on a read-only copy: one error line, no traceback, nothing changed."""
    before = _tree(read_only_copy)
    done = _as_reviewer(read_only_copy, "run", "--once")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ")
    assert _tree(read_only_copy) == before


def test_reviewer_commands_create_nothing_where_nothing_was_captured(tmp_path: Path) -> None:
    """Before any capture, status and dlq list answer (nothing captured) and create nothing;
    check creates no spool; search and audit verify say there is nothing to read."""
    (tmp_path / "ecomms.toml").write_text(READ_ONLY_CONFIG)
    status = ecomms(tmp_path, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)[0]["committed"] == 0
    assert ecomms(tmp_path, "dlq", "list").returncode == 0
    searched = ecomms(tmp_path, "search", "x")
    assert searched.returncode == 2 and "no search store at this path" in searched.stderr
    audit = ecomms(tmp_path, "audit", "verify")
    assert audit.returncode == 1 and "no state database at this path" in audit.stderr
    assert "Traceback" not in searched.stderr + audit.stderr
    assert ecomms(tmp_path, "check").returncode == 0
    assert not (tmp_path / ".ecomms" / "spool").exists()
    assert not (tmp_path / ".ecomms" / "state.db").exists()
