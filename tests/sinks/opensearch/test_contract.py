"""The host's sink contract, run against the opensearch sink and a real node."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from core.protocols import Context
from core.testing import SearchableSinkContract
from plugins.sinks.opensearch.sink import OpenSearchSink

pytestmark = pytest.mark.opensearch


class TestOpenSearchSinkContract(SearchableSinkContract):
    """Every searchable sink behaviour; artifacts are references (``stores_artifacts = False``)."""

    url: str = ""

    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _node(cls, opensearch_url: str) -> None:
        cls.url = opensearch_url  # a class attribute: the query suite builds its store once

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
