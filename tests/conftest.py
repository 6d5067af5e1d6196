"""Root test configuration: session fixtures live in tests/fixtures/ and are registered here."""

pytest_plugins = [
    "tests.fixtures.opensearch_node",
    "tests.fixtures.zoom_simulator",
]
