"""A write-blocked index (as at the disk flood stage) is unavailable, never a bad record."""

from __future__ import annotations

import pytest

from core.errors import SinkUnavailable
from core.testing.samples import sample_records

pytestmark = pytest.mark.opensearch


def test_blocked_index_raises_unavailable_then_the_write_succeeds(make_sink, os_client) -> None:
    sink = make_sink()
    records = sample_records()
    sink.write(records[:1], {})
    block = {"index.blocks.write": True}
    os_client.indices.put_settings(index=sink.config.index, body=block)
    with pytest.raises(SinkUnavailable) as caught:
        sink.write(records, {})
    assert "cluster_block_exception" in caught.value.message
    os_client.indices.put_settings(index=sink.config.index, body={"index.blocks.write": False})
    receipt = sink.write(records, {})
    assert receipt.record_ids == [r.id for r in records]
    os_client.indices.refresh(index=sink.config.index)
    assert os_client.count(index=sink.config.index)["count"] == len(records)
