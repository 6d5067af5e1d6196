"""The simulator's distribution adds ``ecomms zoom simulator`` and ``ecomms demo`` through
its own entry point, and imports only ``core``, never the connector."""

from __future__ import annotations

import ast
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click
import ecomms_zoom_simulator


def test_its_entry_point_adds_the_simulator_and_the_demo():
    (ep,) = [ep for ep in entry_points(group="ecomms") if ep.name == "zoom_simulator"]
    cli = click.Group("ecomms")
    ep.load().ecomms_register_commands(cli=cli)
    assert "simulator" in cli.commands["zoom"].real().commands
    assert cli.commands["demo"].real().name == "demo"
    assert "Capture a simulated Zoom account" in cli.commands["demo"].get_short_help_str(100)


def test_other_commands_start_without_loading_the_simulator():
    """Registering the commands imports neither the simulator nor the demo."""
    script = (
        "import sys, click\n"
        "from ecomms_zoom_simulator.plugin import ecomms_register_commands\n"
        "ecomms_register_commands(cli=click.Group('ecomms'))\n"
        "print(sorted(m for m in sys.modules if m.startswith('ecomms_zoom_simulator')))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "['ecomms_zoom_simulator', 'ecomms_zoom_simulator.plugin']"


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
