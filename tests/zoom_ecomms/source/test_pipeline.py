"""End to end through the real host: `ecomms run --once` against the simulator, with the
host's fake sink. Only files that every sink committed are ever tagged for deletion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

FMT = "%Y-%m-%dT%H:%M:%SZ"

ECOMMS = str(Path(sys.executable).with_name("ecomms"))


def write_config(path: Path, sim, **extra: str) -> Path:
    lines = [
        "[ecomms]",
        'state_dir = ".ecomms"',
        "[sources.zoom_ecomms]",
        f'account_id = "{sim.account_id}"',
        f'client_id = "{sim.client_id}"',
        'client_secret = { env = "ZOOM_CLIENT_SECRET" }',
        f'api_base_url = "{sim.api_base_url}"',
        f'oauth_token_url = "{sim.oauth_token_url}"',
        f'capture_from = "{sim.capture_from}"',
        'media = "video"',
        "auto_delete = true",
        *(f"{k} = {v}" for k, v in extra.items()),
        "[sinks.fake_sink]",
    ]
    config = path / "ecomms.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def ecomms(config: Path, sim, *args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ, ECOMMS_EXTRA_PLUGINS="core.testing", ZOOM_CLIENT_SECRET=sim.client_secret
    )
    return subprocess.run(
        [ECOMMS, "--config", str(config), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def stored_blobs(tmp_path: Path) -> set[str]:
    blobs = tmp_path / ".ecomms" / "fake-sink-fake_sink" / "blobs"
    return {p.name for p in blobs.iterdir()} if blobs.exists() else set()


@pytest.fixture
def sim(zoom_simulator):
    return zoom_simulator


def test_run_commits_then_tags_only_committed_files(tmp_path, sim):
    config = write_config(tmp_path, sim)
    assert ecomms(config, sim, "check").returncode == 0
    first = ecomms(config, sim, "run", "--once")
    assert first.returncode == 0, first.stderr
    tagged = sim.inspect()["tagged_for_deletion"]
    stored = stored_blobs(tmp_path)
    assert tagged and stored
    assert len(tagged) == len(set(tagged))
    # every tagged file's bytes are in the sink, found by the fingerprint Zoom gave
    listing = _listing(sim)
    assert all(listing[file_id] in stored for file_id in tagged)
    # and every stored file was tagged (auto_delete on): nothing committed is left behind
    assert {fid for fid, sha in listing.items() if sha in stored} == set(tagged)
    again = ecomms(config, sim, "run", "--once")
    assert again.returncode == 0, again.stderr
    assert sorted(sim.inspect()["tagged_for_deletion"]) == sorted(tagged)
    records = (tmp_path / ".ecomms" / "fake-sink-fake_sink" / "records.jsonl").read_text()
    ids = [json.loads(line)["id"] for line in records.splitlines()]
    assert len(ids) == len(set(ids))


def test_corrupt_files_are_dead_lettered_and_never_tagged(tmp_path, zoom_simulator_factory):
    sim = zoom_simulator_factory(meetings=3, faults=["corrupt_download:always"])
    config = write_config(tmp_path, sim, download_attempts="2")
    run = ecomms(config, sim, "run", "--once")
    assert run.returncode == 0, run.stderr
    assert "SHA-256 differs" in run.stderr
    assert sim.inspect()["tagged_for_deletion"] == []
    status = ecomms(config, sim, "status")
    assert "dead_lettered=0" not in status.stdout


def _listing(sim) -> dict[str, str]:
    import httpx

    token = httpx.post(
        sim.oauth_token_url,
        data={"grant_type": "account_credentials", "account_id": sim.account_id},
        auth=(sim.client_id, sim.client_secret),
    ).json()["access_token"]
    out: dict[str, str] = {}
    first = datetime.fromisoformat(sim.capture_from.replace("Z", "+00:00"))
    for week in range(3):
        start, end = first + timedelta(days=7 * week), first + timedelta(days=7 * week + 7)
        page = httpx.get(
            f"{sim.api_base_url}/archive_files",
            params={"from": start.strftime(FMT), "to": end.strftime(FMT), "page_size": 300},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        for meeting in page["meetings"]:
            for file in meeting["archive_files"]:
                out[file["id"]] = file["encryption_fingerprint"]
    return out
