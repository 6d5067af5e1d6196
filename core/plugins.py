"""Building the plugin manager: entry points, extra modules, blocking, checks and tracing.

:func:`build_host` loads every module of the ``ecomms`` entry-point group, plus the modules
named in ``ECOMMS_EXTRA_PLUGINS`` (comma-separated, for development and tests), skips the
names in ``ECOMMS_BLOCK_PLUGINS``, calls pluggy's ``check_pending()`` (a misspelt hook stops
the start), refuses wrapper implementations of the hooks called once per plugin and, with
``ECOMMS_TRACE_HOOKS=1``, logs every hook call through pluggy's hook-call monitoring. An
entry point that fails to import is remembered as *broken* (see :mod:`core.host`).
"""

from __future__ import annotations

import importlib
import logging
import os
import reprlib
from collections.abc import Mapping, Sequence
from importlib.metadata import entry_points
from typing import Any

import pluggy

from core import hookspecs
from core.errors import PluginError
from core.host import CATEGORY_HOOKS, OBSERVER_HOOKS, PER_PLUGIN_HOOKS, Host, PluginInfo

__all__ = ["CATEGORY_HOOKS", "OBSERVER_HOOKS", "Host", "PluginInfo", "build_host"]

log = logging.getLogger("ecomms.plugins")

_short = reprlib.Repr()
_short.maxother = 160  # a class's full dotted name


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
            log.warning("plugin %s cannot load: %s", info.label, info.error)
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


def _refuse_wrappers(pm: pluggy.PluginManager, plugins: Mapping[str, PluginInfo]) -> None:
    for hook_name in PER_PLUGIN_HOOKS:
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            if impl.wrapper or impl.hookwrapper:
                raise PluginError(
                    f"plugin {plugins[impl.plugin_name].label}: {hook_name} cannot be a hook"
                    " wrapper (it is called once per plugin, so there is nothing to wrap);"
                    " declare it with a plain @hookimpl"
                )


def _trace_calls(pm: pluggy.PluginManager) -> None:
    def before(hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
        names = ", ".join(impl.plugin_name for impl in reversed(impls)) or "no plugin"
        log.info("hook %s -> %s (%s)", hook_name, names, ", ".join(kwargs))

    def after(
        outcome: pluggy.Result[Any],
        hook_name: str,
        impls: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        if outcome.exception is not None:
            log.info("hook %s raised %r", hook_name, outcome.exception)
        else:
            log.info("hook %s returned %s", hook_name, _short.repr(outcome.get_result()))

    pm.add_hookcall_monitoring(before, after)


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
    _refuse_wrappers(pm, plugins)
    trace = env.get("ECOMMS_TRACE_HOOKS", "") not in ("", "0")
    if trace:
        _trace_calls(pm)
    return Host(pm, plugins, trace=trace)
