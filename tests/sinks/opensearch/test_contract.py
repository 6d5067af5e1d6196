"""The host's sink contract, run against the opensearch sink and a real node."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from core.protocols import Context, Query
from core.samples import sample_artifacts, sample_records
from core.testing import SinkContract
from plugins.sinks.opensearch.sink import OpenSearchSink

pytestmark = pytest.mark.opensearch


class TestOpenSearchSinkContract(SinkContract):
    """Every sink behaviour, except storing artifact bytes (the archive sink keeps those)."""

    @pytest.fixture(autouse=True)
    def _node(self, opensearch_url: str) -> None:
        self.url = opensearch_url

    def make_sink(self, tmp_path: Path, context: Context) -> OpenSearchSink:
        config = OpenSearchSink.Config(
            hosts=[self.url], index=f"ecomms-contract-{uuid.uuid4().hex[:8]}", refresh="wait_for"
        )
        return OpenSearchSink(config, context)

    def make_unreachable_sink(self, tmp_path: Path, context: Context) -> OpenSearchSink:
        from tests.fixtures.opensearch_node import free_port

        config = OpenSearchSink.Config(
            hosts=[f"http://127.0.0.1:{free_port()}"], max_retries=1, backoff=0.01
        )
        return OpenSearchSink(config, context)

    def test_receipt_lists_every_record(self, sink, tmp_path: Path) -> None:
        """Overridden: the receipt names every record and claims no artifact bytes."""
        receipt = sink.write(sample_records(), sample_artifacts(tmp_path / "artifacts"))
        assert sorted(receipt.record_ids) == sorted(r.id for r in sample_records())
        assert receipt.artifacts == []
        assert receipt.sink == "contract"

    def test_artifacts_stored_and_verified(self, sink, tmp_path: Path) -> None:
        """Overridden: artifacts are indexed as references (SHA-256, size), found by name."""
        sink.write(sample_records(), sample_artifacts(tmp_path / "artifacts"))
        media = next(r for r in sample_records() if r.kind == "media")
        found = sink.search(Query(text="meeting.mp4", kind="media"))
        assert [r.id for r in found.records] == [media.id]
        assert found.records[0].artifacts == media.artifacts
