"""Reading one part of a unit without letting its failure spread to the others.

A file that does not parse, a payload that does not decode, or a bug of the transformer
while reading one part never costs the unit its other records (capture first, DESIGN §3):
:func:`attempt` builds the part's record and, should that raise, hands the error line to
a fallback (see :mod:`.fallback`); :func:`try_value` does the same for one value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from core.errors import PayloadError

__all__ = ["attempt", "error_line", "try_value"]

log = logging.getLogger(__name__)

T = TypeVar("T")

_LONGEST = 500  # characters of one error line: enough to name the part, field and reason


def error_line(label: str, exc: BaseException) -> str:
    """One line naming the part ``label`` and what went wrong while reading it.

    A ``PayloadError`` already names the part (and field); anything else is a transformer
    bug, named by its exception type so it is told apart from bad input.
    """
    if isinstance(exc, PayloadError):
        text = str(exc)
        text = text if text.startswith(label) else f"{label}: {text}"
    else:
        text = f"{label}: transformer error {type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text if len(text) <= _LONGEST else text[: _LONGEST - 3] + "..."


def _report(label: str, exc: BaseException) -> str:
    if not isinstance(exc, PayloadError):
        log.warning("zoom transformer failed on %s", label, exc_info=exc)
    return error_line(label, exc)


def try_value(errors: list[str], label: str, read: Callable[[], T], default: T) -> T:
    """``read()``, or ``default`` with the error line appended to ``errors`` when it raises."""
    try:
        return read()
    except Exception as exc:  # one bad part never costs the unit its other records
        errors.append(_report(label, exc))
        return default


def attempt(label: str, build: Callable[[], T], fallback: Callable[[list[str]], T]) -> T:
    """``build()``, or ``fallback([the error line])`` when building raises."""
    try:
        return build()
    except Exception as exc:  # one bad part never costs the unit its other records
        return fallback([_report(label, exc)])
