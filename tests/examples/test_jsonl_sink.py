"""The third-party example sink: discovered through its entry point, receives every record."""

from __future__ import annotations

import os
from collections import Counter
from importlib.metadata import entry_points
from pathlib import Path

import msgspec
import pytest

from core.protocols import Context
from core.testing import SinkContract, read_acks
from tests.core.hosthelp import ecomms

INSTALLED = any(ep.name == "jsonl" for ep in entry_points(group="ecomms"))
if not INSTALLED and os.environ.get("CI") != "true":
    pytest.skip(
        "examples/jsonl_sink is not installed (pip install -e examples/jsonl_sink)",
        allow_module_level=True,
    )


def test_discovered_through_its_entry_point(tmp_path: Path) -> None:
    """`ecomms plugins` lists the example with its own distribution."""
    assert INSTALLED, "CI must install examples/jsonl_sink"
    listed = ecomms(tmp_path, "plugins", env={"ECOMMS_EXTRA_PLUGINS": ""}).stdout
    assert "jsonl (ecomms-jsonl-sink 0.1.0)" in listed and "sinks: jsonl" in listed


def test_receives_every_record_of_a_run(tmp_path: Path) -> None:
    """Enabled in config beside another sink, it gets each record once, and its artifacts."""
    (tmp_path / "ecomms.toml").write_text(
        "[sources.fake]\nunits = 4\nrecords = 2\nfiles = 1\n"
        "[sinks.fake_sink]\n[sinks.jsonl]\npath = 'out'\n"
    )
    for _ in range(2):  # the second run replays nothing new
        result = ecomms(tmp_path, "run", "--once")
        assert result.returncode == 0, result.stderr
    state = tmp_path / ".ecomms"
    lines = (state / "out" / "records.jsonl").read_bytes().splitlines()
    ids = Counter(msgspec.json.decode(line)["id"] for line in lines)
    expected = {
        msgspec.json.decode(line)["id"]
        for line in (state / "fake-sink-fake_sink" / "records.jsonl").read_bytes().splitlines()
    }
    # both keep artifacts: each holds the 4 capture records (custody) and 4 * 3 records
    assert set(ids) == expected and len(expected) == 4 * 4 and set(ids.values()) == {1}
    assert len(list((state / "out" / "blobs").iterdir())) == 4
    assert len(read_acks(state)) == 4


class TestJsonlSinkContract(SinkContract):
    """The example passes the sink contract (it does not search; it keeps artifact bytes)."""

    def make_sink(self, tmp_path: Path, context: Context):
        """A JSON Lines sink under the test's state directory."""
        from ecomms_jsonl_sink import JsonlSink

        return JsonlSink(JsonlSink.Config(path="out"), context)

    def stored_record_count(self, sink) -> int:
        """Lines of the JSON Lines file: one per stored record."""
        return len(sink.file.read_bytes().splitlines())

    def read_artifact(self, sink, sha256: str) -> bytes:
        """The blob file named by its SHA-256."""
        return (sink.dir / "blobs" / sha256).read_bytes()

    def make_unreachable_sink(self, tmp_path: Path, context: Context):
        """A sink whose output path is a regular file."""
        from ecomms_jsonl_sink import JsonlSink

        (tmp_path / "afile").write_text("x")
        return JsonlSink(JsonlSink.Config(path=str(tmp_path / "afile" / "out")), context)
