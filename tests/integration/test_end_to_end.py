"""End to end through the command line: the Zoom simulator, the Zoom source with auto-delete,
the policies, and the filesystem, SQLite and OpenSearch sinks (a real node).

One module fixture captures an account in two passes (before and after its processing
meetings complete); the tests then look at it only through ``ecomms`` and the simulator.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ecomms_zoom_simulator import Simulator, SimulatorConfig

from tests.fixtures import cli

pytestmark = pytest.mark.slow  # minutes of capture: scheduled first (conftest.py)

SECRET = "E2E_ZOOM_CLIENT_SECRET"
KINDS = ("meeting", "chat", "transcript", "captions", "summary", "poll", "qa", "survey", "media")

SOURCE = """
[sources.zoom_ecomms]
account_id = "{sim.account_id}"
client_id = "{sim.client_id}"
client_secret = {{ env = "{secret}" }}
media = "audio"
auto_delete = true
capture_from = "{sim.capture_from}"
api_base_url = "{sim.api_base_url}"
oauth_token_url = "{sim.oauth_token_url}"

[transformers.policies]
"""
SINKS = {
    "filesystem": '[sinks.filesystem]\npath = "archive"\n',
    "sqlite": '[sinks.sqlite]\npath = "search.db"\n',
    "opensearch": (
        '[sinks.opensearch]\nhosts = ["{url}"]\nindex = "{index}"\nrefresh = "wait_for"\n'
    ),
}


@dataclass
class Captured:
    """The capture's directory, simulator, configs and what the first pass left."""

    directory: Path
    sim: Simulator
    env: dict[str, str]
    sqlite_config: Path
    opensearch_config: Path
    processing: list[str]
    first_status: dict[str, Any]
    first_ids: set[str]

    def ecomms(self, *args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``ecomms --config CONFIG ARGS`` (the SQLite-first config by default)."""
        config = config or self.sqlite_config
        return cli.ecomms("--config", config, *args, cwd=self.directory, env=self.env)

    def search(self, *args: str, config: Path | None = None) -> list[dict[str, Any]]:
        """Records found by ``search ARGS --json`` through ``config``'s first searchable sink."""
        done = self.ecomms("search", *args, "--json", "--limit", "10000", config=config)
        assert done.returncode == 0, done.stderr
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    def status(self) -> dict[str, Any]:
        """``status --json`` of the Zoom source."""
        done = self.ecomms("status", "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)[0]


def _write(directory: Path, name: str, sim: Simulator, order: list[str], url: str, index: str):
    text = '[ecomms]\nstate_dir = ".ecomms"\nsink_backoff = 0.1\n'
    text += SOURCE.format(sim=sim, secret=SECRET)
    text += "\n".join(SINKS[s].format(url=url, index=index) for s in order)
    (directory / name).write_text(text)
    return directory / name


@pytest.fixture(scope="module")
def captured(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Captured]:
    """Check, capture, complete the processing meetings, capture again."""
    directory = tmp_path_factory.mktemp("e2e")
    index = f"e2e-{uuid.uuid4().hex[:10]}"
    with Simulator(SimulatorConfig(seed=11, meetings=10)) as sim:
        state = Captured(
            directory=directory,
            sim=sim,
            env={SECRET: sim.client_secret},
            sqlite_config=_write(
                directory,
                "ecomms.toml",
                sim,
                ["filesystem", "sqlite", "opensearch"],
                opensearch_url,
                index,
            ),
            opensearch_config=_write(
                directory,
                "opensearch-first.toml",
                sim,
                ["opensearch", "filesystem", "sqlite"],
                opensearch_url,
                index,
            ),
            processing=[m.uuid for m in sim.account.meetings if m.status == "processing"],
            first_status={},
            first_ids=set(),
        )
        check = state.ecomms("check")
        assert check.returncode == 0, check.stdout + check.stderr
        first = state.ecomms("run", "--once")
        assert first.returncode == 0, first.stderr
        assert sim.client_secret not in check.stdout + check.stderr + first.stdout + first.stderr
        state.first_status = state.status()
        state.first_ids = {
            r["attributes"]["MeetingUUID"] for r in state.search("--kind", "meeting")
        }
        assert sim.complete_processing() == state.processing
        second = state.ecomms("run", "--once")
        assert second.returncode == 0, second.stderr
        yield state


def test_the_first_pass_commits_every_completed_meeting_and_reports_gaps(
    captured: Captured,
) -> None:
    """Completed meetings are committed, processing ones are not, failed files are gaps."""
    meetings = captured.sim.account.meetings
    assert captured.processing, "the simulated account should have processing meetings"
    completed = {m.uuid for m in meetings if m.uuid not in captured.processing}
    assert captured.first_ids == completed
    assert captured.first_status["committed"] == len(completed)
    assert captured.first_status["dead_lettered"] == 0
    failed = {m.uuid for m in meetings if any(f.final_status == "failed" for f in m.files)}
    assert failed, "the simulated account should have failed files"
    status = captured.status()
    file_gaps = {g["key"] for g in status["gaps"] if any("failed at Zoom" in t for t in g["gaps"])}
    assert file_gaps == failed
    # every other gap is an optional lookup Zoom did not answer, named by its endpoint
    others = [t for g in status["gaps"] for t in g["gaps"] if "failed at Zoom" not in t]
    assert all(t.startswith("GET /") and ": HTTP " in t for t in others), others
    shown = captured.ecomms("status")
    for gap in status["gaps"]:
        assert gap["key"] in shown.stdout
        assert all(text in shown.stdout for text in gap["gaps"]), shown.stdout


def test_processing_meetings_are_captured_by_the_pass_after_they_complete(
    captured: Captured,
) -> None:
    """After ``complete_processing()`` the second ``run --once`` captures them."""
    assert not captured.first_ids & set(captured.processing)
    ids = {r["attributes"]["MeetingUUID"] for r in captured.search("--kind", "meeting")}
    assert ids == {m.uuid for m in captured.sim.account.meetings}
    assert captured.status()["committed"] == len(captured.sim.account.meetings)


def _ids(records: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for r in records}


def _by_kind(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in records:
        out.setdefault(r["kind"], set()).add(r["id"])
    return out


def _sample_texts(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(record id, text) of a chat message, a transcript line and a summary sentence."""
    chat = next(r for r in records if r["kind"] == "chat")
    transcript = next(r for r in records if r["kind"] == "transcript")
    summary = next(r for r in records if r["kind"] == "summary")
    return [
        (chat["id"], next(m["text"] for t in chat["threads"] for m in t["messages"] if m["text"])),
        (transcript["id"], transcript["segments"][0]["text"]),
        (summary["id"], summary["text"].splitlines()[1]),
    ]


def test_every_kind_is_found_alike_in_sqlite_and_opensearch(captured: Captured) -> None:
    """Both search stores hold every kind and answer kind, attribute and text searches alike."""
    both = (captured.sqlite_config, captured.opensearch_config)
    lite, search = (_by_kind(captured.search(config=c)) for c in both)
    assert set(lite) == set(KINDS) and lite == search
    account = captured.search("--kind", "meeting")[0]["attributes"]["MeetingAccountName"]
    for config in both:
        found = _by_kind(captured.search("--where", f"MeetingAccountName={account}", config=config))
        assert found == lite
        assert _by_kind(captured.search("--kind", "chat", config=config)) == {"chat": lite["chat"]}
    external = [captured.search("--where", "MeetingMeetingType=external", config=c) for c in both]
    assert external[0] and _ids(external[0]) == _ids(external[1])
    for record_id, text in _sample_texts(captured.search()):
        for config in both:
            assert record_id in _ids(captured.search(text, config=config)), (config.name, text)
    risky = [captured.search("--min-risk", "50", config=c) for c in both]
    assert risky[0] and _ids(risky[0]) == _ids(risky[1])


def test_show_renders_a_chat_as_nested_threads(captured: Captured) -> None:
    """A chat with private or sub-group threads shows them nested in the public chat."""
    chats = captured.search("--kind", "chat")
    chat = next(c for c in chats if any(t["parent"] for t in c["threads"] if "parent" in t))
    shown = captured.ecomms("show", chat["id"])
    assert shown.returncode == 0, shown.stderr
    nested = next(t for t in chat["threads"] if t.get("parent"))
    assert f"\n    ── start of {nested['type']} thread {nested['id']}" in shown.stdout
    assert f"\n    ── end of {nested['type']} thread {nested['id']}" in shown.stdout
    top = next(t for t in chat["threads"] if not t.get("parent"))
    lines = shown.stdout.splitlines()
    assert lines.index(next(x for x in lines if f"start of {top['type']} thread" in x)) < (
        lines.index(next(x for x in lines if f"start of {nested['type']} thread" in x))
    )


def test_audit_verify_passes(captured: Captured) -> None:
    """The ledger chain and the archive verify after both passes."""
    audit = captured.ecomms("audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "ok   sink filesystem verified" in audit.stdout


def _ledger(state_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    db = sqlite3.connect(f"file:{state_dir / 'state.db'}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT event, data FROM ledger ORDER BY seq").fetchall()
    finally:
        db.close()
    return [(event, json.loads(data)) for event, data in rows]


def _files_in_filesystem_receipts(directory: Path) -> set[str]:
    """Committed files whose bytes the filesystem sink's receipts say it stored."""
    ledger = _ledger(directory / ".ecomms")
    commits = [data for event, data in ledger if event == "commit"]
    stored = {
        sha
        for data in commits
        for receipt in data["receipts"]
        if receipt["sink"] == "filesystem"
        for sha in receipt["artifacts"]
    }
    sha_of = {
        artifact["file_id"]: artifact["sha256"]
        for path in (directory / "archive" / "records").rglob("v*.json")
        for artifact in json.loads(path.read_bytes()).get("artifacts", [])
    }
    committed = {  # archive files; response parts (vendor answers) are never tagged
        file_id
        for data in commits
        for file_id in data["files"]
        if not file_id.startswith("response:")
    }
    return {f for f in committed if sha_of.get(f) in stored}


def test_only_files_in_the_archive_of_record_are_tagged_for_deletion(captured: Captured) -> None:
    """Zoom's ``tagged_for_deletion`` is exactly the files the filesystem sink stored."""
    tagged = captured.sim.inspect()["tagged_for_deletion"]
    shared = {a.id for m in captured.sim.account.meetings for a in m.attachments}
    expected = _files_in_filesystem_receipts(captured.directory) - shared  # chat attachments
    assert expected  # are archived but never tagged: Zoom tags archive files only
    assert len(tagged) == len(set(tagged))
    assert set(tagged) == expected
    failed = {f.id for m in captured.sim.account.meetings for f in m.files if f.status == "failed"}
    assert not failed & set(tagged)
    logged = {
        action["file_id"]
        for event, data in _ledger(captured.directory / ".ecomms")
        if event == "acknowledge"
        for action in data["actions"]
        if action.get("action") == "auto_delete"
    }
    assert logged == set(tagged)


def test_chat_attachments_are_found_by_name_and_their_bytes_verify(captured: Captured) -> None:
    """Every file shared in a committed meeting's chat: its record is found by its file name
    in both stores, with the SHA-256 of the bytes Zoom served, stored in the archive."""
    committed = {r["attributes"]["MeetingUUID"] for r in captured.search("--kind", "meeting")}
    shared = [
        (meeting.uuid, item)
        for meeting in captured.sim.account.meetings
        if meeting.uuid in committed
        for item in meeting.attachments
    ]
    assert shared
    blobs = captured.directory / "archive" / "blobs"
    for config in (captured.sqlite_config, captured.opensearch_config):
        for meeting_uuid, item in shared:
            found = [
                r
                for r in captured.search(f'"{item.name}"', "--kind", "media", config=config)
                if r["attributes"]["MeetingUUID"] == meeting_uuid
                and any(a["file_id"] == item.id for a in r["artifacts"])
            ]
            assert len(found) == 1, (config.name, item.name)
            [artifact] = found[0]["artifacts"]
            assert artifact["sha256"] == item.blob.sha256()
            assert "SHA-256 computed on receipt" in found[0]["text"]
            stored = blobs / artifact["sha256"][:2] / artifact["sha256"][2:4] / artifact["sha256"]
            assert hashlib.sha256(stored.read_bytes()).hexdigest() == artifact["sha256"]
