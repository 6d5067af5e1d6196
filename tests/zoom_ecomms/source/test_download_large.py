"""Large archive files (hashed on a second thread, read in wide socket reads) arrive intact.

Files above the threading threshold take the fast path; these tests make sure it keeps the
same guarantees as small files: the spooled bytes are exactly the file, a broken transfer
resumes, and corrupt bytes are never accepted.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest

from core.errors import IntegrityError
from core.protocols import Context
from plugins.zoom_ecomms.listing import list_window, windows
from plugins.zoom_ecomms.models import ArchiveFile, zoom_time
from plugins.zoom_ecomms.source import ZoomSource
from plugins.zoom_ecomms.streaming import THREAD_ABOVE
from tests.fixtures.zoom_simulator import zoom_source_config

SIZE = THREAD_ABOVE + (3 << 20) + 12345  # above the threshold, not a multiple of any chunk


def _big_file(sim, tmp_path: Path) -> tuple[ZoomSource, ArchiveFile]:
    config = zoom_source_config(sim, media="video", download_attempts=3)
    source = ZoomSource(config, Context(name="big", state_dir=tmp_path, spool_dir=tmp_path / "s"))
    start = zoom_time(sim.capture_from)
    meetings = []
    for w_from, w_to in windows(start, datetime.now(start.tzinfo), 7):
        meetings += [item.meeting for item in list_window(source.client, w_from, w_to)[0]]
    mp4 = [f for m in meetings for f in m.archive_files if f.file_type == "MP4"]
    return source, mp4[0]


def _sha(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@pytest.mark.parametrize("faults", [[], ["truncated_download:once"], ["dropped_download:once"]])
def test_large_file_is_spooled_byte_exact(faults, zoom_simulator_factory, tmp_path):
    """A file bigger than the threading threshold is spooled exactly, even after a break."""
    sim = zoom_simulator_factory(seed=5, meetings=1, plan="business", media_size=SIZE)
    source, file = _big_file(sim, tmp_path)
    sim.set_faults(faults)
    try:
        spooled = source.capturer.downloader.fetch(file, tmp_path / "spool")
    finally:
        source.close()
    path = Path(spooled.path)
    assert file.file_size == SIZE
    assert path.stat().st_size == SIZE
    assert _sha(path) == file.encryption_fingerprint.lower() == spooled.sha256
    assert not list((tmp_path / "spool").glob("*.part"))
    assert sum(sim.inspect()["downloads"].values()) == (2 if faults else 1)  # the break happened


def test_large_corrupt_file_is_never_accepted(zoom_simulator_factory, tmp_path):
    """Corrupt bytes on the threaded path raise IntegrityError and leave nothing spooled."""
    sim = zoom_simulator_factory(seed=5, meetings=1, plan="business", media_size=SIZE)
    source, file = _big_file(sim, tmp_path)
    sim.set_faults(["corrupt_download:always"])
    try:
        with pytest.raises(IntegrityError, match="SHA-256"):
            source.capturer.downloader.fetch(file, tmp_path / "spool")
    finally:
        source.close()
    assert not list((tmp_path / "spool").iterdir())
