"""Entry point of the zoom_ecomms plugin: registers the source, the transformer and the
``ecomms zoom simulator`` and ``ecomms demo`` commands.

Everything is imported inside the hooks, so a missing optional piece (e.g. the simulator in
a slim install) never stops the others from loading.
"""

from __future__ import annotations

import importlib

from core.hookspecs import hookimpl


def _optional(module: str, attribute: str):
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        return None


@hookimpl
def ecomms_register_sources():
    """Register :class:`plugins.zoom_ecomms.source.ZoomSource`."""
    from plugins.zoom_ecomms.source import ZoomSource

    return [ZoomSource]


@hookimpl
def ecomms_register_transformers():
    """Register the Zoom unit transformer when it is installed."""
    transformer = _optional("plugins.zoom_ecomms.transform", "ZoomTransformer")
    return [transformer] if transformer is not None else []


@hookimpl
def ecomms_register_commands(cli):
    """Add ``ecomms zoom simulator`` and ``ecomms demo`` when the simulator is installed."""
    for module, attribute in (
        ("plugins.zoom_ecomms.simulator.cli", "simulator_command"),
        ("plugins.zoom_ecomms.demo", "demo_command"),
    ):
        command = _optional(module, attribute)
        if command is not None:
            cli.add_command(command)
