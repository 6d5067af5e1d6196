"""Entry point of the opensearch plugin: the sink and the ``ecomms opensearch`` commands.

Both are imported when the plugin loads, so a missing dependency makes the plugin broken
(shown by ``ecomms plugins``, an error wherever it is enabled), never half-loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookspecs import hookimpl
from plugins.sinks.opensearch.commands import opensearch_group
from plugins.sinks.opensearch.sink import OpenSearchSink

if TYPE_CHECKING:
    import click


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """Register :class:`OpenSearchSink` as ``opensearch``."""
    return [OpenSearchSink]


@hookimpl
def ecomms_register_commands(cli: click.Group) -> None:
    """Add the ``ecomms opensearch`` command group."""
    cli.add_command(opensearch_group)
