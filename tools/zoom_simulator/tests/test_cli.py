"""``ecomms zoom simulator`` serves an account from the command line."""

from __future__ import annotations

import subprocess
import sys

import httpx
from click.testing import CliRunner
from ecomms_zoom_simulator.cli import simulator_command

_RUN = "from ecomms_zoom_simulator.cli import simulator_command; simulator_command()"


def test_serves_until_stopped_with_the_printed_settings():
    args = ["simulator", "--port", "0", "--meetings", "2", "--seed", "3", "--fault", "429_burst:1"]
    proc = subprocess.Popen([sys.executable, "-c", _RUN, *args], stdout=subprocess.PIPE, text=True)
    try:
        settings = {}
        while "inspect" not in settings:
            line = proc.stdout.readline()
            assert line, "the simulator exited early"
            parts = line.split()
            if len(parts) == 2:
                settings[parts[0]] = parts[1]
        token = httpx.post(
            settings["oauth_token_url"],
            data={"grant_type": "account_credentials", "account_id": settings["account_id"]},
            auth=(settings["client_id"], settings["client_secret"]),
        ).json()["access_token"]
        users = settings["api_base_url"] + "/users"
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(users, headers=headers).status_code == 429
        assert httpx.get(users, headers=headers).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_bad_fault_is_a_usage_error():
    result = CliRunner().invoke(simulator_command, ["simulator", "--port", "0", "--fault", "nope"])
    assert result.exit_code == 2
    assert "unknown fault" in result.output
