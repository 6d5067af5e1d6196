"""Entry point of the ecomms-zoom-simulator distribution: adds ``ecomms zoom simulator`` and
``ecomms demo`` to the command line.

Only ``core`` is imported, never the connector (``plugins.zoom_ecomms``): the simulator plays
Zoom and keeps its own copy of Zoom's tables. The demo runs the connector through the host,
which finds it by its entry point like any installed plugin. Both commands are imported only
when they run or show their help: every other ``ecomms`` command starts without loading the
simulator.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from core.hookspecs import hookimpl


class LazyCommand(click.Command):
    """A command listed under ``name`` whose real command (``module:attribute``) is imported
    only when it is parsed, i.e. when it runs or shows its help."""

    def __init__(self, name: str, target: str, short_help: str) -> None:
        super().__init__(name, short_help=short_help)
        self.target = target

    def real(self) -> click.Command:
        """The command this one stands for, imported now."""
        module, attribute = self.target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """The real command's context: it parses ``args`` and is the one invoked."""
        return self.real().make_context(info_name, args, parent=parent, **extra)


@hookimpl
def ecomms_register_commands(cli: click.Group) -> None:
    """Add the ``zoom`` group (its ``simulator`` command) and the ``demo`` command."""
    cli.add_command(
        LazyCommand("zoom", "ecomms_zoom_simulator.cli:simulator_command", "Zoom tools.")
    )
    cli.add_command(
        LazyCommand(
            "demo",
            "ecomms_zoom_simulator.demo:demo_command",
            "Capture a simulated Zoom account into the embedded sinks, then search it.",
        )
    )
