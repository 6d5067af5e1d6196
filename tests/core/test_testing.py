"""The fakes satisfy the contracts plugin authors' tests inherit, and the samples are sound."""

from __future__ import annotations

from pathlib import Path

from core.config import Secret
from core.protocols import Context, SearchableSink, Sink, Source, VerifiableSink
from core.records import RECORD_KINDS, decode_record, encode_record
from core.testing import (
    FakeSink,
    FakeSource,
    SearchableSinkContract,
    SourceContract,
    sample_records,
)


class TestFakeSinkContract(SearchableSinkContract):
    """FakeSink is a full sink: searchable, verifiable, keeping artifact bytes."""

    def make_sink(self, tmp_path: Path, context: Context) -> FakeSink:
        """A fake sink in the test's state directory."""
        return FakeSink(FakeSink.Config(token=Secret("t")), context)

    def make_unreachable_sink(self, tmp_path: Path, context: Context) -> FakeSink:
        """A fake sink whose down marker exists."""
        marker = tmp_path / "down"
        marker.touch()
        return FakeSink(FakeSink.Config(down_while=str(marker)), context)

    def read_artifact(self, sink: FakeSink, sha256: str) -> bytes:
        """The blob file named by its SHA-256."""
        return (sink.dir / "blobs" / sha256).read_bytes()


class TestFakeSourceContract(SourceContract):
    """FakeSource is a conforming source."""

    def make_source(self, tmp_path: Path, context: Context) -> FakeSource:
        """A fake source with files."""
        return FakeSource(FakeSource.Config(units=2, files=2), context)


def test_fakes_satisfy_protocols(tmp_path: Path) -> None:
    """The fakes are instances of the runtime-checkable protocols."""
    ctx = Context(name="x", state_dir=tmp_path, spool_dir=tmp_path)
    sink = FakeSink(FakeSink.Config(), ctx)
    assert isinstance(sink, Sink) and isinstance(sink, SearchableSink)
    assert isinstance(sink, VerifiableSink)
    assert isinstance(FakeSource(FakeSource.Config(), ctx), Source)


def test_sample_records_cover_every_kind_and_round_trip() -> None:
    """One sample of every kind; each survives encode/decode unchanged."""
    records = sample_records()
    assert sorted(r.kind for r in records) == sorted(RECORD_KINDS)
    for record in records:
        assert encode_record(decode_record(encode_record(record))) == encode_record(record)
    chat = next(r for r in records if r.kind == "chat")
    assert {t.type for t in chat.threads} == {"public", "private"}
    assert {m.action for t in chat.threads for m in t.messages} >= {
        "edit",
        "delete",
        "reply",
        "reaction",
    }
