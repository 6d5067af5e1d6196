"""A plugin registering a sink whose name is already taken."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.testing import FakeSink


class OtherSink(FakeSink):
    """Same name as the fake sink."""


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """The clashing sink."""
    return [OtherSink]
