"""The plugin manager and the typed host facade that is the only user of ``pm.hook``.

:func:`build_host` loads every module of the ``ecomms`` entry-point group, plus the modules
named in ``ECOMMS_EXTRA_PLUGINS`` (comma-separated, for development and tests), skips the
names in ``ECOMMS_BLOCK_PLUGINS`` and traces hook calls to the log when
``ECOMMS_TRACE_HOOKS=1``. An entry point that fails to import is remembered as *broken*:
enabling one of its components is a startup error naming it and its distribution.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import click
import msgspec
import pluggy

from core import hookspecs
from core.errors import PluginError

__all__ = ["CATEGORY_HOOKS", "Host", "PluginInfo", "build_host"]

log = logging.getLogger("ecomms.plugins")

CATEGORY_HOOKS = {
    "sources": "ecomms_register_sources",
    "transformers": "ecomms_register_transformers",
    "sinks": "ecomms_register_sinks",
}


@dataclass
class PluginInfo:
    """A loaded or broken plugin: name, distribution, version and, if broken, its error."""

    name: str
    distribution: str
    version: str
    hooks: list[str] = field(default_factory=list)
    components: dict[str, list[str]] = field(default_factory=dict)
    error: str = ""


@dataclass
class _Registered:
    cls: type
    plugin: PluginInfo


class Host:
    """Typed access to the hooks: component registries, commands and lifecycle events."""

    def __init__(
        self, pm: pluggy.PluginManager, plugins: dict[str, PluginInfo], trace: bool = False
    ) -> None:
        self._pm = pm
        self.trace = trace
        self.plugins = plugins
        self._registry = {cat: self._collect(cat, hook) for cat, hook in CATEGORY_HOOKS.items()}
        for info in plugins.values():
            if not info.error:
                info.hooks = sorted(
                    h.name for h in pm.get_hookcallers(pm.get_plugin(info.name)) or []
                )

    def _collect(self, category: str, hook_name: str) -> dict[str, _Registered]:
        found: dict[str, _Registered] = {}
        for impl in getattr(self._pm.hook, hook_name).get_hookimpls():
            info = self.plugins[impl.plugin_name]
            if self.trace:
                log.info("hook %s -> %s", hook_name, impl.plugin_name)
            try:
                classes = list(impl.function() or [])
            except Exception as exc:
                raise PluginError(
                    f"plugin {info.name} ({info.distribution}) failed in {hook_name}: {exc!r}"
                ) from exc
            for cls in classes:
                name = _validate(category, cls, info)
                if name in found:
                    other = found[name].plugin
                    raise PluginError(
                        f"two {category} named {name!r}: from {other.name} ({other.distribution})"
                        f" and from {info.name} ({info.distribution})"
                    )
                found[name] = _Registered(cls, info)
                info.components.setdefault(category, []).append(name)
        return found

    def components(self, category: str) -> dict[str, type]:
        """Registered component classes of one category, by component name."""
        return {name: reg.cls for name, reg in self._registry[category].items()}

    def sources(self) -> dict[str, type]:
        """Registered source classes by name."""
        return self.components("sources")

    def transformers(self) -> dict[str, type]:
        """Registered transformer classes by name."""
        return self.components("transformers")

    def sinks(self) -> dict[str, type]:
        """Registered sink classes by name."""
        return self.components("sinks")

    def resolve(self, category: str, plugin: str, where: str) -> type:
        """The class a config section names; a clear ``PluginError`` when missing or broken."""
        registered = self._registry[category].get(plugin)
        if registered:
            return registered.cls
        broken = self.plugins.get(plugin)
        if broken and broken.error:
            raise PluginError(
                f"{where}: plugin {plugin!r} (distribution {broken.distribution}) cannot load:"
                f" {broken.error}"
            )
        known = ", ".join(sorted(self._registry[category])) or "none"
        raise PluginError(
            f"{where}: no {category[:-1]} named {plugin!r} is installed (known: {known})"
        )

    def register_commands(self, cli: click.Group) -> None:
        """Let plugins add their commands to the command line."""
        self._pm.hook.ecomms_register_commands(cli=cli)

    def before_run(self, config: Any, sources: Sequence[str], sinks: Sequence[str]) -> None:
        """Announce a run; a plugin raising here aborts it."""
        self._pm.hook.ecomms_before_run(config=config, sources=list(sources), sinks=list(sinks))

    def after_commit(self, unit: Any, receipts: Sequence[Any]) -> None:
        """Announce a committed, acknowledged unit; plugin failures are logged and ignored."""
        self._observe("ecomms_after_commit", unit=unit, receipts=list(receipts))

    def on_error(self, unit: Any, error: BaseException, dead_lettered: bool) -> None:
        """Announce a failed unit; plugin failures are logged and ignored."""
        self._observe("ecomms_on_error", unit=unit, error=error, dead_lettered=dead_lettered)

    def _observe(self, hook_name: str, **kwargs: Any) -> None:
        # one implementation failing must not keep the others from observing
        for impl in reversed(getattr(self._pm.hook, hook_name).get_hookimpls()):
            if self.trace:
                log.info("hook %s -> %s", hook_name, impl.plugin_name)
            try:
                impl.function(**{name: kwargs[name] for name in impl.argnames})
            except Exception:
                log.exception("%s of plugin %s failed; ignored", hook_name, impl.plugin_name)


_REQUIRED = {  # besides ``Config``, checked on its own: it must be a msgspec Struct
    "sources": ("name", "platform", "attributes", "pull", "acknowledge", "check"),
    "transformers": ("name", "stage", "consumes", "transform"),
    "sinks": ("name", "write", "check", "close"),
}


def _validate(category: str, cls: Any, info: PluginInfo) -> str:
    missing = [a for a in _REQUIRED[category] if not hasattr(cls, a)]
    config = getattr(cls, "Config", None)
    if not (isinstance(config, type) and issubclass(config, msgspec.Struct)):
        missing.append("Config (a msgspec.Struct)")
    name = getattr(cls, "name", None)
    if missing or not isinstance(name, str) or not name:
        raise PluginError(
            f"{category[:-1]} {cls!r} of plugin {info.name} ({info.distribution}) lacks:"
            f" {', '.join(sorted(set(missing))) or 'a name'}"
        )
    return name


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _load_entry_points(pm: pluggy.PluginManager, plugins: dict[str, PluginInfo]) -> None:
    for ep in entry_points(group=hookspecs.PROJECT):
        dist = ep.dist.name if ep.dist else "unknown"
        version = ep.dist.version if ep.dist else ""
        if pm.is_blocked(ep.name) or ep.name in plugins:
            continue
        info = PluginInfo(name=ep.name, distribution=dist, version=version)
        plugins[ep.name] = info
        try:
            module = ep.load()
        except Exception as exc:
            info.error = f"{type(exc).__name__}: {exc}"
            log.warning("plugin %s (%s) cannot load: %s", ep.name, dist, info.error)
            continue
        pm.register(module, name=ep.name)


def _load_extra(pm: pluggy.PluginManager, plugins: dict[str, PluginInfo], names: list[str]) -> None:
    for module_name in names:
        if pm.is_blocked(module_name) or module_name in plugins:
            continue
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:
            raise PluginError(f"ECOMMS_EXTRA_PLUGINS: cannot import {module_name}: {exc}") from None
        plugins[module_name] = PluginInfo(
            name=module_name, distribution="(ECOMMS_EXTRA_PLUGINS)", version=""
        )
        pm.register(module, name=module_name)


def build_host(env: Mapping[str, str] | None = None) -> Host:
    """Build a fresh plugin manager from entry points and the environment; wrap it in a Host."""
    env = os.environ if env is None else env
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in _split(env.get("ECOMMS_BLOCK_PLUGINS", "")):
        pm.set_blocked(name)
    plugins: dict[str, PluginInfo] = {}
    _load_entry_points(pm, plugins)
    _load_extra(pm, plugins, _split(env.get("ECOMMS_EXTRA_PLUGINS", "")))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"unknown hook implemented: {exc}") from None
    trace = env.get("ECOMMS_TRACE_HOOKS", "") not in ("", "0")
    if trace:
        pm.trace.root.setwriter(lambda message: log.info("hook %s", message.rstrip()))
        pm.enable_tracing()
    return Host(pm, plugins, trace=trace)
