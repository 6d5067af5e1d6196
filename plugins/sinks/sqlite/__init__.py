"""The sqlite plugin: the embedded default search store (FTS5 + typed attribute filters)."""

from __future__ import annotations

from .query import QueryError
from .sink import SqliteSink

__all__ = ["QueryError", "SqliteSink"]
