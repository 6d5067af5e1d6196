"""Root test configuration: session fixtures live in tests/fixtures/ and are registered here,
at the repository root, so that both test trees get them, run together or alone: the suite in
tests/ and the simulator's contract tests in tools/zoom_simulator/tests/."""

pytest_plugins = [
    "tests.fixtures.opensearch_node",
    "tests.fixtures.zoom_simulator",
]
