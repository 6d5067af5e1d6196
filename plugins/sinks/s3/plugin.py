"""Entry point of the s3 plugin: the archive sink and the ``ecomms legal-hold`` commands.

Both are imported when the plugin loads, so a missing dependency makes the plugin broken
(shown by ``ecomms plugins``, an error wherever it is enabled), never half-loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookspecs import hookimpl

from .commands import legal_hold_group
from .sink import S3Sink

if TYPE_CHECKING:
    import click


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """Register :class:`S3Sink` as sink ``s3``."""
    return [S3Sink]


@hookimpl
def ecomms_register_commands(cli: click.Group) -> None:
    """Add the ``ecomms legal-hold`` command group."""
    cli.add_command(legal_hold_group)
