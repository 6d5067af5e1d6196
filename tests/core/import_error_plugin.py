"""A plugin whose source registers but whose transformer module cannot import (a missing
dependency), as when the Zoom transformer's imports fail."""

from __future__ import annotations

from typing import ClassVar

from core.hookspecs import hookimpl
from core.testing import FakeSource


class HalfSource(FakeSource):
    """A working source of platform ``half``."""

    name: ClassVar[str] = "half_source"
    platform: ClassVar[str] = "half"


@hookimpl
def ecomms_register_sources() -> list[type]:
    """The source, which imports fine."""
    return [HalfSource]


@hookimpl
def ecomms_register_transformers() -> list[type]:
    """The transformer, whose module needs a dependency that is not installed."""
    from tests.core.no_such_transformer_module import HalfTransformer  # type: ignore[import-not-found]

    return [HalfTransformer]
