"""The deployment files: alert rules Prometheus accepts and that fire when they should, the
container's secrets-from-files entrypoint, and the systemd unit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool is not installed (scripts/test.sh installs Debian's prometheus package)",
)


@needs_promtool
def test_alert_rules_pass_promtool_check() -> None:
    """``promtool check rules`` accepts the example alert rules."""
    done = subprocess.run(
        [str(PROMTOOL), "check", "rules", "ecomms-alerts.yml"],
        cwd=DEPLOY / "prometheus",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 8 rules found" in done.stdout


@needs_promtool
def test_alert_rules_fire_as_their_unit_tests_say() -> None:
    """``promtool test rules``: down, dead-lettered and stale-pass alerts fire on cue."""
    done = subprocess.run(
        [str(PROMTOOL), "test", "rules", "alerts-test.yml"],
        cwd=DEPLOY / "prometheus",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _entrypoint(env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(DEPLOY / "entrypoint.sh"), *command],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
    )


def test_entrypoint_reads_secrets_from_files(tmp_path: Path) -> None:
    """NAME_FILE becomes NAME (trailing newline dropped) before the command runs."""
    secret = tmp_path / "zoom_client_secret"
    secret.write_text("s3cr3t value\n")
    done = _entrypoint({"ZOOM_CLIENT_SECRET_FILE": str(secret)}, "env")
    assert done.returncode == 0, done.stderr
    assert "ZOOM_CLIENT_SECRET=s3cr3t value\n" in done.stdout
    assert "ZOOM_CLIENT_SECRET_FILE" not in done.stdout


def test_entrypoint_refuses_an_unreadable_or_doubled_secret(tmp_path: Path) -> None:
    """A missing secret file, or a secret given twice, is one line and exit 2."""
    missing = _entrypoint({"ZOOM_CLIENT_SECRET_FILE": str(tmp_path / "nope")}, "true")
    assert missing.returncode == 2
    assert (
        missing.stderr.strip()
        == f"error: ZOOM_CLIENT_SECRET_FILE={tmp_path / 'nope'} cannot be read"
    )
    (tmp_path / "s").write_text("x")
    both = _entrypoint({"ZOOM_CLIENT_SECRET_FILE": str(tmp_path / "s"), "ZOOM_CLIENT_SECRET": "y"})
    assert both.returncode == 2 and "set only one" in both.stderr


def test_the_image_runs_as_a_user_with_state_on_a_volume() -> None:
    """The container definition never runs ecomms as root and keeps state on its volume."""
    text = (DEPLOY / "Containerfile").read_text()
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert 'VOLUME ["/var/lib/ecomms"]' in text
    assert "ECOMMS__ECOMMS__STATE_DIR=/var/lib/ecomms/state" in text
    compose = (DEPLOY / "docker-compose.yml").read_text()
    assert (
        "dockerfile: deploy/Containerfile" in compose and "ecomms-data:/var/lib/ecomms" in compose
    )


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is absent")
def test_systemd_unit_verifies() -> None:
    """``systemd-analyze verify`` finds nothing wrong but the program not installed here."""
    done = subprocess.run(
        ["systemd-analyze", "verify", str(DEPLOY / "ecomms.service")],
        capture_output=True,
        text=True,
    )
    problems = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and "/opt/ecomms/bin/ecomms is not executable" not in line
    ]
    assert problems == []
