"""Which searchable attributes a configuration's sources and transformers declare.

Read from the component classes only: nothing is built and no secret is read, so a
reviewer without capture credentials can list what to search for. Each attribute carries
its declaring components and a status: ``enabled`` (some declaring component runs),
``disabled`` (only declared by sections with ``enabled = false``) or ``not configured``
(only by registered components the file does not use; listed with ``--all``).
:func:`builtin_filters` lists the filters every searchable store has besides them
(``participant``, ``risk_category``, ``kind``: :data:`core.query.BUILTIN_FILTERS`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from core.components import handles
from core.config import Settings
from core.errors import PluginError
from core.plugins import Host
from core.query import BUILTIN_FILTERS
from core.records import RECORD_KINDS, AttributeSpec

__all__ = ["ListedAttribute", "attribute_catalog", "builtin_filters"]

log = logging.getLogger("ecomms.catalog")

_RANK = {"enabled": 0, "disabled": 1, "not configured": 2}


@dataclass
class ListedAttribute:
    """One attribute, the components declaring it (``sources.zoom_ecomms``...) and status."""

    spec: AttributeSpec
    components: list[str] = field(default_factory=list)
    status: str = "not configured"

    def to_builtins(self) -> dict[str, object]:
        """The JSON form: the spec's fields plus ``status`` and ``components``."""
        return {
            "name": self.spec.name,
            "type": self.spec.type,
            "description": self.spec.description,
            "status": self.status,
            "components": list(self.components),
        }


_Entry = tuple[str, type[Any], str]  # (label, class, status)


def _configured(settings: Settings, host: Host) -> list[_Entry]:
    out: list[_Entry] = []
    for category in ("sources", "transformers"):
        for section in settings.sections(category):
            try:
                cls = host.resolve(category, section.plugin, section.key_path)
            except PluginError as exc:
                if section.enabled:
                    raise
                log.warning("disabled %s is not listed: %s", section.key_path, exc.one_line())
                continue
            out.append((section.key_path, cls, "enabled" if section.enabled else "disabled"))
    return out


def _automatic(settings: Settings, host: Host, configured: list[_Entry]) -> list[_Entry]:
    """Unit-stage transformers the host enables for the configured sources' platforms."""
    named = {s.plugin for s in settings.transformers}
    sources = [
        (cls.platform, status) for label, cls, status in configured if label.startswith("sources.")
    ]
    out: list[_Entry] = []
    for name, cls in host.transformers().items():
        statuses = [status for platform, status in sources if handles(cls, platform)]
        if name not in named and statuses:
            status = min(statuses, key=_RANK.__getitem__)
            out.append((f"transformers.{name} (automatic)", cls, status))
    return out


def _registered(host: Host, listed: list[_Entry]) -> list[_Entry]:
    seen = {cls for _, cls, _ in listed}
    return [
        (f"{category}.{name}", cls, "not configured")
        for category in ("sources", "transformers")
        for name, cls in host.components(category).items()
        if cls not in seen
    ]


def attribute_catalog(
    settings: Settings | None, host: Host, show_all: bool
) -> list[ListedAttribute]:
    """Attributes of every configured source/transformer (enabled or not), plus with
    ``show_all`` those of every registered one; ``settings`` may be ``None`` with ``show_all``.
    """
    entries: list[_Entry] = []
    if settings is not None:
        entries = _configured(settings, host)
        entries += _automatic(settings, host, entries)
    if show_all:
        entries += _registered(host, entries)
    listed: dict[str, ListedAttribute] = {}
    for label, cls, status in entries:
        for spec in getattr(cls, "attributes", ()) or ():
            item = listed.setdefault(spec.name, ListedAttribute(spec=spec, status=status))
            item.components.append(label)
            item.status = min(item.status, status, key=_RANK.__getitem__)
    return list(listed.values())


def builtin_filters() -> list[dict[str, object]]:
    """The built-in filters in the JSON form of ``ecomms attributes`` (status ``built-in``)."""
    out: list[dict[str, object]] = []
    for name, (usage, meaning) in BUILTIN_FILTERS.items():
        item: dict[str, object] = {
            "name": name,
            "type": "built-in",
            "description": meaning,
            "usage": usage,
            "status": "built-in",
            "components": [],
        }
        if name == "kind":
            item["values"] = sorted(RECORD_KINDS)
        out.append(item)
    return out
