"""The capture invariants, as lists of violations (an empty list: everything holds).

:func:`safety_violations` holds at every moment, even right after a SIGKILL:

- every unit the state database calls committed has a ``commit`` ledger entry, and every
  selected completed file and chat attachment of it is in the archive with Zoom's SHA-256;
- nothing is tagged for deletion or deleted at Zoom unless its meeting is committed and the
  file's bytes are in the archive with the right SHA-256;
- no record id is stored twice in a sink, no record has two identical versions, every blob
  is listed once in the archive's manifest.

:func:`final_violations` adds what holds once the capture is complete: every completed
meeting is committed (or dead-lettered with a reason, when ``allow_dead``), every record is
in every sink exactly once, and the ledger names exactly the records the archive holds.

The simulator is the truth about Zoom (its account and ``inspect()``); the selection rule
is restated here (:class:`Selection`) rather than imported from the connector.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from .stores import (
    Stores,
    archive_blobs,
    archive_records,
    ledger_entries,
    manifest_paths,
    opensearch_record_ids,
    sqlite_record_ids,
    state_units,
)

__all__ = ["Selection", "Stores", "final_violations", "safety_violations"]


@dataclass(frozen=True)
class Selection:
    """Which archive files a source configuration selects (``media`` and ``content``)."""

    media: str = "audio"
    content: tuple[str, ...] = ("chat", "transcripts", "closed_captions")
    #: (sha256, size) of the bytes Zoom served for a file id, where a test replaced them
    served: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    #: False when Zoom may have served corrupted chat attachments: they carry no fingerprint,
    #: so the archive can only hold what was served (the size is still checked)
    attachment_digests: bool = True
    #: keys of units Zoom listed that the simulated account lacks (a test rewrote the listing)
    listed: frozenset[str] = frozenset()

    def selects(self, file: Any) -> bool:
        """True when a simulated archive file is selected (unknown types are always kept)."""
        if file.file_type == "TRANSCRIPT" or file.recording_type == "audio_transcript":
            return "transcripts" in self.content and self.media != "none"
        rules = {
            "MP4": self.media == "video",
            "M4A": self.media in ("audio", "video"),
            "CHAT": "chat" in self.content,
            "CHAT_MESSAGE": "chat" in self.content,
            "CC": "closed_captions" in self.content,
        }
        return rules.get(file.file_type, True)


def _expected_items(meeting: Any, selection: Selection) -> list[tuple[str, str, int]]:
    """(id, sha256, size) of every file and chat attachment a committed meeting must have."""
    items = [
        (f.id, *selection.served.get(f.id, (f.blob.sha256(), f.blob.size)))
        for f in meeting.files
        if f.status == "completed" and selection.selects(f)
    ]
    if "chat" in selection.content:
        items += [(a.id, a.blob.sha256(), a.blob.size) for a in meeting.attachments]
    return items


def _attachment_ids(meeting: Any) -> set[str]:
    return {a.id for a in meeting.attachments}


class _Snapshot:
    """Everything read once for one check."""

    def __init__(self, sim: Any, stores: Stores) -> None:
        self.meetings = {m.uuid: m for m in sim.account.meetings}
        self.inspection = sim.inspect()
        self.units = state_units(stores.state_dir)
        self.ledger = ledger_entries(stores.state_dir)
        self.blobs = archive_blobs(stores.archive)
        self.manifest = manifest_paths(stores.archive)
        self.records = archive_records(stores.archive)
        self.committed = {k for k, u in self.units.items() if u["status"] == "committed"}
        self.artifacts: dict[str, set[str]] = {}  # file id -> SHA-256s records name for it
        for versions in self.records.values():
            for artifact in versions[-1].get("artifacts", []) if versions else []:
                self.artifacts.setdefault(artifact.get("file_id", ""), set()).add(
                    artifact.get("sha256", "")
                )
        self.file_meeting = {
            item.id: m.uuid for m in sim.account.meetings for item in [*m.files, *m.attachments]
        }


def _archived(snap: _Snapshot, sha: str, size: int) -> bool:
    return snap.blobs.get(sha) == (sha, size)


def _custody(snap: _Snapshot, selection: Selection) -> Iterable[str]:
    commits = {key for event, key, _ in snap.ledger if event == "commit"}
    for key in sorted(snap.committed):
        if key not in commits:
            yield f"unit {key} is committed in state but has no commit ledger entry"
        meeting = snap.meetings.get(key)
        if meeting is None:
            if key not in selection.listed:
                yield f"unit {key} is committed but the account has no such meeting"
            continue
        attachments = _attachment_ids(meeting)
        for item_id, sha, size in _expected_items(meeting, selection):
            if not selection.attachment_digests and item_id in attachments:
                sha = next(iter(snap.artifacts.get(item_id, {"?"})))
            if not _archived(snap, sha, size):
                yield f"committed unit {key}: file {item_id} is not in the archive as {sha}"
    for key in sorted(commits - set(snap.units)):
        yield f"the ledger commits unit {key}, which the state database does not know"


def _releases(snap: _Snapshot, selection: Selection) -> Iterable[str]:
    tagged = snap.inspection["tagged_for_deletion"]
    for file_id, count in Counter(tagged).items():
        if count > 1:
            yield f"file {file_id} is listed {count} times as tagged"
    files = {f.id: f for m in snap.meetings.values() for f in m.files}
    for file_id in sorted(set(tagged)):
        uuid = snap.file_meeting.get(file_id)
        if uuid not in snap.committed:
            yield f"file {file_id} was tagged for deletion but meeting {uuid} is not committed"
        file = files.get(file_id)
        if file is None:
            yield f"tagged item {file_id} is not an archive file (a chat attachment?)"
        elif not _archived(
            snap, *selection.served.get(file_id, (file.blob.sha256(), file.blob.size))
        ):
            yield f"file {file_id} was tagged for deletion but is not in the archive"
    for uuid in snap.inspection["deleted"]:
        if uuid not in snap.committed:
            yield f"meeting {uuid} was deleted at Zoom but is not committed"


def _same_but_capture_time(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return {k: v for k, v in a.items() if k != "captured_at"} == {
        k: v for k, v in b.items() if k != "captured_at"
    }


def _archive_shape(snap: _Snapshot) -> Iterable[str]:
    for record_id, versions in snap.records.items():
        for older, newer in pairwise(versions):
            if _same_but_capture_time(older, newer):
                yield f"record {record_id} is stored twice (two identical versions)"
        if versions and versions[-1].get("id") != record_id:
            yield f"record directory {record_id} holds record {versions[-1].get('id')}"
    for path, count in snap.manifest.items():
        if count > 1:
            yield f"the archive manifest lists {path} {count} times"
    for name, (sha, _) in snap.blobs.items():
        if name != sha:
            yield f"blob {name} does not hold the bytes its name says (SHA-256 {sha})"


def _duplicates(name: str, ids: Counter[str]) -> Iterable[str]:
    for record_id, count in ids.items():
        if count > 1:
            yield f"{name} holds record {record_id} {count} times"


def safety_violations(sim: Any, stores: Stores, selection: Selection) -> list[str]:
    """What must hold at every moment, even right after a crash (see the module docstring)."""
    snap = _Snapshot(sim, stores)
    found = [*_custody(snap, selection), *_releases(snap, selection), *_archive_shape(snap)]
    if stores.sqlite is not None:
        found += _duplicates("sqlite", sqlite_record_ids(stores.sqlite))
    return found


def _derived_ids(snap: _Snapshot) -> set[str]:
    """Archive record ids except capture records (those stay in the archive of record)."""
    return {i for i, v in snap.records.items() if v and v[-1].get("kind") != "capture"}


def _ledger_record_ids(snap: _Snapshot, sink: str) -> set[str]:
    """Record ids the ledger's receipts from the archive sink ``sink`` name."""
    return {
        record_id
        for event, _, data in snap.ledger
        if event in ("commit", "derive")
        for receipt in data.get("receipts", [])
        if receipt.get("sink") == sink
        for record_id in receipt.get("record_ids", [])
    }


def _completeness(snap: _Snapshot, allow_dead: bool) -> Iterable[str]:
    for uuid, meeting in sorted(snap.meetings.items()):
        if meeting.status != "completed" or uuid in snap.committed:
            continue
        unit = snap.units.get(uuid)
        if unit and unit["status"] == "dead" and allow_dead and unit["last_error"]:
            continue
        state = unit["status"] if unit else "never seen"
        yield f"completed meeting {uuid} is not committed ({state})"
    for uuid in snap.committed:
        if not any(
            v and v[-1].get("attributes", {}).get("MeetingUUID") == uuid
            for v in snap.records.values()
        ):
            yield f"committed meeting {uuid} has no record in the archive"


def final_violations(
    sim: Any, stores: Stores, selection: Selection, *, allow_dead: bool = False
) -> list[str]:
    """Everything :func:`safety_violations` checks, plus completeness and sink agreement."""
    found = safety_violations(sim, stores, selection)
    snap = _Snapshot(sim, stores)
    found += _completeness(snap, allow_dead)
    archived = set(snap.records)
    derived = _derived_ids(snap)
    sinks: dict[str, Counter[str]] = {}
    if stores.sqlite is not None:
        sinks["sqlite"] = sqlite_record_ids(stores.sqlite)
    if stores.opensearch_url and stores.opensearch_index:
        sinks["opensearch"] = opensearch_record_ids(stores.opensearch_url, stores.opensearch_index)
    for name, ids in sinks.items():
        found += _duplicates(name, ids)
        if set(ids) != derived:
            missing, extra = sorted(derived - set(ids)), sorted(set(ids) - derived)
            found.append(
                f"{name} differs from the archive: missing {missing[:5]} extra {extra[:5]}"
            )
    in_ledger = _ledger_record_ids(snap, stores.archive_sink)
    if in_ledger != archived:
        missing, extra = sorted(archived - in_ledger), sorted(in_ledger - archived)
        found.append(
            f"ledger and archive differ: not in ledger {missing[:5]}, not archived {extra[:5]}"
        )
    return found
