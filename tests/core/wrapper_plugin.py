"""A plugin with hook wrappers around the hooks called once for all plugins.

``ecomms_register_commands`` is a new-style wrapper (``wrapper=True``): after every other
plugin added its commands, it adds ``ecomms wrapped``, which prints the commands it saw.
``ecomms_before_run`` is an old-style ``hookwrapper``: it logs before and after the others
to ``$ECOMMS_TEST_HOOK_LOG``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator

import click
import pluggy

from core.hookspecs import hookimpl


@hookimpl(wrapper=True)
def ecomms_register_commands(cli: click.Group) -> Generator[None, None, None]:
    """Let the others add their commands, then add one listing them."""
    result = yield
    seen = sorted(cli.commands)

    @click.command("wrapped")
    def wrapped() -> None:
        """Print the commands present when the wrapper resumed."""
        click.echo(" ".join(seen))

    cli.add_command(wrapped)
    return result


@hookimpl(hookwrapper=True)
def ecomms_before_run(sources: list[str]) -> Generator[None, pluggy.Result[None], None]:
    """Log around the other before_run implementations."""
    _log(phase="before", sources=sources)
    outcome = yield
    _log(phase="after", failed=outcome.exception is not None)


def _log(**entry: object) -> None:
    with open(os.environ["ECOMMS_TEST_HOOK_LOG"], "a") as fh:
        fh.write(json.dumps({"hook": "before_run_wrapper", **entry}) + "\n")
