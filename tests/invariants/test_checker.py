"""The invariants checker finds what it promises: a clean capture passes, and each kind of
damage (a lost blob, a file released at Zoom before commit, a record stored twice, a
record missing from a sink) is named."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
from ecomms_zoom_simulator import Simulator

from tests.fixtures.zoom_simulator import mint_token, run_ecomms, zoom_source_toml
from tests.invariants.checker import Selection, Stores, final_violations, safety_violations

SELECTION = Selection(media="audio", content=("chat", "transcripts", "closed_captions"))


def _capture(tmp_path: Path, sim: Simulator) -> Stores:
    config = tmp_path / "ecomms.toml"
    config.write_text(
        '[ecomms]\nstate_dir = ".ecomms"\n'
        + zoom_source_toml(sim, media="audio", content=list(SELECTION.content), auto_delete=True)
        + '[sinks.filesystem]\npath = "archive"\n[sinks.sqlite]\npath = "search.db"\n'
    )
    done = run_ecomms(config, sim, "run", "--once")
    assert done.returncode == 0, done.stderr
    return Stores(tmp_path / ".ecomms", tmp_path / "archive", tmp_path / "search.db")


def test_a_clean_capture_has_no_violation_and_each_damage_is_named(
    tmp_path: Path, zoom_simulator_factory: Callable[..., Simulator]
) -> None:
    """Damage done after a clean capture shows up as the violation it is."""
    sim = zoom_simulator_factory(seed=5, meetings=6, small_media=True)
    stores = _capture(tmp_path, sim)
    assert final_violations(sim, stores, SELECTION) == []

    audio = next(
        f
        for m in sim.account.meetings
        if m.status == "completed"
        for f in m.files
        if f.file_type == "M4A" and f.status == "completed"
    )
    blob = next((stores.archive / "blobs").glob(f"*/*/{audio.blob.sha256()}"))
    os.chmod(blob, 0o600)
    blob.unlink()
    processing = next(m for m in sim.account.meetings if m.status == "processing")
    httpx.patch(
        f"{sim.api_base_url}/archive_files/{processing.files[0].id}",
        json={"auto_delete": True},
        headers={"Authorization": f"Bearer {mint_token(sim)}"},
    ).raise_for_status()
    record = next(p for p in (stores.archive / "records").glob("*/*") if p.is_dir())
    shutil.copy(record / "v000001.json", record / "v000002.json")
    db = sqlite3.connect(stores.sqlite)  # type: ignore[arg-type]
    with db:
        db.execute("DELETE FROM records WHERE id = ?", (record.name,))
    db.close()

    safety = "\n".join(safety_violations(sim, stores, SELECTION))
    assert f"is not in the archive as {blob.name}" in safety
    assert f"file {processing.files[0].id} was tagged for deletion" in safety
    assert f"record {record.name} is stored twice" in safety
    final = "\n".join(final_violations(sim, stores, SELECTION))
    assert f"sqlite differs from the archive: missing ['{record.name}']" in final
