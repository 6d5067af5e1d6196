"""Plugins that fail: broken registrations, refused wrappers, failing observers and commands."""

from __future__ import annotations

import json
import logging
import tomllib
from pathlib import Path

import click
import pytest

from core.components import build_components, plan_components
from core.config import settings_from_dict
from core.errors import ConfigError, PluginError
from core.plugins import build_host
from core.protocols import Receipt, Unit
from tests.core.hosthelp import ROOT, ecomms
from tests.core.test_plugins import _fake_distribution

BROKEN_TRANSFORMER = """
from core.hookspecs import hookimpl
from core.testing import FakeSource


class ChatSource(FakeSource):
    name = "acme_chat"
    platform = "acme"


@hookimpl
def ecomms_register_sources():
    return [ChatSource]


@hookimpl
def ecomms_register_transformers():
    from acme_chat_parsers import ChatTransformer  # a dependency that is not installed

    return [ChatTransformer]
"""


def test_incomplete_component_breaks_its_plugin_naming_what_lacks() -> None:
    """A class missing Protocol members makes its plugin broken; enabling it names the lack."""
    host = build_host({"ECOMMS_EXTRA_PLUGINS": "core.testing,tests.core.bad_component_plugin"})
    info = host.plugins["tests.core.bad_component_plugin"]
    assert info.error == (
        "sink <class 'tests.core.bad_component_plugin.HalfSink'> lacks:"
        " Config (a msgspec.Struct), check, close, write"
    )
    assert "half" not in host.sinks() and "fake_sink" in host.sinks()
    with pytest.raises(PluginError) as caught:
        host.resolve("sinks", "half", "sinks.half")
    assert caught.value.message == (
        "sinks.half: plugin 'tests.core.bad_component_plugin' (distribution"
        f" (ECOMMS_EXTRA_PLUGINS)) cannot load: {info.error}"
    )


def test_import_error_in_a_registration_hook_breaks_the_whole_plugin() -> None:
    """The source that did register is withdrawn: enabling it names the plugin and the error."""
    host = build_host({"ECOMMS_EXTRA_PLUGINS": "core.testing,tests.core.import_error_plugin"})
    info = host.plugins["tests.core.import_error_plugin"]
    assert info.error.startswith(
        "ecomms_register_transformers failed: ModuleNotFoundError: No module named"
        " 'tests.core.no_such_transformer_module'"
    )
    assert info.hooks == [] and info.components == {}
    assert "half_source" not in host.sources()
    with pytest.raises(PluginError, match=r"sources.chat: plugin 'tests.core.import_error_plugin'"):
        host.resolve("sources", "half_source", "sources.chat")


def test_missing_transformer_error_names_the_broken_plugins(tmp_path: Path) -> None:
    """ "No transformer handles platform" says which plugin that could have one is broken."""
    env = {"ECOMMS_EXTRA_PLUGINS": "tests.core.only_source,tests.core.import_error_plugin"}
    host = build_host(env)
    settings = settings_from_dict(
        tomllib.loads("[sources.fake]\n[sinks.fake_sink]\n"), tmp_path, env
    )
    with pytest.raises(ConfigError) as caught:
        plan_components(settings, host)
    assert caught.value.message.startswith(
        "sources.fake: no transformer handles platform 'fake'; install the plugin that provides"
        " one; broken plugins: tests.core.import_error_plugin ((ECOMMS_EXTRA_PLUGINS)):"
        " ecomms_register_transformers failed: ModuleNotFoundError"
    )


def test_broken_registration_is_listed_and_fatal_where_enabled(tmp_path: Path) -> None:
    """An installed plugin whose transformer cannot import: BROKEN, and `run` names it."""
    site = tmp_path / "site"
    site.mkdir()
    _fake_distribution(site, "acme-chat", "acme_chat", "acme_chat", BROKEN_TRANSFORMER)
    env = {"PYTHONPATH": f"{site}:{ROOT}"}
    (tmp_path / "ecomms.toml").write_text("[sources.acme_chat]\n[sinks.fake_sink]\n")
    listed = ecomms(tmp_path, "plugins", env=env)
    assert listed.returncode == 0
    expected = (
        "acme_chat (acme-chat 1.2.3) BROKEN: ecomms_register_transformers failed:"
        " ModuleNotFoundError: No module named 'acme_chat_parsers'"
    )
    assert expected in listed.stdout
    assert "plugin acme_chat (acme-chat) cannot load: ecomms_register_transformers" in (
        listed.stderr
    )
    as_json = json.loads(ecomms(tmp_path, "plugins", "--json", env=env).stdout)
    assert [p["components"] for p in as_json if p["name"] == "acme_chat"] == [{}]
    run = ecomms(tmp_path, "run", "--once", env=env)
    assert run.returncode == 1
    assert (
        "error: sources.acme_chat: plugin 'acme_chat' (distribution acme-chat) cannot load:"
        " ecomms_register_transformers failed: ModuleNotFoundError"
    ) in run.stderr


def test_wrapper_on_a_per_plugin_hook_is_refused_at_load() -> None:
    """Observers and registrations are called once per plugin: a wrapper there is an error."""
    with pytest.raises(PluginError) as caught:
        build_host({"ECOMMS_EXTRA_PLUGINS": "core.testing,tests.core.observer_wrapper_plugin"})
    assert caught.value.message == (
        "plugin tests.core.observer_wrapper_plugin ((ECOMMS_EXTRA_PLUGINS)): ecomms_after_commit"
        " cannot be a hook wrapper (it is called once per plugin, so there is nothing to wrap);"
        " declare it with a plain @hookimpl"
    )


@pytest.mark.parametrize(
    "order",
    [
        "tests.core.failing_plugin,tests.core.hook_plugin",
        "tests.core.hook_plugin,tests.core.failing_plugin",
    ],
)
def test_a_failing_observer_never_stops_the_others(
    order: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Whichever runs first, the failure is logged naming its plugin and the others observe."""
    log_file = tmp_path / "hooks.jsonl"
    monkeypatch.setenv("ECOMMS_TEST_HOOK_LOG", str(log_file))
    host = build_host({"ECOMMS_EXTRA_PLUGINS": order})
    unit = Unit(source="fake", platform="fake", key="u0001")
    with caplog.at_level(logging.ERROR, logger="ecomms.plugins"):
        host.after_commit(unit, [Receipt(sink="a", record_ids=[])])
        host.on_error(unit, RuntimeError("boom"), dead_lettered=True)
    calls = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert [c["hook"] for c in calls] == ["after_commit", "on_error"]
    label = "tests.core.failing_plugin ((ECOMMS_EXTRA_PLUGINS))"
    assert [r.getMessage() for r in caplog.records] == [
        f"ecomms_after_commit of plugin {label} failed; ignored",
        f"ecomms_on_error of plugin {label} failed; ignored",
    ]
    assert "metrics endpoint gone" in caplog.text and "pager endpoint gone" in caplog.text


def test_a_failing_command_registration_names_its_plugin() -> None:
    """A bug in one plugin's ecomms_register_commands is a one-line error naming that plugin."""
    host = build_host({"ECOMMS_EXTRA_PLUGINS": "tests.core.hook_plugin,tests.core.failing_plugin"})
    with pytest.raises(PluginError) as caught:
        host.register_commands(click.Group())
    assert caught.value.message == (
        "plugin tests.core.failing_plugin ((ECOMMS_EXTRA_PLUGINS)) failed in"
        " ecomms_register_commands: RuntimeError: command table corrupt"
        " (ECOMMS_BLOCK_PLUGINS=NAME disables a plugin)"
    )


CLOSING = """
[sources.one]
plugin = "closing_source"
[sinks.a]
plugin = "closing_sink"
[sinks.b]
plugin = "closing_sink"
[sinks.c]
plugin = "closing_sink"
refuse = true
"""


def test_a_partial_build_closes_what_it_built(tmp_path: Path) -> None:
    """When the third sink cannot be built, the source and the two sinks built are closed."""
    env = {"ECOMMS_EXTRA_PLUGINS": "core.testing,tests.core.closing_plugin"}
    settings = settings_from_dict(tomllib.loads(CLOSING), tmp_path, env)
    settings.state_dir.mkdir()
    with pytest.raises(ConfigError, match=r"sinks\.c: refused to start"):
        build_components(settings, build_host(env))
    assert (settings.state_dir / "closed.txt").read_text().split() == ["one", "a", "b"]


REFUSE_IMPORT = """
import importlib.abc
import sys


class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "plugins.zoom_ecomms.transform.vtt":
            raise ImportError("simulated: a dependency of the Zoom transformer is missing")
        return None


sys.meta_path.insert(0, Refuse())
"""


def test_zoom_plugin_without_its_transformer_is_broken_not_half_loaded(tmp_path: Path) -> None:
    """The Zoom transformer failing to import breaks zoom_ecomms; enabling it names the cause."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(REFUSE_IMPORT)
    env = {"PYTHONPATH": f"{site}:{ROOT}"}
    (tmp_path / "ecomms.toml").write_text(
        '[sources.zoom_ecomms]\naccount_id = "a"\nclient_id = "c"\n'
        'client_secret = { env = "ZOOM_SECRET" }\n[sinks.fake_sink]\n'
    )
    listed = ecomms(tmp_path, "plugins", env=env)
    assert "zoom_ecomms (ecomms 0.1.0) BROKEN: ImportError: simulated" in listed.stdout
    run = ecomms(tmp_path, "check", env=env)
    assert run.returncode == 1
    assert (
        "error: sources.zoom_ecomms: plugin 'zoom_ecomms' (distribution ecomms) cannot load:"
        " ImportError: simulated: a dependency of the Zoom transformer is missing"
    ) in run.stderr
    assert "install the plugin" not in run.stderr
