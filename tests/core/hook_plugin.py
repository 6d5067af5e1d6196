"""A plugin implementing every lifecycle hook and a command, logging calls to a file.

The file is ``$ECOMMS_TEST_HOOK_LOG``; ``ECOMMS_TEST_HOOK_ABORT=1`` makes ``before_run`` raise.
"""

from __future__ import annotations

import json
import logging
import os

import click

from core.errors import EcommsError
from core.hookspecs import hookimpl

log = logging.getLogger(__name__)


def _log(**entry: object) -> None:
    with open(os.environ["ECOMMS_TEST_HOOK_LOG"], "a") as fh:
        fh.write(json.dumps(entry) + "\n")


@click.command("hello")
@click.argument("who")
def hello(who: str) -> None:
    """Say hello (a plugin command), logging at DEBUG and INFO; a library logs too."""
    log.debug("greeting %s in detail", who)
    log.info("greeting %s", who)
    logging.getLogger("httpx").info("a library's request line")
    logging.getLogger("httpx").warning("a library's warning")
    click.echo(f"hello {who} from a plugin")


@hookimpl
def ecomms_register_commands(cli: click.Group) -> None:
    """Add ``ecomms hello``."""
    cli.add_command(hello)


@hookimpl
def ecomms_before_run(config, sources, sinks) -> None:
    """Log the run's sources and sinks; abort when asked."""
    _log(
        hook="before_run",
        sources=list(sources),
        sinks=list(sinks),
        max_attempts=config.host.max_attempts,
    )
    if os.environ.get("ECOMMS_TEST_HOOK_ABORT") == "1":
        raise EcommsError("aborted by hook_plugin")


@hookimpl
def ecomms_before_capture(unit) -> None:
    """Log the unit whose capture starts."""
    _log(hook="before_capture", key=unit.key)


@hookimpl
def ecomms_after_commit(unit, receipts) -> None:
    """Log the committed unit and the sinks that confirmed it."""
    _log(hook="after_commit", key=unit.key, sinks=sorted(r.sink for r in receipts))


@hookimpl
def ecomms_after_derive(unit, status, receipts) -> None:
    """Log the derived unit, its status and the sinks that confirmed its records."""
    _log(hook="after_derive", key=unit.key, status=status, sinks=sorted(r.sink for r in receipts))


@hookimpl
def ecomms_on_error(unit, error, dead_lettered) -> None:
    """Log the failed unit."""
    _log(hook="on_error", key=unit.key if unit else None, error=str(error), dead=dead_lettered)
