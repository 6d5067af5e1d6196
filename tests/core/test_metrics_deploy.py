"""The deployment files: alert rules Prometheus accepts and that fire when they should, the
container's secrets-from-files entrypoint, and the systemd unit."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from core.components import validate_components
from core.config import load_settings
from core.plugins import build_host

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


def _image_env() -> dict[str, str]:
    """The ``ENV`` of the final stage of deploy/Containerfile."""
    text = (DEPLOY / "Containerfile").read_text().replace("\\\n", " ")
    final = text.split("\nFROM ")[-1]
    env: dict[str, str] = {}
    for line in final.splitlines():
        if line.startswith("ENV "):
            env.update(pair.split("=", 1) for pair in shlex.split(line[4:]))
    return env


def test_the_image_runs_as_a_user_with_state_on_a_volume() -> None:
    """The container definition never runs ecomms as root and keeps state on its volume."""
    text = (DEPLOY / "Containerfile").read_text()
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert 'VOLUME ["/var/lib/ecomms"]' in text
    assert _image_env()["ECOMMS__ECOMMS__STATE_DIR"] == "/var/lib/ecomms/state"


def test_the_image_config_and_environment_are_valid() -> None:
    """The example config with the image's environment loads and validates, and reads no
    secret: the state lands on the volume and metrics listen for other containers."""
    env = _image_env()
    settings = load_settings(DEPLOY / "ecomms.example.toml", env)
    assert settings.state_dir == Path("/var/lib/ecomms/state")
    assert settings.metrics.enabled and settings.metrics.address == "0.0.0.0:9464"
    validate_components(settings, build_host({}))


def test_compose_runs_ecomms_beside_opensearch_and_dashboards() -> None:
    """docker-compose.yml: the capture service is built from the Containerfile, keeps its
    state on a named volume, reads its secret from a file and publishes metrics on loopback."""
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"opensearch", "dashboards", "ecomms", "prometheus"} <= set(services)
    ecomms = services["ecomms"]
    assert ecomms["build"] == {"context": "..", "dockerfile": "deploy/Containerfile"}
    assert "ecomms-data:/var/lib/ecomms" in ecomms["volumes"]
    assert "./ecomms.toml:/etc/ecomms/ecomms.toml:ro" in ecomms["volumes"]
    assert "ZOOM_CLIENT_SECRET_FILE=/run/secrets/zoom_client_secret" in ecomms["environment"]
    assert compose["secrets"]["zoom_client_secret"]["file"] == "./secrets/zoom_client_secret"
    assert ecomms["ports"] == ["127.0.0.1:9464:9464"]
    assert set(compose["volumes"]) >= {"ecomms-data", "opensearch-data"}


@needs_promtool
def test_example_prometheus_config_passes_promtool() -> None:
    """``promtool check config`` accepts the example scrape config and its rule file."""
    done = subprocess.run(
        [str(PROMTOOL), "check", "config", "prometheus.yml"],
        cwd=DEPLOY / "prometheus",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


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
