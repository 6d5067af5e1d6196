"""Groups, unknown file types, redirects, recapture, and the host's source contract."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from ecomms_zoom_simulator import Simulator, SimulatorConfig

from core.errors import ConfigError
from core.protocols import Context
from core.testing import SourceContract
from plugins.zoom_ecomms.source import ZoomSource
from tests.fixtures.zoom_simulator import mint_token, zoom_source_config
from tests.zoom_ecomms.source.conftest import meeting, parts


def test_groups_filter_by_name(zoom_simulator, make_source):
    everything = list(make_source(zoom_simulator, name="all").pull(None))
    by_group: dict[str, set[str]] = {}
    for unit in everything:
        by_group.setdefault(meeting(unit).get("group_id"), set()).add(unit.key)
    token = mint_token(zoom_simulator)
    groups = httpx.get(
        f"{zoom_simulator.api_base_url}/groups", headers={"Authorization": f"Bearer {token}"}
    ).json()["groups"]
    name_of = {g["id"]: g["name"] for g in groups}
    group_id, keys = next((g, k) for g, k in by_group.items() if g in name_of)
    source = make_source(zoom_simulator, name="one", groups=[name_of[group_id]])
    assert {u.key for u in source.pull(None)} == keys
    requests = zoom_simulator.inspect()["requests"]
    assert any(r["query"].get("group_ids") == [group_id] for r in requests)


def test_unknown_group_is_a_config_error(zoom_simulator, make_source):
    with pytest.raises(ConfigError, match="No Such Team"):
        list(make_source(zoom_simulator, groups=["No Such Team"]).pull(None))


def test_unknown_file_types_are_kept(zoom_simulator_factory, make_source, file_digest):
    sim = zoom_simulator_factory(meetings=2, unknown_types=True)
    units = list(make_source(sim, media="none", content=["chat"]).pull(None))
    known = {"MP4", "M4A", "CHAT", "CHAT_MESSAGE", "CC", "TRANSCRIPT"}
    odd = [f for u in units for f in parts(u) if f.meta["file_type"] not in known]
    assert odd
    for spooled in odd:
        assert file_digest(spooled.path) == spooled.sha256
        assert spooled.media_type in (
            "application/json",
            "text/plain",
            "text/csv",
            "application/octet-stream",
        )


def test_redirected_downloads_are_followed_and_verified(
    zoom_simulator_factory, make_source, file_digest
):
    sim = zoom_simulator_factory(meetings=2, download_redirect=True)
    units = list(make_source(sim).pull(None))
    files = [f for u in units for f in parts(u)]
    assert files and all(u.failure is None for u in units)
    assert all(file_digest(f.path) == f.sha256 for f in files)
    hops = [r for r in sim.inspect()["requests"] if r["path"].startswith("/rec/archive/file/")]
    assert len(hops) == len(files)


def test_recapture_finds_a_dead_lettered_meeting_again(
    zoom_simulator_factory, make_source, file_digest
):
    sim = zoom_simulator_factory(meetings=2, faults=["corrupt_download:always"])
    source = make_source(sim, download_attempts=1)
    failed = next(u for u in source.pull(None) if u.failure is not None)
    assert "SHA-256" in failed.failure.message
    sim.set_faults([])
    snapshot = failed  # the host keeps the unit's meta, not its files
    snapshot.files = []
    again = source.recapture(snapshot)
    assert again.failure is None and again.key == failed.key
    assert parts(again) and all(file_digest(f.path) == f.sha256 for f in again.files)


class TestZoomSourceContract(SourceContract):
    """The host's conformance checks, against a simulated account."""

    @pytest.fixture(autouse=True)
    def _sim(self):
        with Simulator(SimulatorConfig(seed=5, meetings=2)) as sim:
            self.sim = sim
            yield

    def make_source(self, tmp_path: Path, context: Context):
        return ZoomSource(zoom_source_config(self.sim, media="audio"), context)
