"""Root test configuration: session fixtures live in tests/fixtures/ and are registered here,
at the repository root, so that both test trees get them, run together or alone: the suite in
tests/ and the simulator's contract tests in tools/zoom_simulator/tests/.

Test files holding a ``chaos`` test run first, then those holding a ``slow`` one: with one file
per worker at a time (``--dist loadfile``), a long file started last would keep the whole suite
waiting for it.
"""

from __future__ import annotations

import pytest

RANKS = {"chaos": 0, "slow": 1}  # a file's rank: its lowest; files with neither come last

pytest_plugins = [
    "tests.fixtures.opensearch_node",
    "tests.fixtures.zoom_simulator",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the files with long tests to the front, keeping the order within each rank."""
    rank: dict[object, int] = {}
    for item in items:
        marks = [RANKS[m.name] for m in item.iter_markers() if m.name in RANKS]
        rank[item.path] = min([rank.get(item.path, len(RANKS)), *marks])
    items.sort(key=lambda item: rank[item.path])
