"""A plugin module registering only the fake source (no transformer for its platform)."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.testing import FakeSink, FakeSource


@hookimpl
def ecomms_register_sources() -> list[type]:
    """The fake source alone."""
    return [FakeSource]


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """The fake sink."""
    return [FakeSink]
