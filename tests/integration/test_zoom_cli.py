"""Issue 13 through the command line, against a simulator behaving as Zoom documents itself:
refusals (400/2300, external, one-person and breakout lookups), current file enums, every
TXT layout, chat attachments, Heavy survey reports.

Every meeting is archived with its files (``audit completeness`` accounts for each one), its
refused lookups are gaps in ``ecomms status``, attachment bytes are in the archive as Zoom
served them; ``ecomms check`` passes for a granular-only and a classic-only app with
``delete_mode``; the token never travels over plain HTTP to another host; a gzip-bomb
listing is one clear error while the process stays small.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ecomms_zoom_simulator.scopes import scope_set

from tests.fixtures import cli
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml

AS_ZOOM: dict[str, Any] = dict(
    profiles="realistic",
    refusals=True,
    unknown_endpoint_status=400,
    file_types="documented",
    txt_layout="mix",
    heavy_survey_reports=True,
)
SINKS = '[sinks.filesystem]\npath = "archive"\n'


def _config(tmp_path: Path, sim: Any, **overrides: object) -> Path:
    config = tmp_path / "ecomms.toml"
    config.write_text(
        '[ecomms]\nstate_dir = ".ecomms"\n' + zoom_source_toml(sim, **overrides) + SINKS
    )
    return config


def test_every_kind_of_meeting_is_archived_with_its_gaps_in_status(
    tmp_path, zoom_simulator_factory
):
    """External, one-person, breakout, webinar and attachment-carrying meetings are all
    committed with every selected file; what Zoom refused is a gap named in ``status``."""
    sim = zoom_simulator_factory(seed=7, meetings=8, **AS_ZOOM)
    config = _config(tmp_path, sim, media="video")
    for _ in range(2):  # before and after the processing meetings complete
        done = run_ecomms(config, sim, "run", "--once")
        assert done.returncode == 0, done.stderr
        sim.complete_processing()
    audit = run_ecomms(config, sim, "audit", "completeness", "--json")
    assert audit.returncode == 0, audit.stdout[-2000:] + audit.stderr
    (report,) = json.loads(audit.stdout)["sources"]
    committed = {e["key"] for e in report["entries"] if e["fate"] == "committed"}
    meetings = sim.account.meetings
    kinds = {
        "external": [m for m in meetings if m.external],
        "one-person": [m for m in meetings if len(m.attendees) == 1 and not m.is_breakout],
        "breakout": [m for m in meetings if m.is_breakout],
        "webinar": [m for m in meetings if m.webinar],
        "attachments": [m for m in meetings if m.attachments],
    }
    for kind, found in kinds.items():
        assert found and {m.uuid for m in found} <= committed, kind
    status = run_ecomms(config, sim, "status", "--json")
    gaps = {row["key"]: row["gaps"] for row in json.loads(status.stdout)[0]["gaps"]}
    for meeting in kinds["external"]:  # Zoom refuses report/dashboard/past lookups of these
        assert any("400" in line for line in gaps[meeting.uuid]), gaps.get(meeting.uuid)
    human = run_ecomms(config, sim, "status")
    assert all(key in human.stdout for key in gaps)
    blobs = tmp_path / "archive" / "blobs"
    for meeting in kinds["attachments"]:
        for attachment in meeting.attachments:
            digest = attachment.blob.sha256()
            stored = blobs / digest[:2] / digest[2:4] / digest
            assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    verify = run_ecomms(config, sim, "audit", "verify")
    assert verify.returncode == 0, verify.stdout


@pytest.mark.parametrize("form", ["granular", "classic"])
def test_check_passes_for_an_app_with_scopes_of_one_form_and_delete_mode(
    tmp_path, zoom_simulator_factory, form
):
    """Every scope in one form is enough for every feature, delete_mode included; without
    the delete scope, check names it in that form."""
    sim = zoom_simulator_factory(seed=7, meetings=2, scope_set=form)
    config = _config(tmp_path, sim, auto_delete=True, delete_mode=True)
    done = run_ecomms(config, sim, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    delete = {"granular": "archiving:delete:archived_files:admin", "classic": "recording:write"}
    scopes = [s for s in scope_set(form) if not s.startswith(delete[form])]
    sim = zoom_simulator_factory(seed=7, meetings=2, granted_scopes=scopes)
    config = _config(tmp_path, sim, auto_delete=True, delete_mode=True)
    done = run_ecomms(config, sim, "check")
    assert done.returncode == 1 and delete[form] in done.stdout, done.stdout


@pytest.mark.parametrize("key", ["api_base_url", "oauth_token_url"])
def test_the_token_never_goes_over_plain_http_to_another_host(tmp_path, zoom_simulator, key):
    """A plain-HTTP URL to a host that is not loopback is a configuration error, named,
    before anything is sent: exit 2, and the simulator saw no request."""
    sim = zoom_simulator
    config = _config(tmp_path, sim, **{key: "http://zoom.example.com/v2"})
    for args in (("check",), ("run", "--once")):
        done = run_ecomms(config, sim, *args)
        assert done.returncode == 2, done.stdout + done.stderr
        assert key in done.stderr and "https://" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert sim.inspect()["requests"] == []


MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stdout.write(done.stdout); sys.stderr.write(done.stderr)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(f'PEAK_KIB={peak}\\n'); sys.exit(done.returncode)\n"
)


def test_a_gzip_bomb_listing_is_one_clear_error_and_the_process_stays_small(
    tmp_path, zoom_simulator_factory
):
    """4 GiB of spaces behind a few MB of gzip: the listing request fails with the cap
    named (the preflight of ``run`` lists first), one error line, exit 1, no traceback, and
    ``ecomms run`` never exceeds 300 MB."""
    sim = zoom_simulator_factory(seed=7, meetings=2, faults=["gzip_bomb"])
    config = _config(tmp_path, sim)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *cli.command(), "--config", str(config), "run", "--once"],
        env=cli.environment({"ZOOM_CLIENT_SECRET": sim.client_secret}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    *lines, peak = done.stderr.strip().splitlines()
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert len([line for line in lines if line.startswith("error:")]) == 1, lines
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and "larger than 32 MiB decompressed" in failed[0], done.stdout
    assert int(peak.removeprefix("PEAK_KIB=")) < 300 * 1024
