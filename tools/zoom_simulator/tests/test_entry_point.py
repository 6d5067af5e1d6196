"""The simulator's distribution adds ``ecomms zoom simulator`` and ``ecomms demo`` through
its own entry point, and imports only ``core``, never the connector."""

from __future__ import annotations

import ast
from importlib.metadata import entry_points
from pathlib import Path

import click
import ecomms_zoom_simulator


def test_its_entry_point_adds_the_simulator_and_the_demo():
    (ep,) = [ep for ep in entry_points(group="ecomms") if ep.name == "zoom_simulator"]
    cli = click.Group("ecomms")
    ep.load().ecomms_register_commands(cli=cli)
    assert "simulator" in cli.commands["zoom"].commands
    assert "demo" in cli.commands


def test_it_imports_only_core_never_the_connector():
    package = Path(ecomms_zoom_simulator.__file__).parent
    imported = set()
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert "plugins" not in imported
    assert "core" in imported
