"""A test plugin: a fake source whose webhook receiver is broken (``wait_for_work`` raises)."""

from __future__ import annotations

from typing import ClassVar

from core.hookspecs import hookimpl
from core.testing import FakeSource


class BrokenWakeSource(FakeSource):
    """Captures like the fake source; every ``wait_for_work`` call fails."""

    name: ClassVar[str] = "broken_wake"

    def wait_for_work(self, timeout: float) -> bool:
        """Fail like a receiver whose socket died."""
        raise OSError("webhook receiver socket closed")


@hookimpl
def ecomms_register_sources() -> list[type]:
    """Register :class:`BrokenWakeSource`."""
    return [BrokenWakeSource]
