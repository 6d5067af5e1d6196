"""Removing secrets from every text that may be logged or stored.

The token provider registers the client secret, the Basic credentials built from it and
every access token it mints (the current one and the ones before it); any message that
quotes what Zoom answered passes through :func:`scrub` before it becomes an exception, a
gap, a failure or a log line. Each value is also handed to core's scrubber
(:func:`core.secrets.remember_secret`), which scrubs whatever the host persists or logs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from core.secrets import remember_secret

__all__ = ["REDACTED", "add_secret", "known_secrets", "on_secret", "scrub"]

REDACTED = "[redacted]"
MIN_LENGTH = 6  # shorter values would redact ordinary words

_lock = threading.Lock()
_secrets: set[str] = set()
_listeners: list[Callable[[str], None]] = []


def add_secret(value: str) -> None:
    """Remember ``value`` as a secret: it never appears in what :func:`scrub` returns."""
    if len(value) < MIN_LENGTH:
        return
    remember_secret(value)
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        listeners = list(_listeners)
    for listener in listeners:
        listener(value)


def known_secrets() -> frozenset[str]:
    """Every secret registered so far."""
    with _lock:
        return frozenset(_secrets)


def on_secret(listener: Callable[[str], None]) -> None:
    """Call ``listener(secret)`` for every secret registered so far and from now on."""
    with _lock:
        _listeners.append(listener)
        current = list(_secrets)
    for value in current:
        listener(value)


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced by ``[redacted]`` (longest first)."""
    with _lock:
        found = [s for s in _secrets if s in text]
    for value in sorted(found, key=len, reverse=True):
        text = text.replace(value, REDACTED)
    return text
