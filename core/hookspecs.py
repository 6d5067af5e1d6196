"""Every hook of ecomms, in one place (pluggy project name ``ecomms``).

Registration hooks contribute component *classes* (see :mod:`core.protocols`); lifecycle
hooks observe a run. Hooks are called with keyword arguments only, so an implementation may
accept any subset of a spec's arguments. Records never flow through hooks one by one: they
move through component method calls, in batches.

Registration and observer hooks are called once per plugin (so each component is
attributed to its plugin and one failing observer never stops the others): a hook wrapper
on them is refused at load. ``ecomms_register_commands`` and ``ecomms_before_run`` are
called once for all plugins, so ``wrapper=True`` / ``hookwrapper=True`` implementations of
them run around the others (see :mod:`core.host`).

A plugin is a module declared in the ``ecomms`` entry-point group::

    from core import hookimpl

    @hookimpl
    def ecomms_register_sinks():
        return [MySink]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from core.protocols import Receipt, Unit

PROJECT = "ecomms"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["PROJECT", "hookimpl", "hookspec"]


# --- registration ---------------------------------------------------------------------


@hookspec
def ecomms_register_sources() -> Sequence[type]:
    """Return the source classes this plugin provides.

    Called once when the plugin manager is built (before the config is read). Each class
    satisfies :class:`core.protocols.Source`; its ``name`` is what ``[sources.NAME]`` (or
    ``plugin = "NAME"``) refers to. Return an empty list to register none.
    """


@hookspec
def ecomms_register_transformers() -> Sequence[type]:
    """Return the transformer classes this plugin provides.

    Called once when the plugin manager is built. Each class satisfies
    :class:`core.protocols.Transformer`. A ``unit`` stage transformer is enabled
    automatically for the platforms it consumes; a ``records`` stage transformer runs only
    when a ``[transformers.NAME]`` section enables it.
    """


@hookspec
def ecomms_register_sinks() -> Sequence[type]:
    """Return the sink classes this plugin provides.

    Called once when the plugin manager is built. Each class satisfies
    :class:`core.protocols.Sink` (and :class:`core.protocols.SearchableSink` if it can
    search); ``[sinks.NAME]`` enables an instance.
    """


@hookspec
def ecomms_register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``ecomms`` command line.

    Called once when the CLI starts, with the top-level ``click.Group``. Use
    ``cli.add_command(...)``; the return value is ignored.
    """


# --- lifecycle (observers; return values are ignored) ----------------------------------


@hookspec
def ecomms_before_run(config: Any, sources: Sequence[str], sinks: Sequence[str]) -> None:
    """Called once before a run starts pulling, after every component was built and checked.

    ``config`` is the loaded :class:`core.config.Settings`; ``sources`` and ``sinks`` are
    the enabled instance names. Raising aborts the run before anything is pulled.
    """


@hookspec
def ecomms_before_capture(unit: Unit) -> None:
    """Called when the pipeline starts capturing a unit not already archived in this version.

    Fires for each unit a pass captures and for each dead-letter retry; units skipped as
    already archived (or dead-lettered before) are not announced. ``ecomms_after_commit`` or
    ``ecomms_on_error`` follows for the same unit unless the pass stops first (a sink down,
    a full disk, a second signal). Exceptions are logged and ignored.
    """


@hookspec
def ecomms_after_commit(unit: Unit, receipts: Sequence[Receipt], refill: bool) -> None:
    """Called after a unit was committed (state, ledger, checkpoint) and acknowledged.

    ``unit`` is the committed capture unit and ``receipts`` one per sink. ``refill`` is True
    when a refill added parts to a unit committed before and committed it again. Exceptions
    are logged and never undo the commit.
    """


@hookspec
def ecomms_after_derive(
    unit: Unit, status: str, receipts: Sequence[Receipt], error: BaseException | None
) -> None:
    """Called after records were derived from a committed unit and written to the sinks.

    Fires for every derivation attempt (at capture, a retry from the archive, a refill, a
    reprocess). ``status`` is ``ok``, ``partial`` (some record carries derivation errors),
    ``pending`` (a sink is unreachable: derived again on a later pass), ``failed`` (retried
    later) or ``dead``; ``receipts`` one per sink that confirmed the records (every sink for
    ``ok`` and ``partial``); ``error`` what stopped it (``None`` for ``ok`` and ``partial``).
    Exceptions are logged and ignored.
    """


@hookspec
def ecomms_on_error(unit: Unit | None, error: BaseException, dead_lettered: bool) -> None:
    """Called when pulling, transforming or writing a unit failed.

    ``unit`` is ``None`` when the failure happened before a unit existed (e.g. while
    listing); ``dead_lettered`` tells whether the unit went to the dead-letter store (else
    it will be retried). Exceptions raised here are logged and ignored.
    """
