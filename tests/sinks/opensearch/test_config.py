"""Configuration of the opensearch sink: strict keys, sane bounds, secrets kept secret."""

from __future__ import annotations

import logging
from pathlib import Path

import msgspec
import pytest

from core.config import Secret
from core.errors import SinkUnavailable
from core.protocols import Context
from core.testing.samples import sample_records
from plugins.sinks.opensearch.sink import OpenSearchSink
from tests.fixtures.opensearch_node import free_port


def test_unknown_keys_are_rejected_with_their_name() -> None:
    with pytest.raises(msgspec.ValidationError, match="bulk_size"):
        msgspec.convert({"bulk_size": 10}, OpenSearchSink.Config)


@pytest.mark.parametrize(
    "options", [{"hosts": []}, {"bulk_docs": 0}, {"shards": 0}, {"refresh": "sometimes"}]
)
def test_bad_values_are_rejected(options: dict) -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(options, OpenSearchSink.Config)


def test_password_never_shows_in_errors_or_logs(tmp_path: Path, caplog) -> None:
    password = "s3cret-Pa55"
    config = OpenSearchSink.Config(
        hosts=[f"http://127.0.0.1:{free_port()}"],
        username="archiver",
        password=Secret(password),
        max_retries=1,
        backoff=0.01,
    )
    assert password not in repr(config)
    sink = OpenSearchSink(config, Context(name="os", state_dir=tmp_path, spool_dir=tmp_path))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SinkUnavailable) as caught:
        sink.write(sample_records()[:1], {})
    assert "cannot be reached" in caught.value.one_line()
    assert password not in caught.value.one_line()
    assert password not in caplog.text
    findings = sink.check()
    assert not findings[0].ok and password not in findings[0].detail
    sink.close()
