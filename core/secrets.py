"""Secrets: the configured value (:class:`Secret`), the reference to it, and the scrubber.

``{ env = "VARIABLE" }`` in the config file loads as a :class:`SecretRef`; it becomes a
:class:`Secret` only when a component that needs it is built. Both are re-exported by
:mod:`core.config`, where components import ``Secret`` from.

Every secret value ecomms holds is remembered: each :class:`Secret` on creation, and each
token a component mints (an OAuth access token) when the component calls
:func:`remember_secret`. :func:`scrub` replaces every remembered value in a text by
``[redacted]``; it runs at each place a text is persisted or shown: every write transaction
of the state store (unit errors, dead letters, snapshots, runs), every custody ledger entry
(before it is hashed), every log line and the command line's final error.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from core.errors import ConfigError

__all__ = [
    "MIN_SECRET_LENGTH",
    "PLACEHOLDER",
    "REDACTED",
    "Secret",
    "SecretRef",
    "remember_secret",
    "scrub",
    "scrub_params",
]

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 6  # shorter values would redact ordinary words

_lock = threading.Lock()
_known: set[str] = set()
_longest_first: list[str] = []


def remember_secret(value: str) -> None:
    """Remember ``value`` as a secret: :func:`scrub` removes it from every text from now on.

    Values shorter than :data:`MIN_SECRET_LENGTH` are ignored. Thread-safe; call it with each
    token the moment it is minted.
    """
    if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        if value in _known:
            return
        _known.add(value)
        _longest_first[:] = sorted(_known, key=len, reverse=True)


def scrub(text: str) -> str:
    """``text`` with every remembered secret replaced by ``[redacted]`` (longest first)."""
    if not _longest_first or not text:
        return text
    for value in list(_longest_first):
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def scrub_params(params: Any) -> Any:
    """SQL parameters (a sequence or mapping) with every ``str`` among them scrubbed."""
    if not _longest_first:
        return params
    if isinstance(params, Mapping):
        return {k: scrub(v) if isinstance(v, str) else v for k, v in params.items()}
    return [scrub(v) if isinstance(v, str) else v for v in params]


class Secret:
    """A secret value (password, client secret) that never shows itself.

    ``str()``, ``repr()`` and encoding all print ``***``; call :meth:`reveal` at the one
    place the value is sent (an auth header). In TOML a secret is written as
    ``{ env = "VARIABLE" }`` and resolved from the environment when the component that
    needs it is built (see :class:`SecretRef`).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        remember_secret(value)

    def reveal(self) -> str:
        """Return the secret value itself; never log or store the result."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


class SecretRef:
    """An unresolved ``{ env = "VARIABLE" }`` value at key path ``where``.

    Config loading keeps these in :attr:`ComponentSection.options`; :meth:`resolve` reads the
    variable only when a component that needs it is built, so a missing variable fails only
    the commands that use that component.
    """

    __slots__ = ("_env", "variable", "where")

    def __init__(self, variable: str, where: str, env: Mapping[str, str]) -> None:
        self.variable = variable
        self.where = where
        self._env = env

    def resolve(self) -> Secret:
        """The secret itself; ``ConfigError`` naming the variable and key when it is unset."""
        if self.variable not in self._env:
            raise ConfigError(
                f"{self.where}: environment variable {self.variable} is not set",
                variable=self.variable,
            )
        return Secret(self._env[self.variable])

    def __repr__(self) -> str:
        return f"SecretRef(env={self.variable!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretRef) and (other.variable, other.where) == (
            self.variable,
            self.where,
        )

    def __hash__(self) -> int:
        return hash(("SecretRef", self.variable, self.where))


#: stands in for every secret while a section is only validated; reveals nothing real
PLACEHOLDER = Secret("")
