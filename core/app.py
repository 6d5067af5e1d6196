"""What the command line works with: settings, host, components and state, built lazily.

The CLI stays thin: each command asks :class:`App` for what it needs and formats the result.
A command builds only what it uses, and a secret is read only when a component needing it
is built: ``search``/``show`` build one sink, ``audit verify`` the sinks, ``status`` and
``dlq list`` nothing but the state; ``check``, ``run`` and ``dlq retry`` build everything.

The spool belongs to the process holding the run lock (:meth:`App.capture_lock`): ``run`` and
``dlq retry`` take it before building anything, and only then are spool directories created;
``check`` and the reviewer commands never create, read or delete a spool. Reviewer commands
open the state read-only (:meth:`App.readonly_state`): nothing is created or migrated.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.archive_units import NO_ARCHIVE, archive_sinks
from core.components import (
    Components,
    build_components,
    build_sinks,
    can_search,
    validate_components,
)
from core.config import Settings, find_config, load_settings
from core.errors import EcommsError
from core.metrics import Metrics
from core.pipeline import PassReport, Pipeline
from core.plugins import Host
from core.progress import Display
from core.protocols import Finding
from core.run_loop import RunLoop
from core.state import State, run_lock

__all__ = ["App"]

log = logging.getLogger("ecomms.app")


class App:
    """Lazily loaded pieces of one command invocation."""

    def __init__(self, host: Host, config_path: Path | None, env: Mapping[str, str] | None = None):
        self.host = host
        self.env = os.environ if env is None else env
        self.config_path = find_config(config_path, self.env)
        self._settings: Settings | None = None
        self._components: Components | None = None
        self._sinks: dict[str, Any] | None = None
        self._search_sinks: dict[str, Any] | None = None
        self._state: State | None = None
        self._metrics: Metrics | None = None
        self._readonly_state: State | None = None
        self._locked = False
        self.stopped_by = ""  # the signal that stopped the last run, if any
        self.summary = ""  # what the last finished pass did, one line

    @property
    def settings(self) -> Settings:
        """The loaded configuration."""
        if self._settings is None:
            self._settings = load_settings(self.config_path, self.env)
        return self._settings

    def validated_settings(self) -> Settings:
        """The settings, every enabled section checked against its ``Config`` (no secret read)."""
        if self._components is None:
            validate_components(self.settings, self.host)
        return self.settings

    @property
    def metrics(self) -> Metrics:
        """The metrics of this invocation (served only by a run with ``[metrics]`` enabled)."""
        if self._metrics is None:
            self._metrics = Metrics(spool_dir=self.settings.state_dir / "spool")
        return self._metrics

    @property
    def components(self) -> Components:
        """Every enabled component, built."""
        if self._components is None:
            validate_components(self.settings, self.host)  # every key error before any secret
            self._components = build_components(
                self.settings, self.host, self.metrics, create_spools=self._locked
            )
        return self._components

    @property
    def sinks(self) -> dict[str, Any]:
        """The enabled sinks by instance name; builds no source (reads no source secret)."""
        if self._components is not None:
            return self._components.sinks
        if self._sinks is None:
            self._sinks = build_sinks(self.settings, self.host)
        return self._sinks

    @property
    def state(self) -> State:
        """The state store, opened for writing (created and migrated when needed)."""
        if self._state is None:
            self._state = State(self.settings.state_dir)
        return self._state

    def readonly_state(self, missing_ok: bool = False) -> State:
        """The state store opened read-only: creates and migrates nothing (reviewer commands).

        A missing database is a ``StateError`` naming the path; with ``missing_ok`` an empty
        store (``status`` and ``dlq list`` before the first capture).
        """
        if self._state is not None:
            return self._state
        if self._readonly_state is None:
            self._readonly_state = State(
                self.settings.state_dir, readonly=True, missing_ok=missing_ok
            )
        return self._readonly_state

    @contextmanager
    def capture_lock(self) -> Iterator[None]:
        """Hold the state directory's run lock while the block runs (re-entrant).

        Take it before building components: a refused command (``StateError`` naming the
        running process) has then built, spooled and contacted nothing.
        """
        if self._locked:
            yield
            return
        with run_lock(self.settings.state_dir):
            self._locked = True
            try:
                yield
            finally:
                self._locked = False

    def close(self) -> None:
        """Close components and the state store."""
        if self._components is not None:
            self._components.close()
        for partial in (self._sinks, self._search_sinks):
            for sink in (partial or {}).values():
                sink.close()
        for state in (self._state, self._readonly_state):
            if state is not None:
                state.close()

    def findings(self) -> list[Finding]:
        """Run ``check()`` of every enabled source and sink (a crash is a failed finding)."""
        out: list[Finding] = []
        if not self.components.sinks:
            out.append(
                Finding(
                    component="ecomms",
                    check="sinks enabled",
                    ok=False,
                    detail="no sink is enabled",
                    action="add a [sinks.NAME] section",
                )
            )
        elif not archive_sinks(self.components.sinks):
            out.append(NO_ARCHIVE)
        for kind, group in (("source", self.components.sources), ("sink", self.components.sinks)):
            for name, component in group.items():
                try:
                    out.extend(component.check())
                except EcommsError as exc:
                    out.append(
                        Finding(
                            component=name, check=f"{kind} check", ok=False, detail=exc.one_line()
                        )
                    )
        return out

    def pipeline(self, stop: threading.Event | None = None) -> Pipeline:
        """A pipeline over the enabled components."""
        return Pipeline(self.settings, self.host, self.components, self.state, stop)

    def run(self, once: bool, only: Sequence[str], display: Display | None = None) -> PassReport:
        """Capture: one pass (``once``) or passes until SIGTERM/SIGINT (:mod:`core.run_loop`)."""
        return RunLoop(self).run(once, only, display)

    def searchable_sink(self) -> Any:
        """The first enabled sink (config order) that can search, or ``None``.

        Only that sink is built (unless everything already is): searching needs neither
        the sources nor their credentials.
        """
        if self._components is not None or self._sinks is not None:
            return next((s for s in self.sinks.values() if can_search(s)), None)
        if self._search_sinks is None:
            self._search_sinks = build_sinks(self.settings, self.host, searchable_only=True)
        return next(iter(self._search_sinks.values()), None)
