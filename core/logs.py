"""Logging setup, once per process: readable lines on a terminal, JSON lines for services.

:func:`configure_logging` installs one handler on the root logger, in the final format and
at the final level (``--log-level``, else ``[ecomms] log_level``, else ``INFO``; the command
line works that out before any plugin loads). That level applies to the loggers of ecomms
itself (``ecomms``, ``core``, ``plugins``) and, through :func:`adopt_loggers`, to the
top-level package of every loaded plugin (``ecomms_jsonl_sink``...), so a plugin's
``logging.getLogger(__name__)`` needs no setup. Every other library logs only its warnings
and errors, whatever the level: an HTTP client's request lines (URLs may carry tokens)
never reach the log. Both formats scrub every known secret from each line they produce
(:func:`core.secrets.scrub`), tracebacks included.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from core.errors import ConfigError
from core.secrets import scrub

__all__ = [
    "LEVELS",
    "JsonFormatter",
    "TextFormatter",
    "adopt_loggers",
    "configure_logging",
    "parse_level",
]

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_OWN = ("ecomms", "core", "plugins")
_TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the exception, if any).

    A record logged with ``extra={"context": {...}}`` also carries that dict as ``context``
    (the fields a service filters on, e.g. a refused webhook request's peer and status).
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as a JSON line."""
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = getattr(record, "context", None)
        if isinstance(context, dict):
            data["context"] = context
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return scrub(json.dumps(data, ensure_ascii=False))


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message`` lines, scrubbed of every known secret."""

    def __init__(self) -> None:
        super().__init__(_TEXT)

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as one text line (plus its traceback, if any)."""
        return scrub(super().format(record))


class _Setup:
    handler: logging.Handler | None = None
    level = logging.INFO


def parse_level(value: str, where: str = "--log-level") -> int:
    """The ``logging`` level named ``value`` (any case); ``ConfigError`` naming ``where``."""
    name = value.strip().upper()
    if name not in LEVELS:
        raise ConfigError(f"{where}: {value!r} is not a log level (one of {', '.join(LEVELS)})")
    return logging.getLevelNamesMapping()[name]


def configure_logging(fmt: str = "text", level: str | int = "INFO") -> None:
    """Send logs to stderr in ``fmt`` (``text`` or ``json``) at ``level``; replaces a previous
    configuration (the command line calls it once)."""
    number = parse_level(level) if isinstance(level, str) else level
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    if _Setup.handler is not None:
        root.removeHandler(_Setup.handler)
    root.addHandler(handler)
    root.setLevel(max(number, logging.WARNING))  # other libraries: warnings and errors only
    _Setup.handler, _Setup.level = handler, number
    adopt_loggers(_OWN)


def adopt_loggers(packages: Iterable[str]) -> None:
    """Give the loggers of ``packages`` (and their children) the configured level."""
    for name in packages:
        logger = logging.getLogger(name)
        logger.setLevel(_Setup.level)
        logger.propagate = True
