"""Entry point of the ecomms-zoom-simulator distribution: adds ``ecomms zoom simulator`` and
``ecomms demo`` to the command line.

Only ``core`` is imported, never the connector (``plugins.zoom_ecomms``): the simulator plays
Zoom and keeps its own copy of Zoom's tables. The demo runs the connector through the host,
which finds it by its entry point like any installed plugin.
"""

from __future__ import annotations

import click

from core.hookspecs import hookimpl


@hookimpl
def ecomms_register_commands(cli: click.Group) -> None:
    """Add the ``zoom`` group (its ``simulator`` command) and the ``demo`` command."""
    from ecomms_zoom_simulator.cli import simulator_command
    from ecomms_zoom_simulator.demo import demo_command

    cli.add_command(simulator_command)
    cli.add_command(demo_command)
