"""A plugin whose observers and command registration fail with a bug (``RuntimeError``)."""

from __future__ import annotations

import click

from core.hookspecs import hookimpl


@hookimpl
def ecomms_after_commit(unit: object) -> None:
    """A broken metrics exporter."""
    raise RuntimeError("metrics endpoint gone")


@hookimpl
def ecomms_on_error(error: BaseException) -> None:
    """A broken pager."""
    raise RuntimeError("pager endpoint gone")


@hookimpl
def ecomms_register_commands(cli: click.Group) -> None:
    """A command registration with a bug."""
    raise RuntimeError("command table corrupt")
