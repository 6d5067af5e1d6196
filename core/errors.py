"""The one exception tree of ecomms.

::

    EcommsError                      every error we raise on purpose; printed as one line
    ├── ConfigError                  bad or missing configuration (terminal)
    ├── PluginError                  a plugin cannot load, or a configured one is unknown (terminal)
    ├── TransientError               worth retrying: the cause may go away by itself
    │   ├── RateLimited              the remote asked us to slow down (``retry_after`` seconds)
    │   ├── SinkUnavailable          a sink cannot be reached right now
    │   └── DiskFull                 no space left where the spool, state or a store writes
    └── TerminalError                retrying the same input will fail the same way
        ├── AuthError                wrong credentials
        ├── ScopeError               the token lacks scopes an enabled feature needs
        ├── PayloadError             malformed API payload or file (names file, field, reason)
        ├── IntegrityError           size / SHA-256 mismatch, or a tampered archive or ledger
        ├── RecordRejected           a sink refused records for their content (per-record reasons)
        ├── StateError               the state store is unusable
        └── QueryError               a search the store cannot run: unknown attribute, wrong type

Every error carries context attributes (``context`` dict) that are safe to print: no secret
ever goes into an error message or its context.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthError",
    "ConfigError",
    "DiskFull",
    "EcommsError",
    "IntegrityError",
    "PayloadError",
    "PluginError",
    "QueryError",
    "RateLimited",
    "RecordRejected",
    "ScopeError",
    "SinkUnavailable",
    "StateError",
    "TerminalError",
    "TransientError",
]


class EcommsError(Exception):
    """Base of every error ecomms raises on purpose.

    ``transient`` tells the pipeline whether retrying the same work may succeed.
    ``context`` holds attributes that help a user act (plugin, unit, file, field...).
    """

    transient: bool = False

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = {k: v for k, v in context.items() if v is not None}

    def one_line(self) -> str:
        """Return the error as one actionable line, context appended as ``key=value``."""
        extra = " ".join(f"{k}={v}" for k, v in self.context.items())
        return f"{self.message} ({extra})" if extra else self.message


class ConfigError(EcommsError):
    """The configuration is invalid: an unknown key, a wrong type, a missing variable."""


class PluginError(EcommsError):
    """A plugin cannot be loaded, or the configuration names a plugin that is not installed."""


class TransientError(EcommsError):
    """A failure that may go away if the same work is retried later."""

    transient = True


class RateLimited(TransientError):
    """The remote service asked us to slow down; ``retry_after`` is in seconds when known."""

    def __init__(self, message: str, retry_after: float | None = None, **context: Any) -> None:
        super().__init__(message, **context)
        self.retry_after = retry_after


class SinkUnavailable(TransientError):
    """A sink cannot be reached or did not confirm durability; nothing is committed."""


class DiskFull(TransientError):
    """No space (or the file size limit) where ecomms writes: the spool, ``state.db``, a store.

    It stops the pass without counting an attempt against any unit: nothing is committed,
    nothing is dead-lettered, and capture resumes where it stopped once there is room.
    ``path`` in the context names where the write failed.
    """


class TerminalError(EcommsError):
    """A failure that will repeat if the same input is retried unchanged."""


class AuthError(TerminalError):
    """Credentials were refused."""


class ScopeError(TerminalError):
    """The access token lacks scopes that an enabled feature needs."""

    def __init__(self, message: str, missing: dict[str, list[str]] | None = None, **context: Any):
        super().__init__(message, **context)
        self.missing = missing or {}


class PayloadError(TerminalError):
    """A malformed payload or file; the message names the file, the field and the reason."""


class IntegrityError(TerminalError):
    """Bytes or ledger entries do not match their recorded hashes."""


class RecordRejected(TerminalError):
    """A sink refused some records for their content; ``reasons`` maps record id to reason."""

    def __init__(self, message: str, reasons: dict[str, str] | None = None, **context: Any):
        super().__init__(message, **context)
        self.reasons = reasons or {}


class StateError(TerminalError):
    """The state store is missing, locked or corrupt."""


class QueryError(TerminalError):
    """A search the store cannot run: an unknown attribute, a value of the wrong type.

    The message names the offending attribute or value and, for an unknown attribute, lists
    the known ones.
    """
