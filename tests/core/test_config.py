"""Configuration: bad keys, wrong types, secrets from the environment, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Secret, load_settings
from tests.core.hosthelp import ecomms

SECRET = "s3cr3t-Value-that-must-never-show"

BASE = """
[sources.fake]
units = 1
{source_extra}
[sinks.a]
plugin = "fake_sink"
{sink_extra}
"""


def _write(tmp_path: Path, source_extra: str = "", sink_extra: str = "") -> Path:
    path = tmp_path / "ecomms.toml"
    path.write_text(BASE.format(source_extra=source_extra, sink_extra=sink_extra))
    return path


@pytest.mark.parametrize(
    ("source_extra", "sink_extra", "expected"),
    [
        ("unitz = 3", "", "error: sources.fake.unitz: unknown key"),
        ("", "fail_after = 'x'", "error: sinks.a.fail_after: expected int, got str"),
        ("fail = { u1 = 7 }", "", "error: sources.fake.fail[...]: expected str, got int"),
        (
            "",
            'path = { env = "ECOMMS_TEST_MISSING" }',
            "error: sinks.a.path: expected str, got an environment reference ({ env = ... });"
            " only secret options are read from the environment",
        ),
    ],
)
def test_bad_config_is_one_line_naming_the_key(
    tmp_path: Path, source_extra: str, sink_extra: str, expected: str
) -> None:
    """Each mistake gives exactly one line on stderr naming the key or variable, exit 2."""
    _write(tmp_path, source_extra, sink_extra)
    result = ecomms(tmp_path, "check")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr


def test_unknown_host_key_and_section(tmp_path: Path) -> None:
    """Typos in the [ecomms] section or a section name are named too."""
    (tmp_path / "ecomms.toml").write_text("[ecomms]\nmax_atempts = 3\n")
    assert "ecomms.max_atempts: unknown key" in ecomms(tmp_path, "status").stderr
    (tmp_path / "ecomms.toml").write_text("[sink.a]\nplugin = 'fake_sink'\n")
    assert "sink: unknown section" in ecomms(tmp_path, "status").stderr


def test_secret_never_appears_anywhere(tmp_path: Path) -> None:
    """A secret given to a non-secret field, a wrong type and a run: the value never shows."""
    env = {"ECOMMS_TEST_SECRET": SECRET, "ECOMMS_TRACE_HOOKS": "1"}
    _write(tmp_path, sink_extra='fail_after = { env = "ECOMMS_TEST_SECRET" }')
    outputs = [ecomms(tmp_path, "check", env=env)]
    assert outputs[0].returncode == 2
    assert "sinks.a.fail_after: expected int, got an environment reference" in outputs[0].stderr
    _write(tmp_path, sink_extra='token = { env = "ECOMMS_TEST_SECRET" }')
    outputs += [
        ecomms(tmp_path, "--log-level", "DEBUG", "run", "--once", env=env),
        ecomms(tmp_path, "--log-format", "json", "status", "--json", env=env),
        ecomms(tmp_path, "search", "fake", "--json", env=env),
    ]
    assert [r.returncode for r in outputs[1:]] == [0, 0, 0], outputs[1].stderr
    assert "hook ecomms_register_sinks" in outputs[1].stderr  # tracing was really on
    for result in outputs:
        assert SECRET not in result.stdout + result.stderr
    state = tmp_path / ".ecomms"
    for path in state.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_env_overrides_and_relative_state_dir(tmp_path: Path, monkeypatch) -> None:
    """ECOMMS__SECTION__KEY overrides a key (TOML-typed); state_dir is relative to the file."""
    path = _write(tmp_path)
    env = {
        "ECOMMS__SOURCES__FAKE__UNITS": "7",
        "ECOMMS__ECOMMS__STATE_DIR": "st",
        "ECOMMS__SINKS__A__PATH": "not toml at all",
    }
    settings = load_settings(path, env)
    assert settings.state_dir == (tmp_path / "st").resolve()
    assert settings.sources[0].options["units"] == 7
    assert settings.sinks[0].options["path"] == "not toml at all"
    monkeypatch.chdir(tmp_path.parent)
    assert load_settings(path, {}).state_dir == (tmp_path / ".ecomms").resolve()


def test_secret_resolves_and_hides(tmp_path: Path) -> None:
    """``{ env = VAR }`` becomes a Secret that prints as *** and reveals the value."""
    from core.config import HostSettings, convert_component, settings_from_dict

    settings = settings_from_dict(
        {"sinks": {"x": {"token": {"env": "T"}}}}, tmp_path, {"T": SECRET}
    )
    import msgspec

    class Conf(msgspec.Struct, forbid_unknown_fields=True):
        token: Secret

    conf = convert_component(Conf, settings.sinks[0])
    assert conf.token.reveal() == SECRET and SECRET not in repr(conf) + str(conf.token)
    assert HostSettings().max_attempts == 5


def test_missing_config_file_says_how_to_fix(tmp_path: Path) -> None:
    """No config file: one line saying where it looked and how to point elsewhere."""
    result = ecomms(tmp_path, "status")
    assert result.returncode == 2
    assert "config file not found: ecomms.toml (pass --config FILE" in result.stderr


def test_source_without_transformer_is_config_error(tmp_path: Path) -> None:
    """An enabled source whose platform no transformer handles is refused at build time."""
    (tmp_path / "ecomms.toml").write_text(BASE.format(source_extra="", sink_extra=""))
    result = ecomms(tmp_path, "check", env={"ECOMMS_EXTRA_PLUGINS": "tests.core.only_source"})
    assert result.returncode == 2
    assert "sources.fake: no transformer handles platform 'fake'" in result.stderr


def test_config_file_from_option_or_environment(tmp_path: Path) -> None:
    """--config FILE wins, else $ECOMMS_CONFIG, else ./ecomms.toml."""
    elsewhere = tmp_path / "conf"
    elsewhere.mkdir()
    _write(elsewhere)
    by_option = ecomms(tmp_path, "--config", str(elsewhere / "ecomms.toml"), "status", "--json")
    assert by_option.returncode == 0 and '"source": "fake"' in by_option.stdout
    by_env = ecomms(tmp_path, "status", env={"ECOMMS_CONFIG": str(elsewhere / "ecomms.toml")})
    assert by_env.returncode == 0 and by_env.stdout.startswith("fake:")
    assert not (elsewhere / ".ecomms").exists()  # status only reads: it creates nothing
    ran = ecomms(tmp_path, "--config", str(elsewhere / "ecomms.toml"), "run", "--once")
    assert ran.returncode == 0, ran.stderr
    assert (elsewhere / ".ecomms" / "state.db").exists()


def test_components_resolve_relative_paths_against_the_config_directory(
    tmp_path: Path, monkeypatch
) -> None:
    """Components get the config file's directory; relative paths land there, absolute stay."""
    from core.components import build_components
    from core.plugins import build_host
    from core.protocols import Context

    path = _write(
        tmp_path,
        sink_extra='path = "store/a"\n[sinks.b]\nplugin = "fake_sink"\n'
        f'path = "{tmp_path / "abs"}"',
    )
    monkeypatch.chdir(tmp_path.parent)
    env = {"ECOMMS_EXTRA_PLUGINS": "core.testing"}
    built = build_components(load_settings(path, env), build_host(env))
    try:
        assert built.sinks["a"].context.config_dir == tmp_path.resolve()
        assert built.sinks["a"].dir == tmp_path.resolve() / "store" / "a"
        assert built.sinks["b"].dir == tmp_path / "abs"
    finally:
        built.close()
    by_hand = Context(name="x", state_dir=tmp_path, spool_dir=tmp_path)
    assert by_hand.config_dir == tmp_path.parent.resolve()
    assert by_hand.resolve_path("rel") == tmp_path.parent.resolve() / "rel"
