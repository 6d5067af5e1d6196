"""Tiny fakes and conformance test classes for plugin authors and the host's own tests.

The core test kit is shipped in the ``ecomms`` distribution on purpose (as pytest ships
pytester): a plugin's tests subclass its contracts. It is never declared as an entry point:
load the fakes into a host only with ``ECOMMS_EXTRA_PLUGINS=core.testing``; they then behave
like any installed plugin:

- :class:`FakeSource` (``fake``, platform ``fake``): deterministic units ``u0001``,
  ``u0002``... with optional files; some keys can fail (transient or terminal) while a
  marker file exists; every acknowledgement is appended to ``fake-<name>-acks.jsonl`` in
  the state directory so tests can count them. It reports configured capture ``gaps`` per
  unit, can grow while running (``units_file``) and is a ``WakeableSource``: its
  ``wait_for_work`` returns as soon as a ``wake_file`` appears.
- :class:`FakeTransformer` (``fake_transformer``, unit stage, consumes ``fake``).
- :class:`FakeSink` (``fake_sink``): a durable JSON Lines store keyed by record id (a record
  already stored identically is not written again), blobs by SHA-256, ``search``/``get``/
  ``verify``; it can fail after N records or while a marker file exists.

Crash injection (tests only): ``ECOMMS_FAKE_CRASH=<point>:<n>`` kills the process with
SIGKILL the n-th time it reaches ``point``: ``pull`` (a unit was yielded), ``sink_write``
(a sink made a batch durable), ``acknowledge`` (the unit is committed, not yet
acknowledged), ``after_commit`` (acknowledged, before the next unit).

:class:`SourceContract`, :class:`SinkContract` and :class:`SearchableSinkContract` are pytest
base classes a plugin's tests subclass (see their docstrings); :func:`sample_records` gives
one record of every kind. Modules: ``fakes`` (source, transformer, crash injection),
``fake_sink``, ``contracts``, ``samples`` (and ``meeting_samples``, re-exported by it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.hookspecs import hookimpl
from core.protocols import Unit
from core.testing.fake_sink import FakeSink
from core.testing.fakes import FakeSource, FakeTransformer, crash_point, read_acks
from core.testing.samples import sample_artifacts, sample_records

if TYPE_CHECKING:
    from core.testing.contracts import SearchableSinkContract, SinkContract, SourceContract

__all__ = [
    "FakeSink",
    "FakeSource",
    "FakeTransformer",
    "SearchableSinkContract",
    "SinkContract",
    "SourceContract",
    "crash_point",
    "read_acks",
    "sample_artifacts",
    "sample_records",
]


_CONTRACTS = frozenset({"SearchableSinkContract", "SinkContract", "SourceContract"})


def __getattr__(name: str) -> Any:
    """The pytest contract classes, imported on first use: the fakes load without pytest."""
    if name in _CONTRACTS:
        from core.testing import contracts

        return getattr(contracts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@hookimpl
def ecomms_register_sources() -> list[type]:
    """Register :class:`FakeSource`."""
    return [FakeSource]


@hookimpl
def ecomms_register_transformers() -> list[type]:
    """Register :class:`FakeTransformer`."""
    return [FakeTransformer]


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """Register :class:`FakeSink`."""
    return [FakeSink]


@hookimpl
def ecomms_after_commit(unit: Unit) -> None:
    """Crash injection point ``after_commit``."""
    crash_point("after_commit")
