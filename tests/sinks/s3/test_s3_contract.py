"""The s3 sink passes the conformance tests every sink must pass, against the real gateway."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.protocols import ArchiveSink, Context
from core.testing.archive_contract import ArchiveSinkContract
from core.testing.samples import sample_records
from plugins.sinks.s3 import S3Sink
from tests.fixtures.s3_server import Gateway, free_port
from tests.sinks.s3.conftest import sink_config


class TestS3Sink(ArchiveSinkContract):
    """Runs :class:`core.testing.archive_contract.ArchiveSinkContract` on a fresh bucket."""

    @pytest.fixture(autouse=True)
    def _gateway(self, s3_gateway: Gateway) -> None:
        self.gateway = s3_gateway

    def make_sink(self, tmp_path: Path, context: Context) -> S3Sink:
        """A sink on a new bucket of the session's gateway."""
        return S3Sink(sink_config(self.gateway, self.gateway.make_bucket()), context)

    def make_unreachable_sink(self, tmp_path: Path, context: Context) -> S3Sink:
        """A sink pointed at a loopback port nobody listens on."""
        config = sink_config(self.gateway, "nowhere")
        config.endpoint_url = f"http://127.0.0.1:{free_port()}"
        return S3Sink(config, context)

    def stored_record_count(self, sink: S3Sink) -> int:
        """Stored versions of the sample records: one each when nothing was duplicated."""
        return sum(len(sink.versions(r.id)) for r in sample_records())

    def read_artifact(self, sink: S3Sink, sha256: str) -> bytes:
        """The object named by the SHA-256, read with a plain client."""
        got = self.gateway.client().get_object(
            Bucket=sink.config.bucket, Key=sink.bucket.layout.blob(sha256)
        )
        return got["Body"].read()

    def test_is_an_archive_sink(self, sink: S3Sink) -> None:
        """The sink satisfies the archive-of-record protocol (fetch, records, verify)."""
        assert isinstance(sink, ArchiveSink) and type(sink).stores_artifacts is True
