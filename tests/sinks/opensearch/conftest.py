"""Helpers of the opensearch sink tests: a sink on a fresh index of the session's node."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest
from opensearchpy import OpenSearch

from core.protocols import Context
from core.records import AttributeSpec
from core.testing.samples import SAMPLE_ATTRIBUTES
from plugins.sinks.opensearch.sink import OpenSearchSink

MakeSink = Callable[..., OpenSearchSink]


@pytest.fixture
def os_client(opensearch_url: str) -> Iterator[OpenSearch]:
    """A plain opensearch-py client of the session's node, to look behind the sink's back."""
    client = OpenSearch(hosts=[opensearch_url], timeout=30)
    yield client
    client.close()


@pytest.fixture
def make_sink(opensearch_url: str, tmp_path: Path, os_client: OpenSearch) -> Iterator[MakeSink]:
    """Build sinks writing to a fresh index (deleted afterwards); keyword args override config."""
    made: list[OpenSearchSink] = []

    def build(attributes: list[AttributeSpec] | None = None, **overrides: object) -> OpenSearchSink:
        options: dict[str, object] = {
            "hosts": [opensearch_url],
            "index": f"ecomms-test-{uuid.uuid4().hex[:10]}",
            "refresh": "true",
            "max_retries": 2,
            "backoff": 0.05,
        }
        options.update(overrides)
        config = msgspec.convert(options, OpenSearchSink.Config)
        context = Context(
            name="opensearch",
            state_dir=tmp_path,
            spool_dir=tmp_path / "spool",
            attributes=SAMPLE_ATTRIBUTES if attributes is None else attributes,
        )
        sink = OpenSearchSink(config, context)
        made.append(sink)
        return sink

    yield build
    for sink in made:
        os_client.indices.delete(index=f"{sink.config.index}*", ignore_unavailable=True)
        os_client.indices.delete_index_template(name=sink.config.template_name, ignore=[404])
        sink.close()
