"""Entry point of the zoom_ecomms plugin: its hook implementations (under construction)."""

from __future__ import annotations

from core.hookspecs import hookimpl


@hookimpl
def ecomms_register_sources():
    """Register nothing yet."""
    return []
