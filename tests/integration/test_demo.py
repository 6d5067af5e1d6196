"""``ecomms demo``, run as the README's first command does, and what a user then does with it.

One demo runs per module (the installed console script, in a fresh temporary directory);
the tests then search, show, tamper and kill through the ``ecomms`` command line.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from ecomms_zoom_simulator import SimulatorConfig
from ecomms_zoom_simulator.demo import SECRET_VARIABLE

from tests.fixtures.cli import command as ecomms_command
from tests.fixtures.cli import ecomms, environment, start_ecomms

pytestmark = pytest.mark.slow  # minutes of capture: scheduled first (conftest.py)

DEMO_MEETINGS = 12  # the demo's default
# DESIGN §4.3: the public search contract
ATTRIBUTES = [
    "ArchiveFileFileExtension",
    "ArchiveFileFileSize",
    "ArchiveFileFileType",
    "ArchiveFileId",
    "ArchiveFileIsIndividual",
    "ArchiveFileParticipantEmail",
    "ArchiveFileParticipantJoinTime",
    "ArchiveFileParticipantLeaveTime",
    "ArchiveFileRecordingType",
    "IsOptionalRecording",
    "MeetingAccountName",
    "MeetingCompleteTime",
    "MeetingDurationInSecond",
    "MeetingHostId",
    "MeetingId",
    "MeetingIsBreakoutRoom",
    "MeetingMeetingType",
    "MeetingUUID",
    "ParticipantsJoinWithArchiving",
    "ParticipantsJoinWithoutArchiving",
    "ParticipantsNoOptionalArchiving",
    "SummaryCreatedTime",
    "SummaryEndTime",
    "SummaryLastModifiedTime",
    "SummaryStartTime",
]


def stored_records(archive: Path) -> dict[str, list[dict[str, Any]]]:
    """Every version of every searchable record in a filesystem archive, by record id
    (the archive's capture records, one per meeting, left out)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((archive / "records").rglob("v*.json")):
        record = json.loads(path.read_bytes())
        if record["kind"] != "capture":
            out.setdefault(path.parent.name, []).append(record)
    return out


def cli_search(config: Path, *args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """``ecomms --config CONFIG search ARGS --json --limit 10000``: the records found."""
    done = ecomms(
        "--config",
        str(config),
        "search",
        *args,
        "--json",
        "--limit",
        "10000",
        env=env,
        cwd=config.parent,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The README's first command in a fresh directory, ``.venv/bin/ecomms demo``, typed with a
    relative path to the program as the README does; (its dir, stdout)."""
    cwd = tmp_path_factory.mktemp("fresh")
    program = ecomms_command()
    if len(program) == 1:  # the console script: typed relative to where the user is
        program = [os.path.relpath(program[0], cwd)]
        assert not os.path.isabs(program[0])
    done = subprocess.run(
        [*program, "demo"], cwd=cwd, env=environment(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    directory = cwd / "ecomms-demo"
    assert (directory / "ecomms.toml").is_file()
    secret = SimulatorConfig().client_secret
    assert secret not in done.stdout + done.stderr
    for path in (p for p in directory.rglob("*") if p.is_file()):
        assert secret.encode() not in path.read_bytes(), path
    return directory, done.stdout


def _printed_kinds(stdout: str) -> dict[str, int]:
    block = stdout.split("Records per kind:", 1)[1].split("Records with risk", 1)[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^  (\w+)\s+(\d+)$", block, re.M)}


def test_the_printed_summary_matches_what_the_stores_hold(demo: tuple[Path, str]) -> None:
    """Counts per kind, committed meetings and risky records are those of the archive."""
    directory, stdout = demo
    config = directory / "ecomms.toml"
    records = stored_records(directory / "archive")
    latest = [versions[-1] for versions in records.values()]
    printed = _printed_kinds(stdout)
    assert printed.pop("total") == len(latest)
    assert printed == {k: n for k, n in Counter(r["kind"] for r in latest).items()} | {
        k: 0 for k in printed if k not in {r["kind"] for r in latest}
    }
    for kind in ("meeting", "chat", "transcript", "summary", "poll", "qa", "survey", "media"):
        assert printed[kind] > 0, kind
        assert len(cli_search(config, "--kind", kind)) == printed[kind]
    status = json.loads(ecomms("--config", str(config), "status", "--json", cwd=directory).stdout)[
        0
    ]
    assert f"Archive: {status['committed']} meetings committed" in stdout
    assert status["committed"] == DEMO_MEETINGS and status["dead_lettered"] == 0
    assert f"Capture gaps: {len(status['gaps'])}" in stdout
    risky = sum(1 for r in latest if (r.get("risk") or {}).get("score", 0) > 0)
    assert risky > 0 and f"Records with risk > 0: {risky}" in stdout
    assert f" --config {config} search" in stdout
    record_id = re.search(rf" --config {re.escape(str(config))} show (\w+)", stdout)
    assert record_id, stdout
    shown = ecomms("--config", str(config), "show", record_id[1], cwd=directory)
    assert shown.returncode == 0 and record_id[1] in shown.stdout, shown.stderr


def _printed_commands(stdout: str) -> list[list[str]]:
    block = stdout.split("\nTry more", 1)[1].split("\nEverything lives in", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.startswith("  ")]


def test_the_printed_follow_up_commands_run_as_printed_without_the_secret(
    demo: tuple[Path, str], tmp_path: Path
) -> None:
    """Each printed command, in a fresh shell elsewhere without the secret variable: exit 0."""
    directory, stdout = demo
    commands = _printed_commands(stdout)
    assert {c[3] for c in commands} >= {"search", "show", "status", "audit", "attributes"}
    assert SECRET_VARIABLE not in environment()
    outputs = {}
    for command in commands:
        assert command[1:3] == ["--config", str(directory / "ecomms.toml")], command
        assert shutil.which(command[0]), f"printed program {command[0]!r} cannot be run"
        assert command[0] == "ecomms" or os.path.isabs(command[0]), command
        done = subprocess.run(
            command, cwd=tmp_path, env=environment(), capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        outputs[" ".join(command[3:])] = done.stdout
    listed = outputs["attributes"].splitlines()
    assert {line.split()[0] for line in listed} >= set(ATTRIBUTES)
    assert not [line for line in listed if "[disabled" in line]
    assert "ok   ledger" in outputs["audit verify"]


def test_run_after_the_demo_fails_only_for_the_secret_or_the_stopped_simulator(
    demo: tuple[Path, str], tmp_path: Path
) -> None:
    """The source stays enabled: ``run`` names the unset variable, else the unreachable API."""
    directory, _ = demo
    config = str(directory / "ecomms.toml")
    assert 'client_secret = { env = "ECOMMS_DEMO_ZOOM_SECRET" }' in Path(config).read_text()
    before = ecomms("--config", config, "status", "--json", cwd=tmp_path).stdout
    unset = ecomms("--config", config, "run", "--once", cwd=tmp_path)
    assert unset.returncode == 2
    assert unset.stderr.strip().splitlines() == [
        "error: sources.zoom_ecomms.client_secret: environment variable"
        f" {SECRET_VARIABLE} is not set (variable={SECRET_VARIABLE})"
    ]
    secret = {SECRET_VARIABLE: SimulatorConfig().client_secret}
    gone = ecomms("--config", config, "run", "--once", env=secret, cwd=tmp_path)
    assert gone.returncode == 1 and "Traceback" not in gone.stderr
    assert "FAIL sources.zoom_ecomms token endpoint" in gone.stdout
    assert "cannot reach" in gone.stdout
    assert ecomms("--config", config, "status", "--json", cwd=tmp_path).stdout == before


def _search_values(value: Any) -> list[str]:
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def test_every_metadata_attribute_is_searchable_with_where(demo: tuple[Path, str]) -> None:
    """Each DESIGN §4.3 attribute is in the demo data and ``--where`` finds it by value."""
    directory, _ = demo
    config = directory / "ecomms.toml"
    everything = cli_search(config)
    for name in ATTRIBUTES:
        holders = [r for r in everything if r["attributes"].get(name) not in (None, [], "")]
        assert holders, f"the demo data has no record with {name}"
        record = holders[-1]
        value = _search_values(record["attributes"][name])[0]
        found = cli_search(config, "--where", f"{name}={value}")
        assert record["id"] in {r["id"] for r in found}, (name, value)
        for hit in found:
            assert value in _search_values(hit["attributes"][name]), (name, value, hit["id"])


def _chat_message(records: list[dict[str, Any]]) -> tuple[str, str]:
    for r in records:
        for thread in r.get("threads", []):
            for message in thread.get("messages", []):
                if len(message.get("text", "").split()) >= 5:
                    return r["id"], message["text"]
    raise AssertionError("no chat message in the demo data")


def test_text_search_finds_a_chat_message_a_transcript_line_and_a_summary_sentence(
    demo: tuple[Path, str],
) -> None:
    """Text taken from real records finds them again."""
    directory, _ = demo
    config = directory / "ecomms.toml"
    chat = _chat_message(cli_search(config, "--kind", "chat"))
    transcript = cli_search(config, "--kind", "transcript")[0]
    line = max(transcript["segments"], key=lambda s: len(s["text"]))["text"]
    summary = cli_search(config, "--kind", "summary")[0]
    sentence = summary["text"].splitlines()[1]
    for record_id, text in (chat, (transcript["id"], line), (summary["id"], sentence)):
        assert record_id in {r["id"] for r in cli_search(config, text)}, text


def test_show_renders_a_chat_as_nested_threads_with_risk(demo: tuple[Path, str]) -> None:
    """``show`` prints the threads with start and end markers, participants and risk hits."""
    directory, _ = demo
    config = directory / "ecomms.toml"
    chats = cli_search(config, "--kind", "chat", "--min-risk", "50")
    record = max(chats, key=lambda r: len(r["threads"]))
    shown = ecomms("--config", str(config), "show", record["id"], cwd=directory)
    assert shown.returncode == 0, shown.stderr
    for thread in record["threads"]:
        assert f"start of {thread['type']} thread {thread['id']}" in shown.stdout
        assert f"end of {thread['type']} thread {thread['id']}" in shown.stdout
    assert "participants:" in shown.stdout
    assert f"risk: {record['risk']['score']}" in shown.stdout
    assert record["risk"]["hits"][0]["rule"] in shown.stdout


def test_the_demo_never_overwrites_a_config_or_stores_without_force(
    demo: tuple[Path, str],
) -> None:
    """A second demo on the same directory refuses and changes nothing; with ``--force`` it
    captures again, adding no record."""
    directory, _ = demo
    config = directory / "ecomms.toml"
    before, text = stored_records(directory / "archive"), config.read_bytes()
    refused = ecomms("demo", "--dir", str(directory), cwd=directory.parent)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    line = refused.stderr.strip()
    assert len(line.splitlines()) == 1 and "--force" in line
    assert "ecomms.toml, archive, search.db, .ecomms" in line
    assert config.read_bytes() == text and stored_records(directory / "archive") == before
    again = ecomms("demo", "--dir", str(directory), "--force", cwd=directory.parent)
    assert again.returncode == 0, again.stderr
    assert f"captured 0 new meetings; {DEMO_MEETINGS} were already captured" in again.stdout
    after = stored_records(directory / "archive")
    assert after.keys() == before.keys()
    assert all(len(v) == 1 for v in after.values())
    assert len(cli_search(config)) == len(after)


def test_a_users_own_config_is_never_overwritten(tmp_path: Path) -> None:
    """``--dir`` holding someone's ecomms.toml: exit 2, the file untouched, nothing created."""
    mine = tmp_path / "ecomms.toml"
    mine.write_text("# my real configuration\n")
    done = ecomms("demo", "--dir", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2 and "already holds ecomms.toml" in done.stderr
    assert mine.read_text() == "# my real configuration\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ecomms.toml"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_demo_says_so_and_exits_non_zero(tmp_path: Path, signum: int) -> None:
    """A signal mid-capture: the demo says it was interrupted, exits 128 + the signal, and a
    ``--force`` run finishes the capture without duplicating anything."""
    directory = tmp_path / "demo"
    process = start_ecomms(
        "demo", "--dir", directory, "--fault", "slow:0.3", cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for line in process.stdout:
            if line.startswith("capturing"):
                break
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signum, stderr
    assert stderr.startswith(f"demo interrupted ({signal.Signals(signum).name})")
    assert "--force" in stderr and "Traceback" not in stderr
    assert "Records per kind" not in stdout
    if signum != signal.SIGINT:
        return
    finished = ecomms("demo", "--dir", str(directory), "--force", cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    found = re.search(r"captured (\d+) new meetings; (\d+) were already captured", finished.stdout)
    assert found and int(found[1]) + int(found[2]) == DEMO_MEETINGS, finished.stdout
    records = stored_records(directory / "archive")
    assert all(len(versions) == 1 for versions in records.values())


def test_tampering_with_a_blob_and_a_record_file_is_caught(
    demo: tuple[Path, str], tmp_path: Path
) -> None:
    """``audit verify`` passes on the demo, then names an altered blob and record file."""
    copy = tmp_path / "copy"
    shutil.copytree(demo[0], copy)
    config = copy / "ecomms.toml"
    clean = ecomms("--config", str(config), "audit", "verify", cwd=copy)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    blob = next(p for p in (copy / "archive" / "blobs").rglob("*") if p.is_file())
    record = next((copy / "archive" / "records").rglob("v000001.json"))
    for victim in (blob, record):
        victim.chmod(0o644)
        data = bytearray(victim.read_bytes())
        data[len(data) // 2] ^= 0x01
        victim.write_bytes(bytes(data))
    audit = ecomms("--config", str(config), "audit", "verify", cwd=copy)
    assert audit.returncode != 0
    for victim in (blob, record):
        assert victim.relative_to(copy / "archive").as_posix() in audit.stdout, audit.stdout


def test_a_demo_directory_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    """``--dir`` below a regular file: exit 2, one line naming the directory, no traceback."""
    (tmp_path / "file").write_text("not a directory")
    done = ecomms("demo", "--dir", str(tmp_path / "file" / "demo"), cwd=tmp_path)
    assert done.returncode == 2
    assert "cannot write the demo's config" in done.stderr and "Traceback" not in done.stderr
