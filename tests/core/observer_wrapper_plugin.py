"""A plugin declaring an observer hook as a wrapper, which the host refuses at load."""

from __future__ import annotations

from collections.abc import Generator

from core.hookspecs import hookimpl


@hookimpl(wrapper=True)
def ecomms_after_commit() -> Generator[None, None, None]:
    """Would wrap the other observers, but each observer is called on its own."""
    return (yield)
