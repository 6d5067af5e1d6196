"""A plugin whose source and sink record ``close()`` calls; a sink can refuse to be built.

Each ``close()`` appends the instance name to ``closed.txt`` in the state directory.
"""

from __future__ import annotations

from typing import ClassVar

from core.errors import ConfigError
from core.hookspecs import hookimpl
from core.protocols import Context
from core.testing import FakeSink, FakeSource


def _closed(context: Context) -> None:
    with open(context.state_dir / "closed.txt", "a") as fh:
        fh.write(context.name + "\n")


class ClosingSource(FakeSource):
    """The fake source, recording its close."""

    name: ClassVar[str] = "closing_source"

    def close(self) -> None:
        """Record the close."""
        _closed(self.context)


class ClosingSink(FakeSink):
    """The fake sink, recording its close; ``refuse = true`` makes building it fail."""

    name: ClassVar[str] = "closing_sink"

    class Config(FakeSink.Config, kw_only=True, forbid_unknown_fields=True):
        """The fake sink's options plus ``refuse``."""

        refuse: bool = False

    def __init__(self, config: ClosingSink.Config, context: Context) -> None:
        if config.refuse:
            raise ConfigError(f"sinks.{context.name}: refused to start")
        super().__init__(config, context)

    def close(self) -> None:
        """Record the close."""
        _closed(self.context)


@hookimpl
def ecomms_register_sources() -> list[type]:
    """The recording source."""
    return [ClosingSource]


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """The recording sink."""
    return [ClosingSink]
