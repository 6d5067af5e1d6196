"""Registered component classes, checked against the Protocols of :mod:`core.protocols`.

What a registered class must have is read from the Protocol of its kind
(:data:`PROTOCOLS`), never from a hand-kept list: adding a member to ``Sink`` makes every
sink lacking it a registration error naming the plugin, its distribution and the member.
Capabilities beyond the kind (``SearchableSink``, ``VerifiableSink``, ``WakeableSource``...)
are tested with ``isinstance`` on those ``runtime_checkable`` Protocols where they are used.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from core.errors import PluginError
from core.protocols import Sink, Source, Transformer

__all__ = ["PROTOCOLS", "Registry", "missing_members", "protocol_members"]

PROTOCOLS: dict[str, type] = {"sources": Source, "transformers": Transformer, "sinks": Sink}
"""The Protocol every registered class of a category satisfies."""

_NOT_MEMBERS = frozenset({object, Protocol})


def protocol_members(protocol: type) -> frozenset[str]:
    """The members a class must have to satisfy ``protocol`` (inherited Protocols included).

    Attributes declared by annotation only (``name: ClassVar[str]``) count as well as methods;
    private and dunder names do not. (``typing.get_protocol_members`` from Python 3.13.)
    """
    names: set[str] = set()
    for base in protocol.__mro__:
        if base in _NOT_MEMBERS or getattr(base, "__module__", "") == "typing":
            continue
        names.update(inspect.get_annotations(base))
        names.update(base.__dict__)
    return frozenset(n for n in names if not n.startswith("_"))


def missing_members(category: str, cls: Any) -> list[str]:
    """What ``cls`` lacks to be registered as a ``category`` component, sorted; ``[]`` if none.

    Besides the Protocol's members, ``Config`` must be a msgspec Struct and ``name`` a
    non-empty string.
    """
    missing = {m for m in protocol_members(PROTOCOLS[category]) if not hasattr(cls, m)}
    config = getattr(cls, "Config", None)
    if not (isinstance(config, type) and issubclass(config, msgspec.Struct)):
        missing.discard("Config")
        missing.add("Config (a msgspec.Struct)")
    name = getattr(cls, "name", None)
    if not (isinstance(name, str) and name):
        missing.discard("name")
        missing.add("name (a non-empty string)")
    return sorted(missing)


@dataclass
class Registered:
    """A registered class and the plugin (``name (distribution)``) it came from."""

    cls: type[Any]
    plugin: str


@dataclass
class Registry:
    """Component classes by category and name; a second class of one name is an error."""

    classes: dict[str, dict[str, Registered]] = field(
        default_factory=lambda: {category: {} for category in PROTOCOLS}
    )

    def add(self, category: str, cls: type[Any], plugin: str) -> str:
        """Register ``cls`` for ``plugin``; return its name. ``PluginError`` on a clash."""
        name: str = getattr(cls, "name", "")  # a non-empty str: checked by missing_members
        other = self.classes[category].get(name)
        if other is not None:
            raise PluginError(
                f"two {category} named {name!r}: from {other.plugin} and from {plugin}"
            )
        self.classes[category][name] = Registered(cls, plugin)
        return name

    def get(self, category: str, name: str) -> type[Any] | None:
        """The class registered under ``name``, or ``None``."""
        registered = self.classes[category].get(name)
        return registered.cls if registered is not None else None

    def names(self, category: str) -> list[str]:
        """The registered names of a category, sorted."""
        return sorted(self.classes[category])
