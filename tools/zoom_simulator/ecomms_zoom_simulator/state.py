"""The live state of a served account: meetings, deletions, page tokens, the request log."""

from __future__ import annotations

import collections
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from ecomms_zoom_simulator.config import SimulatorConfig
from ecomms_zoom_simulator.model import Account, ArchiveFile, Attachment, Meeting
from ecomms_zoom_simulator.poison import Poison

__all__ = ["State"]


class State:
    """Everything handlers read and change, behind one lock."""

    def __init__(self, account: Account, config: SimulatorConfig) -> None:
        self.account = account
        self.config = config
        self.plan = config.plan
        self.lock = threading.RLock()
        self.base_url = ""
        self.page_tokens: dict[str, tuple[tuple, int, float]] = {}
        self.requests: collections.deque[dict[str, Any]] = collections.deque(maxlen=20000)
        self.tagged: list[str] = []
        self.deleted: list[str] = []
        self.downloads: collections.Counter[str] = collections.Counter()
        self.counts: collections.Counter[str] = collections.Counter()
        self.webhooks: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.seq = 0
        self.stopping = threading.Event()  # set when the simulator stops (ends trickles)
        first = config.base() - timedelta(days=14) + timedelta(minutes=30)
        self.poison = Poison(first, account.name)

    @staticmethod
    def now() -> datetime:
        """The simulator's clock: the wall clock, in UTC, to the second."""
        return datetime.now(UTC).replace(microsecond=0)

    def meetings(self) -> list[Meeting]:
        """The instances whose archives still exist."""
        with self.lock:
            return [m for m in self.account.meetings if m.uuid not in self.deleted]

    def meeting(self, key: str) -> Meeting | None:
        """The instance with this UUID, or the latest one with this meeting number."""
        found = None
        for m in self.meetings():
            if m.uuid == key:
                return m
            if key.isdigit() and str(m.number) == key and not m.is_breakout:
                found = m
        return found

    def file(self, file_id: str) -> tuple[Meeting | None, ArchiveFile] | None:
        """The archive file with this id and its meeting (deleted meetings excluded; a
        poison entry's file has no meeting)."""
        for m in self.meetings():
            for f in m.files:
                if f.id == file_id:
                    return m, f
        poisoned = self.poison.files.get(file_id)
        return (None, poisoned) if poisoned else None

    def attachment(self, file_id: str) -> Attachment | None:
        """The file shared in a chat with this id (deleted meetings excluded)."""
        for m in self.meetings():
            for a in m.attachments:
                if a.id == file_id:
                    return a
        return None

    def complete_processing(self) -> list[str]:
        """Finish every archive still processing; return the UUIDs that completed."""
        done = []
        with self.lock:
            for m in self.account.meetings:
                if m.status != "processing":
                    continue
                m.status, m.complete_time = "completed", self.now()
                for f in m.files:
                    f.status = f.final_status
                done.append(m.uuid)
        return done

    def log(self, entry: dict[str, Any]) -> None:
        """Append one request to the inspection log (numbered: ``seq``) and count it."""
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.requests.append(entry)
            self.counts[entry["operation"] or "unrouted"] += 1

    def inspect(self, since: int = 0) -> dict[str, Any]:
        """What tests look at: the request log, request and download counts, tagged and
        deleted archives. ``since`` (a ``seq``): only requests after it, counts included
        (from the log, which keeps the last 20,000 requests)."""
        with self.lock:
            requests = [r for r in self.requests if r["seq"] > since]
            counts = collections.Counter(r["operation"] or "unrouted" for r in requests)
            downloaded = collections.Counter(
                r["file_id"] for r in requests if r.get("file_id") and r["status"] in (200, 206)
            )
            deleted = set(self.deleted)
            gone = [
                item.id
                for m in self.account.meetings
                if m.uuid in deleted
                for item in [*m.files, *m.attachments]
            ]
            return {
                "seq": self.seq,
                "requests": requests,
                "request_counts": dict(counts if since else self.counts),
                "downloads": dict(downloaded if since else self.downloads),
                "tagged_for_deletion": list(self.tagged),
                "deleted": list(self.deleted),
                "deleted_files": gone,
                "webhooks": list(self.webhooks),
                "errors": list(self.errors),
                "processing": [m.uuid for m in self.account.meetings if m.status == "processing"],
            }
