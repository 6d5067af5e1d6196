"""Entry point of the s3 plugin: registers the WORM archive-of-record sink."""

from __future__ import annotations

from core.hookspecs import hookimpl

from .sink import S3Sink


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """Register :class:`S3Sink` as sink ``s3``."""
    return [S3Sink]

