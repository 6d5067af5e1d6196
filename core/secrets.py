"""Secrets in the configuration: the value (:class:`Secret`) and the reference to it.

``{ env = "VARIABLE" }`` in the config file loads as a :class:`SecretRef`; it becomes a
:class:`Secret` only when a component that needs it is built. Both are re-exported by
:mod:`core.config`, where components import ``Secret`` from.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.errors import ConfigError

__all__ = ["PLACEHOLDER", "Secret", "SecretRef"]


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
