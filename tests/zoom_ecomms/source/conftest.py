"""Helpers shared by the Zoom source tests: build a ZoomSource pointed at a simulator."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.protocols import Context, Receipt, SpooledFile, Unit
from plugins.zoom_ecomms.source import ZoomSource
from tests.fixtures.zoom_simulator import mint_token, zoom_source_config

FMT = "%Y-%m-%dT%H:%M:%SZ"


# what the source tests capture unless they say otherwise: everything, video included
DEFAULTS: dict[str, object] = dict(media="video", plan="business", download_attempts=3)


@pytest.fixture
def make_source(tmp_path: Path):
    """Build ``ZoomSource`` instances for a simulator; closed after the test."""
    built: list[ZoomSource] = []

    def make(sim, name: str = "zoom_ecomms", **overrides) -> ZoomSource:
        context = Context(
            name=name, state_dir=tmp_path / "state", spool_dir=tmp_path / "spool" / name
        )
        source = ZoomSource(zoom_source_config(sim, **{**DEFAULTS, **overrides}), context)
        built.append(source)
        return source

    yield make
    for source in built:
        source.close()


def _stored_receipt(unit: Unit, sink: str = "filesystem") -> Receipt:
    return Receipt(sink=sink, record_ids=[unit.key], artifacts=[f.sha256 for f in unit.files])


def parts(unit: Unit, role: str = "file") -> list[SpooledFile]:
    """The unit's parts of one role (``file``: the archive files)."""
    return [f for f in unit.files if f.role == role]


def responses(unit: Unit, payload: str) -> list[SpooledFile]:
    """The ``response`` parts of ``payload``, in page order."""
    found = [f for f in parts(unit, "response") if f.meta["payload"] == payload]
    return sorted(found, key=lambda f: f.meta["page"])


def payload(unit: Unit, name: str) -> Any:
    """What Zoom answered for ``name``, decoded from the spooled response parts: one object,
    or for paginated lists the items of every page; ``None`` when there is no part."""
    bodies = [json.loads(Path(f.path).read_bytes()) for f in responses(unit, name)]
    if not bodies:
        return None
    key = {"participants": "participants", "report_participants": "participants",
           "dashboard_participants": "participants"}.get(name)  # fmt: skip
    return [item for body in bodies for item in body[key]] if key else bodies[0]


def meeting(unit: Unit) -> dict[str, Any]:
    """The meeting object as Zoom listed it (the unit's ``meeting`` part)."""
    return payload(unit, "meeting")


def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def stored_receipt():
    """``stored_receipt(unit)``: the receipt of a sink that stored all of ``unit``."""
    return _stored_receipt


@pytest.fixture
def file_digest():
    """``file_digest(path)``: SHA-256 of a file on disk."""
    return _file_digest


def _listed_meetings(sim) -> dict[str, dict]:
    """Every meeting object Zoom lists over the account's archive span, by UUID."""
    token = mint_token(sim)
    first = datetime.fromisoformat(sim.capture_from.replace("Z", "+00:00"))
    out: dict[str, dict] = {}
    for week in range(3):
        start, end = first + timedelta(days=7 * week), first + timedelta(days=7 * week + 7)
        page = httpx.get(
            f"{sim.api_base_url}/archive_files",
            params={"from": start.strftime(FMT), "to": end.strftime(FMT), "page_size": 300},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        out.update({meeting["uuid"]: meeting for meeting in page["meetings"]})
    return out


@pytest.fixture
def listed_meetings():
    """``listed_meetings(sim)``: what Zoom's listing says, straight from the API, by UUID."""
    return _listed_meetings
