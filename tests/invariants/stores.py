"""Read what a capture left, directly from disk and over HTTP, without ecomms code.

- :func:`state_units` / :func:`ledger_entries`: the state database (``state.db``), read-only;
- :func:`archive_records` / :func:`archive_blobs` / :func:`manifest_paths`: the filesystem
  sink's directory (``records/``, ``blobs/``, ``manifest.jsonl``);
- :func:`sqlite_record_ids`: the SQLite search store's ``records`` table;
- :func:`opensearch_record_ids`: every document id of an OpenSearch index.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx


@dataclass(frozen=True)
class Stores:
    """Where one capture keeps its state and its sinks' data."""

    state_dir: Path
    archive: Path
    sqlite: Path | None = None
    opensearch_url: str | None = None
    opensearch_index: str | None = None
    archive_sink: str = "filesystem"  # the archive sink's instance name in receipts


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def state_units(state_dir: Path) -> dict[str, dict[str, Any]]:
    """Every unit row of ``state.db`` by key: status, attempts, gaps, acked, last_error."""
    path = state_dir / "state.db"
    if not path.exists():
        return {}
    db = _read_only(path)
    try:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM units").fetchall()
    finally:
        db.close()
    return {row["key"]: dict(row) for row in rows}


def committed_keys(state_dir: Path) -> set[str]:
    """Keys of the units the state database says are committed."""
    return {k for k, u in state_units(state_dir).items() if u["status"] == "committed"}


def ledger_entries(state_dir: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """``(event, unit_key, data)`` of every ledger entry, in order."""
    path = state_dir / "state.db"
    if not path.exists():
        return []
    db = _read_only(path)
    try:
        rows = db.execute("SELECT event, unit_key, data FROM ledger ORDER BY seq").fetchall()
    finally:
        db.close()
    return [(event, key, json.loads(data)) for event, key, data in rows]


def archive_records(archive: Path) -> dict[str, list[dict[str, Any]]]:
    """Every record version in the archive directory, by record id, oldest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    root = archive / "records"
    if not root.is_dir():
        return out
    for directory in sorted(p for p in root.glob("*/*") if p.is_dir()):
        versions = sorted(directory.glob("v*.json"))
        out[directory.name] = [json.loads(v.read_bytes()) for v in versions]
    return out


def archive_blobs(archive: Path) -> dict[str, tuple[str, int]]:
    """Every blob in the archive by its file name: (SHA-256 of its bytes, size)."""
    out: dict[str, tuple[str, int]] = {}
    root = archive / "blobs"
    if not root.is_dir():
        return out
    for path in root.glob("*/*/*"):
        if path.is_file() and not path.name.startswith("."):
            data = path.read_bytes()
            out[path.name] = (hashlib.sha256(data).hexdigest(), len(data))
    return out


def manifest_paths(archive: Path) -> Counter[str]:
    """How often each path is listed in the archive's manifest."""
    path = archive / "manifest.jsonl"
    if not path.exists():
        return Counter()
    lines = path.read_bytes().splitlines()
    return Counter(json.loads(line)["path"] for line in lines if line.strip())


def sqlite_record_ids(path: Path) -> Counter[str]:
    """How often each record id is in the SQLite search store."""
    if not path.exists():
        return Counter()
    db = _read_only(path)
    try:
        return Counter(row[0] for row in db.execute("SELECT id FROM records"))
    finally:
        db.close()


def opensearch_record_ids(url: str, index: str) -> Counter[str]:
    """How often each record id is in an OpenSearch index (its ``id`` field)."""
    with httpx.Client(base_url=url, timeout=60) as client:
        if client.head(f"/{index}").status_code == 404:
            return Counter()
        client.post(f"/{index}/_refresh").raise_for_status()
        found: Counter[str] = Counter()
        body: dict[str, Any] = {
            "size": 1000,
            "_source": ["id"],
            "sort": [{"_id": "asc"}],
            "query": {"match_all": {}},
        }
        while True:
            hits = client.post(f"/{index}/_search", json=body).raise_for_status().json()
            page = hits["hits"]["hits"]
            if not page:
                return found
            found.update(hit["_source"]["id"] for hit in page)
            if any(hit["_id"] != hit["_source"]["id"] for hit in page):
                found.update({"<a document whose _id is not its record id>": 1})
            body["search_after"] = page[-1]["sort"]
