"""The typed host facade over the plugin manager: the only caller of ``pm.hook``.

Every hook is called through pluggy (so argument checks, hook-call monitoring and tracing
see every call):

- registration hooks (``ecomms_register_sources|transformers|sinks``) and observer hooks
  (``ecomms_before_capture``, ``ecomms_after_commit``, ``ecomms_after_derive``,
  ``ecomms_on_error``) once *per plugin*, through
  ``pm.subset_hook_caller``: each component is attributed to its plugin, a failing
  registration breaks only that plugin, and a failing observer never keeps the others from
  observing. Hook wrappers cannot wrap a per-plugin call, so a wrapper implementation of
  these hooks is refused at load;
- ``ecomms_register_commands`` and ``ecomms_before_run`` once, through ``pm.hook``: wrapper
  implementations (``wrapper=True``, ``hookwrapper=True``) run around the others; a failure
  is a ``PluginError`` naming the plugin whose code raised.

A plugin that cannot import, whose registration hook raises (an ``ImportError`` of a
component module included) or that registers a class not satisfying its Protocol is
*broken*: it is unregistered, ``ecomms plugins`` shows its error, every start logs a warning,
and enabling any of its components is a ``PluginError`` naming it, its distribution and the
error.
"""

from __future__ import annotations

import inspect
import logging
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import CodeType
from typing import TYPE_CHECKING, Any

import pluggy

from core.errors import EcommsError, PluginError
from core.registry import Registry, missing_members

if TYPE_CHECKING:
    import click

__all__ = ["CATEGORY_HOOKS", "OBSERVER_HOOKS", "PER_PLUGIN_HOOKS", "Host", "PluginInfo"]

log = logging.getLogger("ecomms.plugins")

CATEGORY_HOOKS = {
    "sources": "ecomms_register_sources",
    "transformers": "ecomms_register_transformers",
    "sinks": "ecomms_register_sinks",
}
OBSERVER_HOOKS = (
    "ecomms_before_capture",
    "ecomms_after_commit",
    "ecomms_after_derive",
    "ecomms_on_error",
)
PER_PLUGIN_HOOKS = (*CATEGORY_HOOKS.values(), *OBSERVER_HOOKS)
"""The hooks called once per plugin: a wrapper implementation of one is refused at load."""


@dataclass
class PluginInfo:
    """A loaded or broken plugin: name, distribution, version and, if broken, its error."""

    name: str
    distribution: str
    version: str
    hooks: list[str] = field(default_factory=list)
    components: dict[str, list[str]] = field(default_factory=dict)
    error: str = ""

    @property
    def label(self) -> str:
        """``name (distribution)``, as errors name a plugin."""
        return f"{self.name} ({self.distribution})"


class Host:
    """Typed access to the hooks: component registries, commands and lifecycle events."""

    def __init__(
        self, pm: pluggy.PluginManager, plugins: dict[str, PluginInfo], trace: bool = False
    ) -> None:
        self._pm = pm
        self.trace = trace
        self.plugins = plugins
        self._registry = Registry()
        self._claims: dict[tuple[str, str], PluginInfo] = {}  # names a broken plugin offered
        self._register_components()
        for info in plugins.values():
            if not info.error:
                callers = pm.get_hookcallers(pm.get_plugin(info.name)) or []
                info.hooks = sorted(caller.name for caller in callers)
        self._observers = {hook: self._per_plugin(hook) for hook in OBSERVER_HOOKS}

    def _per_plugin(self, hook_name: str) -> list[tuple[PluginInfo, pluggy.HookCaller]]:
        """One caller per implementing plugin, in pluggy's call order."""
        impls = getattr(self._pm.hook, hook_name).get_hookimpls()
        owners = [impl.plugin for impl in reversed(impls)]
        return [
            (
                self.plugins[self._pm.get_name(owner) or ""],
                self._pm.subset_hook_caller(hook_name, [o for o in owners if o is not owner]),
            )
            for owner in owners
        ]

    def _register_components(self) -> None:
        offered: dict[str, list[tuple[str, type]]] = {}
        for category, hook_name in CATEGORY_HOOKS.items():
            for info, caller in self._per_plugin(hook_name):
                if info.error:
                    continue
                try:
                    results = caller()
                except Exception as exc:
                    self._break(info, f"{hook_name} failed: {type(exc).__name__}: {exc}")
                    continue
                try:
                    classes = _classes(category, hook_name, results)
                except _Refused as exc:
                    self._break(info, str(exc))
                    classes = [c for r in results if isinstance(r, list | tuple) for c in r]
                offered.setdefault(info.name, []).extend((category, cls) for cls in classes)
        for plugin, items in offered.items():
            info = self.plugins[plugin]
            for category, cls in items:
                if info.error:
                    self._claims[(category, str(getattr(cls, "name", "")))] = info
                    continue
                name = self._registry.add(category, cls, info.label)
                info.components.setdefault(category, []).append(name)

    def _break(self, info: PluginInfo, error: str) -> None:
        info.error = error
        log.warning("plugin %s cannot load: %s", info.label, error)
        self._pm.unregister(name=info.name)

    def components(self, category: str) -> dict[str, type[Any]]:
        """Registered component classes of one category, by component name."""
        return {name: reg.cls for name, reg in self._registry.classes[category].items()}

    def sources(self) -> dict[str, type[Any]]:
        """Registered source classes by name."""
        return self.components("sources")

    def transformers(self) -> dict[str, type[Any]]:
        """Registered transformer classes by name."""
        return self.components("transformers")

    def sinks(self) -> dict[str, type[Any]]:
        """Registered sink classes by name."""
        return self.components("sinks")

    def broken(self) -> list[PluginInfo]:
        """The plugins that cannot load, by name."""
        return sorted((p for p in self.plugins.values() if p.error), key=lambda p: p.name)

    def broken_note(self) -> str:
        """``"; broken plugins: ..."`` to append to a "not found" error, or ``""``."""
        listed = "; ".join(f"{p.label}: {p.error}" for p in self.broken())
        return f"; broken plugins: {listed}" if listed else ""

    def resolve(self, category: str, plugin: str, where: str) -> type[Any]:
        """The class a config section names; a clear ``PluginError`` when missing or broken."""
        cls = self._registry.get(category, plugin)
        if cls is not None:
            return cls
        broken = self._claims.get((category, plugin)) or self.plugins.get(plugin)
        if broken is not None and broken.error:
            raise PluginError(
                f"{where}: plugin {broken.name!r} (distribution {broken.distribution}) cannot"
                f" load: {broken.error}"
            )
        known = ", ".join(self._registry.names(category)) or "none"
        raise PluginError(
            f"{where}: no {category[:-1]} named {plugin!r} is installed (known: {known})"
            + self.broken_note()
        )

    def packages(self) -> list[str]:
        """Top-level packages of every loaded plugin module and registered class, sorted."""
        modules = [
            getattr(self._pm.get_plugin(p.name), "__name__", "")
            for p in self.plugins.values()
            if not p.error
        ]
        for category in CATEGORY_HOOKS:
            modules.extend(cls.__module__ for cls in self.components(category).values())
        return sorted({m.partition(".")[0] for m in modules if m})

    def register_commands(self, cli: click.Group) -> None:
        """Let plugins add their commands to the command line."""
        self._call("ecomms_register_commands", cli=cli)

    def before_run(self, config: Any, sources: Sequence[str], sinks: Sequence[str]) -> None:
        """Announce a run; a plugin raising here aborts it."""
        self._call("ecomms_before_run", config=config, sources=list(sources), sinks=list(sinks))

    def before_capture(self, unit: Any) -> None:
        """Announce a unit the pipeline starts capturing; plugin failures are logged, ignored."""
        self._observe("ecomms_before_capture", unit=unit)

    def after_commit(self, unit: Any, receipts: Sequence[Any], refill: bool = False) -> None:
        """Announce a committed, acknowledged unit; plugin failures are logged and ignored."""
        self._observe("ecomms_after_commit", unit=unit, receipts=list(receipts), refill=refill)

    def after_derive(
        self, unit: Any, status: str, receipts: Sequence[Any], error: BaseException | None
    ) -> None:
        """Announce a derivation attempt and its outcome; plugin failures are logged, ignored."""
        self._observe(
            "ecomms_after_derive", unit=unit, status=status, receipts=list(receipts), error=error
        )

    def on_error(self, unit: Any, error: BaseException, dead_lettered: bool) -> None:
        """Announce a failed unit; plugin failures are logged and ignored."""
        self._observe("ecomms_on_error", unit=unit, error=error, dead_lettered=dead_lettered)

    def add_observer(self, observer: object, name: str) -> None:
        """Register a host-side observer of the lifecycle hooks (e.g. the run's metrics).

        It is registered as ``ecomms:NAME``, so it never clashes with a plugin named ``NAME``.
        """
        label = f"ecomms:{name}"
        self._pm.register(observer, name=label)
        self.plugins[label] = PluginInfo(name=label, distribution="ecomms", version="")
        self._observers = {hook: self._per_plugin(hook) for hook in OBSERVER_HOOKS}

    def remove_observer(self, name: str) -> None:
        """Unregister the observer :meth:`add_observer` registered as ``name``."""
        label = f"ecomms:{name}"
        self._pm.unregister(name=label)
        self.plugins.pop(label, None)
        self._observers = {hook: self._per_plugin(hook) for hook in OBSERVER_HOOKS}

    def _observe(self, hook_name: str, **kwargs: Any) -> None:
        for info, caller in self._observers[hook_name]:
            try:
                caller(**kwargs)
            except Exception:
                log.exception("%s of plugin %s failed; ignored", hook_name, info.label)

    def _call(self, hook_name: str, **kwargs: Any) -> None:
        try:
            getattr(self._pm.hook, hook_name)(**kwargs)
        except EcommsError:
            raise
        except Exception as exc:
            culprit = self._culprit(hook_name, exc)
            log.debug("%s failed", hook_name, exc_info=exc)
            raise PluginError(
                f"plugin {culprit} failed in {hook_name}: {type(exc).__name__}: {exc}"
                " (ECOMMS_BLOCK_PLUGINS=NAME disables a plugin)"
            ) from exc

    def _culprit(self, hook_name: str, exc: BaseException) -> str:
        """The plugin whose implementation raised ``exc`` (the innermost one on its traceback)."""
        impls = getattr(self._pm.hook, hook_name).get_hookimpls()
        codes: dict[CodeType, str] = {}
        for impl in impls:
            code = getattr(inspect.unwrap(impl.function), "__code__", None)
            if isinstance(code, CodeType):
                codes[code] = impl.plugin_name
        found = [
            codes[f.f_code] for f, _ in traceback.walk_tb(exc.__traceback__) if f.f_code in codes
        ]
        if found:
            return self.plugins[found[-1]].label
        return "among " + ", ".join(self.plugins[i.plugin_name].label for i in impls)


class _Refused(Exception):
    """A registration hook returned something that cannot be registered."""


def _classes(category: str, hook_name: str, results: Sequence[object]) -> list[type]:
    """The classes one plugin's registration returned, each checked against its Protocol."""
    classes: list[type] = []
    for result in results:
        if not isinstance(result, Sequence) or isinstance(result, str):
            raise _Refused(f"{hook_name} must return a list of classes, not {result!r}")
        for cls in result:
            if not isinstance(cls, type):
                raise _Refused(f"{hook_name} returned {cls!r}, which is not a class")
            missing = missing_members(category, cls)
            if missing:
                raise _Refused(f"{category[:-1]} {cls!r} lacks: {', '.join(missing)}")
            classes.append(cls)
    return classes
