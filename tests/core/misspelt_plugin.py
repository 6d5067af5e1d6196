"""A plugin implementing a hook that does not exist (a typo)."""

from __future__ import annotations

from core.hookspecs import hookimpl


@hookimpl
def ecomms_register_sink() -> list[type]:
    """Misspelt: the hook is ecomms_register_sinks."""
    return []
