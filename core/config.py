"""Configuration: TOML file, environment overrides and secrets (under construction)."""

from __future__ import annotations

__all__ = ["Secret"]


class Secret:
    """A secret value (password, client secret) that never shows itself.

    ``str()``, ``repr()`` and encoding all print ``***``; call :meth:`reveal` at the one
    place the value is sent (an auth header). In TOML a secret is written as
    ``{ env = "VARIABLE" }`` and resolved from the environment when the config loads.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

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
