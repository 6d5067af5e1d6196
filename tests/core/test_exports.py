"""The host's public surface is deliberate: every module declares a valid ``__all__``."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import pytest

import core
from core import hookspecs

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


def _ruff_order(name: str) -> tuple[int, str]:
    # the order ruff's RUF022 keeps every __all__ in: CONSTANTS, Classes, then functions
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_the_public_face_is_sorted_and_exactly_its_public_names() -> None:
    """``core`` exports a sorted ``__all__`` naming every public name it defines (as httpx)."""
    public = {
        name
        for name, value in vars(core).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert core.__all__ == sorted(core.__all__, key=_ruff_order)
    assert set(core.__all__) == public


def test_the_public_face_holds_what_a_plugin_author_needs() -> None:
    """Every Protocol and value type, every record name but the base, every error, and more."""
    from core import errors, protocols, records

    wanted = {*protocols.__all__, *errors.__all__, *records.__all__} - {"Base"}
    wanted |= {"hookimpl", "Secret", "Settings"}
    assert set(core.__all__) == wanted
    assert core.hookimpl is hookspecs.hookimpl and core.Sink is protocols.Sink


def _core_imports(text: str) -> set[str]:
    return set(re.findall(r"^\s*(?:from|import) (core[\w.]*)", text, re.M))


def test_plugin_docs_and_the_example_import_only_the_public_face() -> None:
    """docs/plugins.md and the example sink import from ``core`` (tests: ``core.testing``)."""
    root = Path(core.__path__[0]).parent
    assert _core_imports((root / "docs" / "plugins.md").read_text()) == {"core", "core.testing"}
    example = root / "examples" / "jsonl_sink"
    for path in example.rglob("*.py"):
        assert _core_imports(path.read_text()) <= {"core", "core.testing"}, path
