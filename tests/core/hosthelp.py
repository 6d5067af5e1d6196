"""Helpers shared by the host's tests: build a host in-process or run ``ecomms`` as a process."""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.components import Components, build_components
from core.config import Settings, settings_from_dict
from core.pipeline import Pipeline
from core.plugins import Host, build_host
from core.state import State
from core.testing import FakeSink
from tests.fixtures import cli

ROOT = Path(__file__).resolve().parents[2]
ENV = {"ECOMMS_EXTRA_PLUGINS": "core.testing"}


@dataclass
class Built:
    """An in-process host: settings, host, components, state and pipeline."""

    settings: Settings
    host: Host
    components: Components
    state: State
    pipeline: Pipeline

    def sink(self, name: str) -> FakeSink:
        """A fake sink instance by name."""
        return self.components.sinks[name]

    def close(self) -> None:
        """Release everything."""
        self.components.close()
        self.state.close()


def build(tmp_path: Path, config: str, env: dict[str, str] | None = None) -> Built:
    """Build everything from a TOML text, with the fakes loaded."""
    env = {**ENV, **(env or {})}
    settings = settings_from_dict(tomllib.loads(config), tmp_path, env)
    host = build_host(env)
    components = build_components(settings, host, create_spools=True)
    state = State(settings.state_dir)
    return Built(settings, host, components, state, Pipeline(settings, host, components, state))


def ecomms(
    cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the ``ecomms`` command line in ``cwd`` (config ``ecomms.toml`` there), fakes loaded."""
    return cli.ecomms(*args, cwd=cwd, env={**ENV, **(env or {})}, timeout=timeout)
