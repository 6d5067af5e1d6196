"""Entry point of the sqlite plugin: registers the embedded search-store sink."""

from __future__ import annotations

from core.hookspecs import hookimpl

from .sink import SqliteSink


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """Register :class:`SqliteSink` as sink ``sqlite``."""
    return [SqliteSink]
