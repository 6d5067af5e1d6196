"""What every part of the sink shares: the client, the options, the key layout, the pools."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from core.errors import EcommsError

from .client import make_client, translate
from .config import S3Config
from .layout import Layout

__all__ = ["Bucket"]

T = TypeVar("T")
R = TypeVar("R")


class Bucket:
    """One sink instance's view of its bucket."""

    def __init__(self, config: S3Config, sink: str) -> None:
        self.config, self.sink = config, sink
        self.name = config.bucket
        self.layout = Layout(config.prefix)
        self._client: Any = None
        self._building = threading.Lock()
        self.requests = ThreadPoolExecutor(config.max_concurrency, thread_name_prefix="s3-obj")
        self.parts = ThreadPoolExecutor(config.max_concurrency, thread_name_prefix="s3-part")

    @property
    def client(self) -> Any:
        """The boto3 client, built on first use (reads the credentials then)."""
        with self._building:
            if self._client is None:
                self._client = make_client(self.config)
            return self._client

    @property
    def where(self) -> str:
        """``s3://bucket/prefix`` for messages."""
        return f"s3://{self.name}/{self.config.prefix}"

    def fail(self, exc: BaseException, what: str) -> EcommsError:
        """Our error for a botocore (or spool) exception raised while doing ``what``."""
        return translate(exc, what, self.config, self.sink)

    def each(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``fn`` over ``items`` on the request pool, results in order; first error raised."""
        return list(self.requests.map(fn, items))

    def stream(self, fn: Callable[[T], R], items: Iterable[T], window: int = 0) -> Iterator[R]:
        """``fn`` over ``items`` in order, at most ``window`` calls ahead (constant memory)."""
        window = window or self.config.max_concurrency * 2
        pending: list[Any] = []
        for item in items:
            pending.append(self.requests.submit(fn, item))
            if len(pending) >= window:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()

    def list_keys(self, prefix: str) -> Iterator[dict[str, Any]]:
        """Every current object under ``prefix`` (``list_objects_v2`` pages), in key order."""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.name, Prefix=prefix):
            yield from page.get("Contents") or []

    def close(self) -> None:
        """Stop the pools and drop the client."""
        self.requests.shutdown(wait=True, cancel_futures=True)
        self.parts.shutdown(wait=True, cancel_futures=True)
        self._client = None
