"""The sqlite sink: the embedded default search store (FTS5 text, typed attribute filters)."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import msgspec

from core.errors import ConfigError, SinkUnavailable, StateError
from core.protocols import Context, Expected, Finding, Query, Receipt, SearchResults
from core.query import parse_query
from core.records import CAPTURE_KIND, AttributeSpec, AttributeType, Record, decode_record
from core.writable import not_writable

from .query import fts_expression, where_sql
from .rows import attribute_rows, fts_row, record_row
from .schema import connect, connect_reader

__all__ = ["SqliteSink"]

_UPSERT = """
INSERT INTO records (id, kind, source, platform, occurred_at, title, text, parent_id,
                     risk_score, risk_categories, captured_at, json)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    kind = excluded.kind, source = excluded.source, platform = excluded.platform,
    occurred_at = excluded.occurred_at, title = excluded.title, text = excluded.text,
    parent_id = excluded.parent_id, risk_score = excluded.risk_score,
    risk_categories = excluded.risk_categories, captured_at = excluded.captured_at,
    json = excluded.json
"""
_BM25 = "bm25(records_fts, 4.0, 1.0, 2.0, 1.0)"


class SqliteSink:
    """Embedded search store: one SQLite file, safe for readers while a capture writes."""

    name: ClassVar[str] = "sqlite"
    #: Artifact bytes are not kept here (the filesystem sink keeps them), so receipts
    #: never list artifacts: the custody ledger must not count this sink as holding them.
    stores_artifacts: ClassVar[bool] = False

    class Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
        """``path``: the database file (relative to the config file's directory);
        ``timeout``: seconds to wait for a lock held by another process."""

        path: str
        timeout: float = 30.0

    def __init__(self, config: SqliteSink.Config, context: Context) -> None:
        self.config = config
        self.context = context
        self.path = context.resolve_path(config.path)
        self._conn: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None  # read-only, until something writes
        self._lock = threading.Lock()
        self._types: dict[str, AttributeType] = {}

    # --- protocol -------------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Open the database (creating it) and confirm it can be written."""
        try:
            with self._lock:
                conn = self._connection()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
        except (sqlite3.Error, OSError, SinkUnavailable) as exc:
            action = "fix the path or permissions, or stop the other writer"
            return [self._finding("writable", False, f"{self.path}: {exc}", action)]
        return [self._finding("writable", True, str(self.path))]

    def write(self, records: Sequence[Record], artifacts: Mapping[str, Path]) -> Receipt:
        """Upsert ``records`` by id in one durable transaction (artifact bytes are not kept).

        Capture records (kind ``capture``, the archive's raw units) are never searchable:
        they are left out, and the receipt lists only the records stored.
        """
        stored = [r for r in records if r.kind != CAPTURE_KIND]
        try:
            with self._lock:
                conn = self._connection()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for record in stored:
                        self._upsert(conn, record)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except sqlite3.OperationalError as exc:
            raise SinkUnavailable(
                f"search store not writable: {exc}", sink=self.context.name, path=str(self.path)
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise StateError(
                f"search store is damaged: {exc}", sink=self.context.name, path=str(self.path)
            ) from exc
        return Receipt(sink=self.context.name, record_ids=[r.id for r in stored])

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            for conn in (self._conn, self._reader):
                if conn is not None:
                    conn.close()
            self._conn = self._reader = None

    # --- searching ------------------------------------------------------------------------

    def search(self, query: Query) -> SearchResults:
        """Records matching ``query`` (see :mod:`core.query`): best text match first, else
        newest first. The attributes it may filter are those the configured sources
        declare plus those already stored (with their types)."""
        with self._lock:
            conn = self._connection(create=False)
            parsed = parse_query(query, self._searchable(conn))
            conditions, params = where_sql(parsed)
            source = "records"
            order = "records.occurred_at DESC, records.id"
            if parsed.terms:
                source = "records JOIN records_fts ON records_fts.rowid = records.rowid"
                conditions.insert(0, "records_fts MATCH ?")
                params.insert(0, fts_expression(parsed.terms))
                order = f"{_BM25}, {order}"
            where = f" WHERE {' AND '.join(conditions)}"
            total = conn.execute(f"SELECT count(*) FROM {source}{where}", params).fetchone()[0]
            rows = conn.execute(
                f"SELECT records.json FROM {source}{where} ORDER BY {order} LIMIT ?",
                [*params, parsed.limit],
            ).fetchall()
        return SearchResults(total=total, records=[decode_record(row[0]) for row in rows])

    def get(self, record_id: str) -> Record | None:
        """The record with this id, or ``None``."""
        with self._lock:
            row = (
                self._connection(create=False)
                .execute("SELECT json FROM records WHERE id = ?", (record_id,))
                .fetchone()
            )
        return decode_record(row[0]) if row else None

    def attributes(self) -> dict[str, str]:
        """Every filterable attribute name and its type (declared or seen in records)."""
        with self._lock:
            return dict(self._known_types(self._connection(create=False)))

    def verify(self, expected: Expected | None = None) -> list[Finding]:
        """Run SQLite's and FTS5's integrity checks; with ``expected`` (from the custody
        ledger), also prove every record it names is stored (one failed finding each)."""
        if self._conn is None and not self.path.exists():
            detail = f"{self.path}: no search store at this path"
            action = "check [sinks.sqlite] path (relative to the config file's directory)"
            if expected is not None and expected.records:
                detail += f"; the ledger's {len(expected.records)} records are all missing"
                action = f"ecomms rebuild {self.context.name} (refills it from the archive)"
            return [self._finding("integrity", False, detail, action)]
        with self._lock:
            conn = self._connection(create=False)
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            fts_ok = self._fts_ok(conn)
            missing = self._missing(conn, sorted(expected.records)) if expected else []
        ok = result == "ok" and fts_ok
        detail = f"{self.path}: database {result}, full-text index {'ok' if fts_ok else 'bad'}"
        if ok and expected is not None and not missing:
            detail += (
                f"; the ledger's {len(expected.records)} records"
                f" (as of entry {expected.ledger_seq}) all present"
            )
        rebuild = f"ecomms rebuild {self.context.name} (refills it from the archive)"
        findings = [self._finding("integrity", ok, detail, "" if ok else rebuild)]
        findings += [
            self._finding(
                "missing", False, f"record {rid}, committed in the ledger, is not stored", rebuild
            )
            for rid in missing
        ]
        return findings

    def _fts_ok(self, conn: sqlite3.Connection) -> bool:
        """FTS5's integrity check; read-only (it would write), every record indexed once."""
        try:
            if conn is not self._reader:
                conn.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')")
                return True
            counts = conn.execute(
                "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM records_fts),"
                " (SELECT count(*) FROM records WHERE rowid NOT IN"
                " (SELECT rowid FROM records_fts))"
            ).fetchone()
            return counts[0] == counts[1] and counts[2] == 0
        except sqlite3.DatabaseError:
            return False

    @staticmethod
    def _missing(conn: sqlite3.Connection, record_ids: list[str]) -> list[str]:
        """The ids among ``record_ids`` that have no row, in order."""
        missing: list[str] = []
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found = {
                row[0]
                for row in conn.execute(f"SELECT id FROM records WHERE id IN ({marks})", chunk)
            }
            missing += [rid for rid in chunk if rid not in found]
        return missing

    # --- internals ------------------------------------------------------------------------

    def _finding(self, check: str, ok: bool, detail: str, action: str = "") -> Finding:
        return Finding(
            component=self.context.name, check=check, ok=ok, detail=detail, action=action
        )

    def _connection(self, create: bool = True) -> sqlite3.Connection:
        """The open connection; on first use, create the schema and record declared types.

        Reading (``create=False``) never creates or changes a store: it opens it read-only
        (a reviewer may have read access only), and a path where nothing was captured is an
        error, not an empty result.
        """
        if self._conn is None and not create:
            return self._read_only()
        if self._conn is None:
            try:
                conn = connect(self.path, self.config.timeout)
            except (sqlite3.Error, OSError) as exc:
                raise SinkUnavailable(
                    f"cannot open the search store: {exc}{not_writable(self.path.parent)}",
                    sink=self.context.name,
                    path=str(self.path),
                ) from exc
            self._declare(conn)
            self._conn = conn
        return self._conn

    def _read_only(self) -> sqlite3.Connection:
        if self._reader is None:
            if not self.path.exists():
                raise ConfigError(
                    "no search store at this path: nothing was captured into it yet, or "
                    "[sinks.sqlite] path points elsewhere than the capture wrote "
                    "(relative paths are resolved against the config file's directory)",
                    sink=self.context.name,
                    path=str(self.path),
                )
            try:
                self._reader = connect_reader(self.path, self.config.timeout)
            except StateError as exc:
                raise SinkUnavailable(
                    f"cannot open the search store: {exc.message}",
                    sink=self.context.name,
                    path=str(self.path),
                ) from None
            self._types = {spec.name: spec.type for spec in self.context.attributes}
        return self._reader

    def _declare(self, conn: sqlite3.Connection) -> None:
        """Store the attribute specs of the enabled sources, so readers know their types."""
        self._types = {spec.name: spec.type for spec in self.context.attributes}
        if not self.context.attributes:
            return
        with contextlib.suppress(sqlite3.OperationalError), conn:  # a read-only store
            conn.executemany(
                "INSERT INTO attribute_specs (name, type, description) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET type = excluded.type, "
                "description = excluded.description",
                [(s.name, s.type, s.description) for s in self.context.attributes],
            )

    def _searchable(self, conn: sqlite3.Connection) -> list[AttributeSpec]:
        stored = conn.execute("SELECT name, type, description FROM attribute_specs").fetchall()
        return [
            *self.context.attributes,
            *(AttributeSpec(name=n, type=t, description=d or "") for n, t, d in stored),
        ]

    def _known_types(self, conn: sqlite3.Connection) -> dict[str, Any]:
        stored = dict(conn.execute("SELECT name, type FROM attribute_specs").fetchall())
        return {**stored, **self._types}

    def _upsert(self, conn: sqlite3.Connection, record: Record) -> None:
        """Replace every row of one record (columns, attributes, full text)."""
        row = record_row(record)
        conn.execute(_UPSERT, row)
        rowid = conn.execute("SELECT rowid FROM records WHERE id = ?", (record.id,)).fetchone()[0]
        conn.execute("DELETE FROM attributes WHERE record_id = ?", (record.id,))
        inferred: dict[str, str] = {}
        for attribute, new_type in attribute_rows(record, self._types):
            conn.execute("INSERT INTO attributes VALUES (?, ?, ?, ?, ?, ?)", attribute)
            if new_type:
                inferred[attribute[1]] = new_type
        conn.executemany(
            "INSERT OR IGNORE INTO attribute_specs (name, type) VALUES (?, ?)", inferred.items()
        )
        conn.execute("DELETE FROM records_fts WHERE rowid = ?", (rowid,))
        conn.execute(
            "INSERT INTO records_fts (rowid, title, text, participants, content) "
            "VALUES (?, ?, ?, ?, ?)",
            (rowid, *fts_row(record)),
        )
