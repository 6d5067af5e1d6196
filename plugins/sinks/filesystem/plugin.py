"""Entry point of the filesystem plugin: registers the archive-of-record sink."""

from __future__ import annotations

from core.hookspecs import hookimpl

from .sink import FilesystemSink


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """Register :class:`FilesystemSink` as sink ``filesystem``."""
    return [FilesystemSink]
