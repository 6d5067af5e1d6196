"""Driving ``ecomms`` with the fake source into an s3 sink on a real gateway."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from tests.fixtures import cli
from tests.fixtures.s3_server import Gateway


def write_config(
    directory: Path, gateway: Gateway, bucket: str, source: str = "", **sink: Any
) -> Path:
    """An ``ecomms.toml`` in ``directory``: the fake source (``source`` lines) into s3."""
    text = "[ecomms]\nsink_retries = 1\nsink_backoff = 0.1\n"
    text += f"[sources.fake]\n{source}\n" + gateway.sink_toml(bucket, **sink)
    (directory / "ecomms.toml").write_text(text)
    return directory / "ecomms.toml"


def env(gateway: Gateway, **extra: str) -> dict[str, str]:
    """The fake plugins, the gateway's secret, no instance-role look-ups, plus ``extra``."""
    return {"ECOMMS_EXTRA_PLUGINS": "core.testing", **gateway.env, **extra}


def run(
    directory: Path, gateway: Gateway, *args: str, **extra: str
) -> subprocess.CompletedProcess[str]:
    """``ecomms ARGS`` in ``directory`` (its ecomms.toml)."""
    return cli.ecomms(*args, cwd=directory, env=env(gateway, **extra), timeout=180)


def start(directory: Path, gateway: Gateway, *args: str, **extra: str) -> subprocess.Popen[str]:
    """``ecomms ARGS`` started in ``directory``, output captured."""
    return cli.start_ecomms(
        *args,
        cwd=directory,
        env=env(gateway, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def ledger(directory: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """``(event, unit_key, data)`` of every custody ledger entry, in order (none yet: [])."""
    path = directory / ".ecomms" / "state.db"
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT event, unit_key, data FROM ledger ORDER BY seq").fetchall()
    finally:
        db.close()
    return [(event, key, json.loads(data)) for event, key, data in rows]


def committed(directory: Path) -> list[str]:
    """Unit keys with a ``commit`` (or ``custody``) ledger entry, in order."""
    return [key for event, key, _ in ledger(directory) if event in ("commit", "custody")]
