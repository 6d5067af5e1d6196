"""The S3 tests' fixtures: the real gateway (tests/fixtures/s3_server.py) and sinks on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from core.config import Secret
from core.testing.contracts import contract_context
from plugins.sinks.s3 import S3Sink
from plugins.sinks.s3.config import S3Config
from tests.fixtures.s3_server import (  # noqa: F401 - fixtures used by the tests here
    Gateway,
    s3_bucket,
    s3_gateway,
    throwaway_gateway,
)


def sink_config(gateway: Gateway, bucket: str, **overrides: Any) -> S3Config:
    """An ``S3Config`` for ``bucket`` on ``gateway`` (GOVERNANCE, 1 day unless overridden)."""
    options = gateway.sink_options(bucket, **overrides)
    options["secret_access_key"] = Secret(gateway.secret_key)
    return msgspec.convert(options, S3Config, dec_hook=lambda t, v: v)


@pytest.fixture
def make_sink(tmp_path: Path) -> Iterator[Callable[..., S3Sink]]:
    """Build sinks (``make_sink(gateway, bucket, name="s3", **options)``); closed after."""
    built: list[S3Sink] = []

    def make(gateway: Gateway, bucket: str, name: str = "s3", **overrides: Any) -> S3Sink:
        sink = S3Sink(sink_config(gateway, bucket, **overrides), contract_context(tmp_path, name))
        built.append(sink)
        return sink

    yield make
    for sink in built:
        sink.close()
