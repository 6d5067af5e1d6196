"""Build the enabled component instances of a configuration, or only what a command needs.

:func:`build_components` resolves each enabled ``[sources|transformers|sinks.NAME]`` section
to a registered class (a broken or unknown plugin is a :class:`PluginError`), converts its
options into the class's ``Config`` (errors name the key path) and builds it as
``cls(config, context)``. Unit-stage transformers for an enabled source's platform are
enabled automatically; record-stage transformers only by their own section.
:func:`build_sinks` builds the sinks alone (read-only commands) and
:func:`validate_components` checks every section without reading a secret.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.config import ComponentSection, Settings, convert_component
from core.errors import ConfigError
from core.host import Host
from core.metrics.families import Meter, Metrics
from core.protocols import Context, SearchableSink, Sink, Source, Transformer
from core.records import AttributeSpec

__all__ = [
    "Components",
    "Plan",
    "build_components",
    "build_sinks",
    "can_search",
    "close_all",
    "declared_attributes",
    "handles",
    "plan_components",
    "validate_components",
    "with_capability",
]

log = logging.getLogger("ecomms.components")

C = TypeVar("C")


@dataclass
class Components:
    """The built instances, in config order, by instance name."""

    sources: dict[str, Source] = field(default_factory=dict)
    unit_transformers: list[Transformer] = field(default_factory=list)
    record_transformers: list[Transformer] = field(default_factory=list)
    sinks: dict[str, Sink] = field(default_factory=dict)
    attributes: list[AttributeSpec] = field(default_factory=list)

    def close(self) -> None:
        """Close every source and sink (each one, even when another fails to close)."""
        close_all([*self.sources.values(), *self.sinks.values()])


def close_all(components: Iterable[Source | Sink]) -> None:
    """Close each component; a failure is logged and the others are still closed."""
    for component in components:
        try:
            component.close()
        except Exception:
            log.exception("closing %s failed", type(component).__name__)


def with_capability(components: Mapping[str, object], capability: type[C]) -> dict[str, C]:
    """The components that satisfy ``capability``, a ``runtime_checkable`` Protocol.

    ``with_capability(app.sinks, VerifiableSink)`` are the sinks ``audit verify`` checks;
    ``with_capability(components.sources, WakeableSource)`` the sources that can wake a run.
    """
    return {name: c for name, c in components.items() if isinstance(c, capability)}


def declared_attributes(classes: Sequence[type[Any]]) -> list[AttributeSpec]:
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


def _context(
    settings: Settings,
    name: str,
    category: str,
    attrs: list[AttributeSpec],
    metrics: Metrics | None = None,
    create_spool: bool = False,
) -> Context:
    spool = settings.state_dir / "spool" / category / name
    if create_spool:  # only for the process holding the run lock: the spool is its own
        spool.mkdir(parents=True, exist_ok=True)
    return Context(
        name=name,
        state_dir=settings.state_dir,
        spool_dir=spool,
        attributes=attrs,
        config_dir=settings.base_dir,
        meter=metrics.meter(name) if metrics is not None else Meter.off(name),
    )


def _enabled(
    settings: Settings, host: Host, category: str
) -> list[tuple[ComponentSection, type[Any]]]:
    return [
        (s, host.resolve(category, s.plugin, s.key_path))
        for s in settings.sections(category)
        if s.enabled
    ]


def _transformers(
    settings: Settings, host: Host, platforms: set[str]
) -> list[tuple[ComponentSection, type[Any]]]:
    configured = {s.plugin for s in settings.transformers}
    chosen = _enabled(settings, host, "transformers")
    for name, cls in host.transformers().items():
        if name not in configured and any(handles(cls, p) for p in platforms):
            chosen.append((ComponentSection(category="transformers", name=name, plugin=name), cls))
    return chosen


@dataclass
class Plan:
    """The classes an enabled configuration uses, resolved without building anything."""

    sources: list[tuple[ComponentSection, type[Any]]]
    transformers: list[tuple[ComponentSection, type[Any]]]
    sinks: list[tuple[ComponentSection, type[Any]]]
    attributes: list[AttributeSpec]

    def sections(self) -> list[tuple[ComponentSection, type[Any]]]:
        """Every enabled section (and automatic transformer) with its class."""
        return [*self.sources, *self.transformers, *self.sinks]


def plan_components(settings: Settings, host: Host) -> Plan:
    """Resolve the enabled sections to classes; reads no secret, builds nothing.

    An unknown or broken plugin is a ``PluginError``; an enabled source whose platform no
    transformer handles is a ``ConfigError``.
    """
    sources = _enabled(settings, host, "sources")
    platforms = {cls.platform for _, cls in sources}
    transformers = _transformers(settings, host, platforms)
    for section, cls in sources:
        if not any(handles(c, cls.platform) for _, c in transformers):
            raise ConfigError(
                f"{section.key_path}: no transformer handles platform"
                f" {cls.platform!r}; install the plugin that provides one" + host.broken_note()
            )
    attrs = declared_attributes([cls for _, cls in [*sources, *transformers]])
    return Plan(sources, transformers, _enabled(settings, host, "sinks"), attrs)


def validate_components(settings: Settings, host: Host) -> Plan:
    """Check every enabled section's options against its ``Config`` without reading secrets.

    Unknown keys and wrong types are ``ConfigError`` naming the key path, as when building;
    an unset secret variable is not an error here (only building reads it).
    """
    plan = plan_components(settings, host)
    for section, cls in plan.sections():
        convert_component(cls.Config, section, resolve=False)
    return plan


def _build(
    settings: Settings,
    plan: Plan,
    section: ComponentSection,
    cls: type[Any],
    config: Any,
    metrics: Metrics | None = None,
    create_spool: bool = False,
) -> Any:
    context = _context(
        settings, section.name, section.category, plan.attributes, metrics, create_spool
    )
    return cls(config, context)


def build_components(
    settings: Settings,
    host: Host,
    metrics: Metrics | None = None,
    sources: bool = True,
    create_spools: bool = False,
) -> Components:
    """Build every enabled component; raise ``ConfigError`` / ``PluginError`` on problems.

    Every secret of every enabled section is read here: a missing variable is an error.
    With ``sources=False`` the sources are validated but not built and their secrets are
    not read: what deriving from the archive of record (``reprocess``) needs. When building
    one component fails, those already built are closed before the error propagates. Each
    component's ``Context.meter`` counts into ``metrics`` when given. ``create_spools``:
    create each component's ``spool_dir`` — only a caller holding the run lock may (``run``,
    ``dlq retry``); ``check`` builds without.
    """
    plan = validate_components(settings, host) if not sources else plan_components(settings, host)
    chosen = plan.sections() if sources else [*plan.transformers, *plan.sinks]
    configs = {id(s): convert_component(cls.Config, s) for s, cls in chosen}
    built = Components(attributes=plan.attributes)
    try:
        for section, cls in plan.sources if sources else ():
            config = configs[id(section)]
            built.sources[section.name] = _build(
                settings, plan, section, cls, config, metrics, create_spools
            )
        for section, cls in plan.transformers:
            target = built.unit_transformers if cls.stage == "unit" else built.record_transformers
            config = configs[id(section)]
            target.append(_build(settings, plan, section, cls, config, metrics, create_spools))
        for section, cls in plan.sinks:
            config = configs[id(section)]
            built.sinks[section.name] = _build(
                settings, plan, section, cls, config, metrics, create_spools
            )
    except BaseException:
        built.close()
        raise
    return built


def can_search(component: object) -> bool:
    """Whether a sink class or instance satisfies :class:`SearchableSink` (``search``, ``get``)."""
    return isinstance(component, SearchableSink)


def build_sinks(settings: Settings, host: Host, searchable_only: bool = False) -> dict[str, Sink]:
    """Build the enabled sinks only (the first one that can search with ``searchable_only``).

    The other sections are validated without reading their secrets; sources and
    transformers are not built, so their credentials are never needed. When building one
    sink fails, those already built are closed before the error propagates.
    """
    plan = validate_components(settings, host)
    chosen = [(s, cls) for s, cls in plan.sinks if can_search(cls) or not searchable_only]
    chosen = chosen[:1] if searchable_only else chosen
    configs = {id(s): convert_component(cls.Config, s) for s, cls in chosen}
    sinks: dict[str, Sink] = {}
    try:
        for section, cls in chosen:
            sinks[section.name] = _build(settings, plan, section, cls, configs[id(section)])
    except BaseException:
        close_all(sinks.values())
        raise
    return sinks
