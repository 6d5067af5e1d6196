"""Sink plugins: filesystem (archive of record), sqlite (embedded search), opensearch."""
