"""Build the enabled component instances of a configuration.

:func:`build_components` resolves each enabled ``[sources|transformers|sinks.NAME]`` section
to a registered class (a broken or unknown plugin is a :class:`PluginError`), converts its
options into the class's ``Config`` (errors name the key path) and builds it as
``cls(config, context)``. Unit-stage transformers for an enabled source's platform are
enabled automatically; record-stage transformers only by their own section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.config import ComponentSection, Settings, convert_component
from core.errors import ConfigError
from core.plugins import Host
from core.protocols import Context
from core.records import AttributeSpec

__all__ = ["Components", "build_components", "declared_attributes", "handles"]


@dataclass
class Components:
    """The built instances, in config order, by instance name."""

    sources: dict[str, Any] = field(default_factory=dict)
    unit_transformers: list[Any] = field(default_factory=list)
    record_transformers: list[Any] = field(default_factory=list)
    sinks: dict[str, Any] = field(default_factory=dict)
    attributes: list[AttributeSpec] = field(default_factory=list)

    def close(self) -> None:
        """Close every source and sink."""
        for component in [*self.sources.values(), *self.sinks.values()]:
            component.close()


def declared_attributes(classes: Sequence[type]) -> list[AttributeSpec]:
    """Attributes declared by ``classes``, first declaration of each name wins."""
    seen: dict[str, AttributeSpec] = {}
    for cls in classes:
        for spec in getattr(cls, "attributes", ()) or ():
            seen.setdefault(spec.name, spec)
    return list(seen.values())


def handles(transformer: Any, platform: str) -> bool:
    """Whether a unit-stage transformer (class or instance) builds records for ``platform``."""
    return transformer.stage == "unit" and (
        platform in transformer.consumes or "*" in transformer.consumes
    )


def _context(settings: Settings, name: str, category: str, attrs: list[AttributeSpec]) -> Context:
    spool = settings.state_dir / "spool" / category / name
    spool.mkdir(parents=True, exist_ok=True)
    return Context(
        name=name,
        state_dir=settings.state_dir,
        spool_dir=spool,
        attributes=attrs,
        config_dir=settings.base_dir,
    )


def _enabled(settings: Settings, host: Host, category: str) -> list[tuple[ComponentSection, type]]:
    return [
        (s, host.resolve(category, s.plugin, s.key_path))
        for s in settings.sections(category)
        if s.enabled
    ]


def _transformers(settings: Settings, host: Host, platforms: set[str]) -> list[tuple[Any, type]]:
    configured = {s.plugin for s in settings.transformers}
    chosen = _enabled(settings, host, "transformers")
    for name, cls in host.transformers().items():
        if name not in configured and any(handles(cls, p) for p in platforms):
            chosen.append((ComponentSection(category="transformers", name=name, plugin=name), cls))
    return chosen


def build_components(settings: Settings, host: Host) -> Components:
    """Build every enabled component; raise ``ConfigError`` / ``PluginError`` on problems."""
    sources = _enabled(settings, host, "sources")
    platforms = {cls.platform for _, cls in sources}
    transformers = _transformers(settings, host, platforms)
    sinks = _enabled(settings, host, "sinks")
    for section, cls in sources:
        if not any(handles(c, cls.platform) for _, c in transformers):
            raise ConfigError(
                f"{section.key_path}: no transformer handles platform"
                f" {cls.platform!r}; install the plugin that provides one"
            )
    configs = {
        id(s): convert_component(cls.Config, s) for s, cls in [*sources, *transformers, *sinks]
    }
    attrs = declared_attributes([cls for _, cls in [*sources, *transformers]])

    def build(section: ComponentSection, cls: type, category: str) -> Any:
        context = _context(settings, section.name, category, attrs)
        return cls(configs[id(section)], context)

    built = Components(attributes=attrs)
    for section, cls in sources:
        built.sources[section.name] = build(section, cls, "sources")
    for section, cls in transformers:
        target = built.unit_transformers if cls.stage == "unit" else built.record_transformers
        target.append(build(section, cls, "transformers"))
    for section, cls in sinks:
        built.sinks[section.name] = build(section, cls, "sinks")
    return built
