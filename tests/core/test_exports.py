"""The host's public surface is deliberate: every module declares a valid ``__all__``."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import core

MODULES = sorted(
    m.name.removeprefix("core.")
    for m in pkgutil.walk_packages(core.__path__, "core.")
    if m.name != "core.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_module_exports(name: str) -> None:
    """``__all__`` exists, has no duplicates, and names only things the module defines."""
    module = importlib.import_module(f"core.{name}")
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"core.{name} has no __all__"
    assert len(set(exported)) == len(exported), f"core.{name}.__all__ has duplicates"
    for symbol in exported:
        assert hasattr(module, symbol), f"core.{name}.__all__ names missing {symbol}"


def test_core_never_imports_plugins() -> None:
    """The host knows nothing of any plugin."""
    from pathlib import Path

    for path in Path(core.__path__[0]).rglob("*.py"):
        text = path.read_text()
        assert "import plugins" not in text and "from plugins" not in text, path.name
