"""The command line, driven as a user would: a config file and the ``ecomms`` process."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from core.testing import read_acks
from tests.core.hosthelp import ENV, ecomms
from tests.fixtures.cli import start_ecomms

CONFIG = """
[ecomms]
max_attempts = 2
sink_backoff = 0
[sources.fake]
units = 5
files = 1
fail = {{ u0003 = "transient" }}
fail_while = "{marker}"
[sinks.a]
plugin = "fake_sink"
down_while = "{down}"
"""


def _setup(tmp_path: Path) -> Path:
    marker = tmp_path / "cause"
    marker.touch()
    (tmp_path / "ecomms.toml").write_text(CONFIG.format(marker=marker, down=tmp_path / "down"))
    return marker


def test_dead_letter_list_and_retry(tmp_path: Path) -> None:
    """A unit failing repeatedly is dead-lettered; others proceed; dlq list/retry recover it."""
    marker = _setup(tmp_path)
    assert ecomms(tmp_path, "run", "--once").returncode == 0
    status = json.loads(ecomms(tmp_path, "status", "--json").stdout)[0]
    assert status["committed"] == 4 and status["pending_retry"] == 1
    assert status["checkpoint"] == "2"
    assert ecomms(tmp_path, "run", "--once").returncode == 0
    status = json.loads(ecomms(tmp_path, "status", "--json").stdout)[0]
    assert status["dead_lettered"] == 1 and status["checkpoint"] == "5"
    listed = json.loads(ecomms(tmp_path, "dlq", "list", "--json").stdout)
    assert [(d["key"], d["attempts"]) for d in listed] == [("u0003", 2)]
    assert "fake transient failure of u0003" in listed[0]["error"]
    text = ecomms(tmp_path, "dlq", "list").stdout
    assert "u0003" in text and "attempts=2" in text
    still = ecomms(tmp_path, "dlq", "retry", str(listed[0]["id"]))
    assert still.returncode == 1 and "dead" in still.stdout
    marker.unlink()
    fixed = ecomms(tmp_path, "dlq", "retry", "--all")
    assert fixed.returncode == 0 and f"{listed[0]['id']}: committed" in fixed.stdout
    assert "empty" in ecomms(tmp_path, "dlq", "list").stdout
    status = json.loads(ecomms(tmp_path, "status", "--json").stdout)[0]
    assert (status["committed"], status["dead_lettered"]) == (5, 0)
    assert ecomms(tmp_path, "dlq", "retry").returncode == 2


def test_tampered_ledger_entry_fails_audit(tmp_path: Path) -> None:
    """One changed byte in one ledger row makes ``audit verify`` fail and name the entry."""
    _setup(tmp_path)
    ecomms(tmp_path, "run", "--once")
    ok = ecomms(tmp_path, "audit", "verify")
    assert ok.returncode == 0 and "ok   ledger" in ok.stdout
    db = sqlite3.connect(tmp_path / ".ecomms" / "state.db")
    data = db.execute("SELECT data FROM ledger WHERE seq = 3").fetchone()[0]
    index = 2  # the first letter of the first key: still JSON, no longer the same bytes
    db.execute(
        "UPDATE ledger SET data = ? WHERE seq = 3", (data[:index] + "x" + data[index + 1 :],)
    )
    db.commit()
    db.close()
    bad = ecomms(tmp_path, "audit", "verify")
    assert bad.returncode == 1
    assert "FAIL ledger entry 3 " in bad.stdout and "does not match its hash" in bad.stdout
    assert "entry 4" not in bad.stdout


def test_tampered_blob_fails_audit(tmp_path: Path) -> None:
    """A verifiable sink's failed findings are printed and fail the audit."""
    _setup(tmp_path)
    ecomms(tmp_path, "run", "--once")
    blob = next((tmp_path / ".ecomms" / "fake-sink-a" / "blobs").iterdir())
    blob.write_bytes(b"changed")
    bad = ecomms(tmp_path, "audit", "verify")
    assert bad.returncode == 1 and f"FAIL a blob: {blob.name} changed" in bad.stdout


def test_check_failure_blocks_run(tmp_path: Path) -> None:
    """A failing check makes ``check`` and ``run`` exit non-zero, printing the finding."""
    _setup(tmp_path)
    (tmp_path / "down").touch()
    checked = ecomms(tmp_path, "check")
    assert checked.returncode == 1 and "FAIL a" in checked.stdout
    refused = ecomms(tmp_path, "run", "--once")
    assert refused.returncode == 1 and "FAIL a" in refused.stdout
    assert "error: 1 check(s) failed" in refused.stderr
    assert not (tmp_path / ".ecomms" / "fake-sink-a").exists()


def test_search_and_show(tmp_path: Path) -> None:
    """search finds by text and attribute, --json prints records, show renders one."""
    _setup(tmp_path)
    ecomms(tmp_path, "run", "--once")
    hits = ecomms(tmp_path, "search", "--where", "FakeUnitKey=u0002", "--kind", "chat", "--json")
    records = [json.loads(line) for line in hits.stdout.splitlines()]
    assert len(records) == 2 and {r["attributes"]["FakeUnitKey"] for r in records} == {"u0002"}
    text = ecomms(tmp_path, "search", "message 4.1")
    assert text.returncode == 0 and len(text.stdout.splitlines()) == 1
    shown = ecomms(tmp_path, "show", records[0]["id"])
    assert shown.returncode == 0 and records[0]["text"] in shown.stdout
    assert "FakeUnitKey: u0002" in shown.stdout
    missing = ecomms(tmp_path, "show", "0" * 32)
    assert missing.returncode == 1 and "no record with id" in missing.stderr


def test_search_without_searchable_sink(tmp_path: Path) -> None:
    """No searchable sink enabled: one line telling the user to enable one."""
    (tmp_path / "ecomms.toml").write_text("[sources.fake]\n")
    result = ecomms(tmp_path, "search", "x")
    assert result.returncode == 2 and "no enabled sink can search" in result.stderr


def test_status_shows_gaps_and_last_error(tmp_path: Path) -> None:
    """status lists every capture gap per source, and a sink outage as the last run's error."""
    _setup(tmp_path)
    gaps = {
        "ECOMMS__SOURCES__FAKE__GAPS": (
            '{ u0001 = ["file f9 (MP4) failed at the source", "poll results missing"] }'
        ),
    }
    # u0001's capture record and its 3 records are written, u0002's capture record is not
    failed = ecomms(tmp_path, "run", "--once", env={**gaps, "ECOMMS__SINKS__A__FAIL_AFTER": "4"})
    assert failed.returncode == 1
    assert "error: sink a unavailable: fake sink is down" in failed.stderr
    out = ecomms(tmp_path, "status").stdout
    assert "capture gaps in 1 unit(s):" in out
    assert "    u0001: file f9 (MP4) failed at the source\n    u0001: poll results missing" in out
    assert "committed=1" in out and "error: sink a unavailable" in out
    row = json.loads(ecomms(tmp_path, "status", "--json").stdout)[0]
    assert row["gaps"] == [
        {"key": "u0001", "gaps": ["file f9 (MP4) failed at the source", "poll results missing"]}
    ]


def test_status_says_when_nothing_is_missing(tmp_path: Path) -> None:
    """A source whose units were captured whole reports no capture gap."""
    _setup(tmp_path)
    assert ecomms(tmp_path, "run", "--once").returncode == 0
    assert "  capture gaps: none" in ecomms(tmp_path, "status").stdout


def test_attributes_and_plugins(tmp_path: Path) -> None:
    """attributes lists the enabled sources' attributes; plugins lists hooks and components."""
    _setup(tmp_path)
    attrs = json.loads(ecomms(tmp_path, "attributes", "--json").stdout)
    assert {a["name"] for a in attrs if a["status"] == "enabled"} == {"FakeUnitKey", "FakeIndex"}
    builtin = {a["name"]: a for a in attrs if a["status"] == "built-in"}
    assert set(builtin) == {"participant", "risk_category", "kind"}
    assert "chat" in builtin["kind"]["values"] and "capture" not in builtin["kind"]["values"]
    text = ecomms(tmp_path, "attributes").stdout
    assert "--where participant=VALUE" in text and "--kind KIND" in text
    assert {line.split()[0] for line in text.splitlines()} >= {"FakeUnitKey", "participant"}
    listed = ecomms(tmp_path, "plugins").stdout
    assert "core.testing" in listed and "sources: fake" in listed
    data = json.loads(ecomms(tmp_path, "plugins", "--json").stdout)
    fake = next(p for p in data if p["name"] == "core.testing")
    assert "ecomms_after_commit" in fake["hooks"]


def test_json_logs(tmp_path: Path) -> None:
    """--log-format json makes every log line a JSON object."""
    _setup(tmp_path)
    result = ecomms(tmp_path, "--log-format", "json", "run", "--once")
    logs = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(entry["level"] == "warning" and "u0003" in entry["message"] for entry in logs)


def test_json_log_format_makes_the_final_error_a_json_object(tmp_path: Path) -> None:
    """A service parsing stderr gets the failure as JSON, with its type and context."""
    _setup(tmp_path)
    down = ecomms(
        tmp_path, "--log-format", "json", "run", "--once", env={"ECOMMS__SINKS__A__FAIL_AFTER": "0"}
    )
    assert down.returncode == 1
    lines = [json.loads(line) for line in down.stderr.splitlines()]  # every line is JSON
    final = lines[-1]
    assert final["level"] == "error" and final["error"] == "SinkUnavailable"
    assert final["message"].startswith("sink a unavailable") and final["context"] == {"sink": "a"}
    missing = ecomms(tmp_path, "--log-format=json", "--config", "nope.toml", "status")
    assert missing.returncode == 2
    error = json.loads(missing.stderr.splitlines()[-1])
    assert error["error"] == "ConfigError" and "config file not found" in error["message"]
    text = ecomms(tmp_path, "--config", "nope.toml", "status")
    assert text.stderr.startswith("error: config file not found")
    usage = ecomms(tmp_path, "--log-format", "json", "dlq", "retry")
    assert usage.returncode == 2
    assert json.loads(usage.stderr.splitlines()[-1])["error"] == "UsageError"


def test_run_without_sink_is_refused(tmp_path: Path) -> None:
    """A source with no sink would archive nothing: check fails and run refuses."""
    (tmp_path / "ecomms.toml").write_text("[sources.fake]\n")
    checked = ecomms(tmp_path, "check")
    assert checked.returncode == 1 and "no sink is enabled" in checked.stdout
    assert ecomms(tmp_path, "run", "--once").returncode == 1
    assert read_acks(tmp_path / ".ecomms") == []


def test_check_warns_when_no_sink_keeps_the_raw_files(tmp_path: Path) -> None:
    """Only a search sink: check passes with a WARN saying what to add; run warns at start."""
    (tmp_path / "ecomms.toml").write_text(
        "[sources.fake]\nunits = 1\n[sinks.search]\nplugin = 'sqlite'\npath = 'search.db'\n"
    )
    checked = ecomms(tmp_path, "check")
    assert checked.returncode == 0, checked.stdout
    warned = [line for line in checked.stdout.splitlines() if line.startswith("WARN")]
    assert len(warned) == 1 and "no enabled sink keeps the raw files" in warned[0]
    assert "add an archive sink" in warned[0]
    ran = ecomms(tmp_path, "run", "--once")
    assert ran.returncode == 0 and "no enabled sink keeps the raw files" in ran.stderr
    (tmp_path / "ecomms.toml").write_text(
        "[sources.fake]\n[sinks.archive]\nplugin = 'filesystem'\npath = 'archive'\n"
    )
    assert "WARN" not in ecomms(tmp_path, "check").stdout


def test_attributes_all_lists_registered_components(tmp_path: Path) -> None:
    """A disabled source's attributes are listed, marked; --all lists every registered one."""
    (tmp_path / "ecomms.toml").write_text("[sources.fake]\nenabled = false\n")
    assert "[disabled: sources.fake]" in ecomms(tmp_path, "attributes").stdout
    listed = ecomms(tmp_path, "attributes", "--all").stdout
    assert "FakeUnitKey" in listed and "keyword" in listed
    outside = ecomms(tmp_path.parent, "attributes", "--all").stdout  # no config file here
    assert "FakeUnitKey" in outside and "[not configured: sources.fake]" in outside


def test_run_once_says_what_the_pass_did(tmp_path: Path) -> None:
    """--once prints one summary line; the log has a line per unit committed and per pass."""
    (tmp_path / "ecomms.toml").write_text(
        "[sources.fake]\nunits = 3\nfiles = 1\nfile_size = 2000\n[sinks.a]\nplugin = 'fake_sink'\n"
    )
    first = ecomms(tmp_path, "--log-format", "json", "run", "--once")
    assert first.returncode == 0, first.stderr
    summary = first.stdout.strip()
    assert summary.startswith("pass finished in ")
    assert summary.endswith(
        ": 3 committed, 0 already archived, 0 failed (retried next pass), 0 dead-lettered;"
        " 9 records, 6.0 kB archived"
    )
    logs = [json.loads(line) for line in first.stderr.splitlines()]
    units = [x["context"] for x in logs if x.get("context", {}).get("event") == "unit_committed"]
    assert [(u["unit"], u["records"], u["bytes"]) for u in units] == [
        ("u0001", 3, 2000),
        ("u0002", 3, 2000),
        ("u0003", 3, 2000),
    ]
    passes = [x for x in logs if x.get("context", {}).get("event") == "pass_finished"]
    assert len(passes) == 1 and passes[0]["level"] == "info"
    assert passes[0]["message"] == summary
    data = passes[0]["context"]
    assert data["units"] == {"committed": 3, "skipped": 0, "failed": 0, "dead": 0}
    assert (data["records"], data["bytes"]) == (9, 6000) and data["seconds"] >= 0
    again = ecomms(tmp_path, "run", "--once")
    assert ": 0 committed, 0 already archived, 0 failed" in again.stdout  # resumes after them
    assert "INFO ecomms.app: pass finished in" in again.stderr  # the text log says it too


def test_a_refill_is_not_counted_as_a_captured_unit(tmp_path: Path) -> None:
    """A pass that only refills an archived unit's lookup says so and counts no capture."""
    marker = tmp_path / "lookup-refused"
    marker.touch()
    (tmp_path / "ecomms.toml").write_text(
        "[sources.fake]\nunits = 2\nfiles = 1\nfile_size = 1000\n"
        f'lookups = {{ u0002 = ["GET /qa"] }}\nlookups_while = "{marker}"\n'
        "[sinks.a]\nplugin = 'fake_sink'\n"
    )
    first = ecomms(tmp_path, "run", "--once")
    assert first.returncode == 0 and first.stdout.strip().startswith("pass finished")
    assert "2 committed" in first.stdout and "6 records, 2.0 kB archived" in first.stdout
    marker.unlink()
    second = ecomms(tmp_path, "--log-format", "json", "run", "--once")
    assert second.returncode == 0, second.stderr
    assert "0 committed" in second.stdout and "1 refilled" in second.stdout
    assert second.stdout.strip().endswith("; 0 records, 0 B archived")
    logs = [json.loads(line) for line in second.stderr.splitlines() if line.startswith("{")]
    assert not [x for x in logs if x.get("context", {}).get("event") == "unit_committed"]


def test_run_once_counts_records_without_an_archive_sink(tmp_path: Path) -> None:
    """With only a search sink the records are written at commit, and still counted."""
    (tmp_path / "ecomms.toml").write_text(
        "[sources.fake]\nunits = 2\nfiles = 1\nfile_size = 1500\n"
        "[sinks.search]\nplugin = 'sqlite'\npath = 'search.db'\n"
    )
    result = ecomms(tmp_path, "--log-format", "json", "run", "--once")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("; 6 records, 3.0 kB archived")
    logs = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    units = [x["context"] for x in logs if x.get("context", {}).get("event") == "unit_committed"]
    assert [(u["unit"], u["records"], u["bytes"]) for u in units] == [
        ("u0001", 3, 1500),
        ("u0002", 3, 1500),
    ]


def test_a_failed_unit_is_logged_and_counted(tmp_path: Path) -> None:
    """A unit that fails is one warning line naming it, and the summary counts it."""
    _setup(tmp_path)
    done = ecomms(tmp_path, "run", "--once")
    assert done.returncode == 0, done.stderr
    assert ": 4 committed, 0 already archived, 1 failed (retried next pass)," in done.stdout
    warned = [line for line in done.stderr.splitlines() if " WARNING " in line]
    assert len(warned) == 1 and "fake/u0003 failed (attempt 1 of 2)" in warned[0]


def test_poll_interval_below_the_minimum_is_a_config_error(tmp_path: Path) -> None:
    """Polling more often than every 10 s is refused with one line naming the key."""
    (tmp_path / "ecomms.toml").write_text(
        "[ecomms]\npoll_interval = 2\n[sources.fake]\n[sinks.a]\nplugin = 'fake_sink'\n"
    )
    for args in (("run",), ("check",), ("status",)):
        done = ecomms(tmp_path, *args)
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [
            "error: ecomms.poll_interval: 2 s is below the minimum of 10 s; polling more often"
            " only spends the API budget (a webhook wakes a run as soon as new work is ready)"
        ]


def test_an_interrupted_once_says_so_and_exits_non_zero(tmp_path: Path) -> None:
    """SIGTERM during run --once: the unit in flight finishes, the run says it was
    interrupted and exits 143; the next run captures the rest."""
    (tmp_path / "ecomms.toml").write_text(
        "[sources.fake]\nunits = 20\ndelay = 0.3\n[sinks.a]\nplugin = 'fake_sink'\n"
    )
    process = start_ecomms(
        "run", "--once", cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not read_acks(tmp_path / ".ecomms"):
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, err
    assert out == ""
    assert (
        "interrupted by SIGTERM: the pass did not finish; units in flight were not committed"
        " and are captured by the next run"
    ) in err
    assert "Traceback" not in err
    done = len(read_acks(tmp_path / ".ecomms"))
    assert 0 < done < 20
    rest = ecomms(tmp_path, "run", "--once")
    assert f": {20 - done} committed, 0 already archived, 0 failed" in rest.stdout
