"""The sqlite plugin: the embedded default search store (FTS5 + typed attribute filters)."""

from __future__ import annotations

from core.errors import QueryError  # re-exported: it used to be defined here

from .sink import SqliteSink

__all__ = ["QueryError", "SqliteSink"]
