"""Configuration of the opensearch sink (``[sinks.opensearch]`` in ecomms.toml)."""

from __future__ import annotations

from typing import Literal

import msgspec

from core.config import Secret

__all__ = ["OpenSearchConfig"]


class OpenSearchConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Where and how the sink writes.

    ``index`` is an index name or a write alias; the index template matches ``index*``.
    ``password`` is a secret (``{ env = "OPENSEARCH_PASSWORD" }``). ``refresh`` is the bulk
    refresh policy: ``false`` (default; durability does not need it, the translog is
    fsynced before OpenSearch answers), ``wait_for`` or ``true`` (visible to search at once).
    ``bulk_docs`` / ``bulk_bytes`` bound one bulk request. Failed requests (connection
    errors, 429, 5xx) are retried ``max_retries`` times with core's backoff
    (:mod:`core.backoff`: full jitter, ceiling ``backoff`` seconds doubled per retry, capped at
    ``max_backoff``).
    """

    hosts: list[str] = msgspec.field(default_factory=lambda: ["http://127.0.0.1:9200"])
    index: str = "ecomms-records"
    template: str = ""  # index template name; defaults to the index name
    username: str = ""
    password: Secret | None = None
    verify_certs: bool = True
    ca_file: str = ""
    refresh: Literal["false", "wait_for", "true"] = "false"
    bulk_docs: int = 500
    bulk_bytes: int = 5_000_000
    shards: int = 1
    replicas: int = 0
    manage_template: bool = True
    timeout: float = 30.0
    max_retries: int = 5
    backoff: float = 0.5
    max_backoff: float = 30.0

    def __post_init__(self) -> None:
        if not self.hosts:
            raise ValueError("hosts must list at least one URL")
        if self.bulk_docs < 1 or self.bulk_bytes < 1024:
            raise ValueError("bulk_docs must be >= 1 and bulk_bytes >= 1024")
        if self.shards < 1 or self.replicas < 0:
            raise ValueError("shards must be >= 1 and replicas >= 0")
        if self.max_retries < 0 or self.backoff < 0:
            raise ValueError("max_retries and backoff must be >= 0")

    @property
    def template_name(self) -> str:
        """Name of the composable index template."""
        return self.template or self.index
