"""A plugin registering a sink class that does not satisfy the Sink protocol."""

from __future__ import annotations

from core.hookspecs import hookimpl


class HalfSink:
    """Has a name but no Config and no write."""

    name = "half"


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """The incomplete sink."""
    return [HalfSink]
