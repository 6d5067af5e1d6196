"""The opensearch sink: durable, idempotent bulk writes; search and get for ``ecomms``."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from opensearchpy import exceptions as os_errors

from core.errors import ConfigError, EcommsError, RecordRejected
from core.protocols import Context, Expected, Finding, Query, Receipt, SearchResults
from core.query import WHERE_BUILTINS, parse_query
from core.records import CAPTURE_KIND, AttributeSpec, AttributeType, Record
from plugins.sinks.opensearch.bulk import Action, BulkWriter
from plugins.sinks.opensearch.config import OpenSearchConfig
from plugins.sinks.opensearch.connection import call_with_retries, make_client, translate
from plugins.sinks.opensearch.documents import document_bytes, record_from_source
from plugins.sinks.opensearch.mapping import (
    ANALYSED,
    TEMPLATE_VERSION,
    build_template,
    mappings,
)
from plugins.sinks.opensearch.query import search_body
from plugins.sinks.opensearch.verify import verify_index

__all__ = ["OpenSearchSink"]

log = logging.getLogger(__name__)

# an attribute's mapping type back to its declared type (keyword_list maps as keyword)
_ATTRIBUTE_TYPE: dict[str, AttributeType] = {
    "keyword": "keyword",
    "text": "text",
    "long": "integer",
    "boolean": "boolean",
    "date": "date",
}


class OpenSearchSink:
    """Writes records to an OpenSearch index built from a strict, typed template.

    ``write`` returns its receipt only when OpenSearch acknowledged every document (with
    ``index.translog.durability: request`` the translog is fsynced before that). Documents
    refused for their content raise :class:`core.errors.RecordRejected` with OpenSearch's
    reason per record id, after the rest of the batch landed; an unreachable or overloaded
    cluster raises :class:`core.errors.SinkUnavailable` after retries.
    """

    name: ClassVar[str] = "opensearch"
    #: Artifacts are indexed as references (SHA-256, size); the bytes live elsewhere, so
    #: receipts never list them.
    stores_artifacts: ClassVar[bool] = False
    Config: ClassVar[type[OpenSearchConfig]] = OpenSearchConfig

    def __init__(self, config: OpenSearchConfig, context: Context) -> None:
        self.config = config
        self.context = context
        self.client = make_client(config)
        self.writer = BulkWriter(self.client, config, context.name)
        self._template_ready = False

    # --- template -----------------------------------------------------------------------

    def template(self) -> dict[str, Any]:
        """The composable index template this sink applies."""
        return build_template(
            self.config.index, self.context.attributes, self.config.shards, self.config.replicas
        )

    def ensure_template(self) -> None:
        """Put the index template; add newly declared fields to an existing index."""
        if self._template_ready or not self.config.manage_template:
            return
        self._call(
            lambda: self.client.indices.put_index_template(
                name=self.config.template_name, body=self.template()
            ),
            "put index template",
        )
        exists = self._call(
            lambda: self.client.indices.exists(index=self.config.index), "check index"
        )
        if exists:
            self._grow_mapping()
        self._template_ready = True

    def _grow_mapping(self) -> None:
        """Add newly declared fields to the existing index (analysed fields stay as made)."""
        properties = mappings(self.context.attributes)["properties"]
        grown = {k: v for k, v in properties.items() if k not in ANALYSED}
        try:
            self._call(
                lambda: self.client.indices.put_mapping(
                    index=self.config.index, body={"properties": grown}
                ),
                "update mapping",
            )
        except EcommsError as error:
            raise ConfigError(
                "the existing index's mapping conflicts with the attribute schema; "
                "write to a new index (change `index`) or reindex",
                sink=self.context.name,
                index=self.config.index,
                cause=error.message,
            ) from None
        for name, version in self._template_versions().items():
            if version < TEMPLATE_VERSION:
                log.warning(
                    "%s: index %s was made by template version %d: its text fields keep "
                    "OpenSearch's standard analysis, so text search there can differ from "
                    "the query language (diacritics, words joined by . or '); reindex into "
                    "a new index to get version %d",
                    self.context.name,
                    name,
                    version,
                    TEMPLATE_VERSION,
                )

    def _index_mappings(self) -> dict[str, Any]:
        return self._call(
            lambda: self.client.indices.get_mapping(index=self.config.index), "read mapping"
        )

    def _template_versions(self) -> dict[str, int]:
        return {
            name: int(body["mappings"].get("_meta", {}).get("ecomms_template_version", 1))
            for name, body in self._index_mappings().items()
        }

    def _stored_attributes(self) -> list[AttributeSpec]:
        """The attributes the index already maps (an older configuration may have declared
        them), typed back from the mapping."""
        found: dict[str, AttributeSpec] = {}
        try:
            indices = self._index_mappings()
        except EcommsError as error:
            if error.context.get("status") == 404:
                return []
            raise
        for body in indices.values():
            fields = body["mappings"].get("properties", {}).get("attributes", {})
            for name, field in fields.get("properties", {}).items():
                kind = _ATTRIBUTE_TYPE.get(field.get("type", ""))
                if kind:
                    found.setdefault(name, AttributeSpec(name=name, type=kind, description=""))
        return list(found.values())

    def _searchable(self, query: Query) -> list[AttributeSpec]:
        declared = list(self.context.attributes)
        names = {spec.name for spec in declared} | set(WHERE_BUILTINS)
        if set(query.where) - names:  # only then ask the index what else it maps
            declared += self._stored_attributes()
        return declared

    def _call(self, fn: Any, where: str) -> Any:
        return call_with_retries(fn, self.config, where, self.context.name)

    # --- Sink ---------------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Reachable, credentials accepted, template applied."""
        try:
            info = self._call(self.client.info, "connect")
            self.ensure_template()
        except EcommsError as error:
            return [
                Finding(
                    component=self.context.name,
                    check="OpenSearch reachable",
                    ok=False,
                    detail=error.one_line(),
                    action="start OpenSearch or fix hosts / username / password",
                )
            ]
        version = info.get("version", {}).get("number", "?")
        return [
            Finding(
                component=self.context.name,
                check="OpenSearch reachable",
                ok=True,
                detail=f"version {version}, template {self.config.template_name} "
                f"for {self.config.index}*",
            )
        ]

    def _actions(self, records: Sequence[Record]) -> Iterator[Action]:
        for record in records:
            yield self.writer.action(record.id, document_bytes(record))

    def write(self, records: Sequence[Record], artifacts: Mapping[str, Path]) -> Receipt:
        """Index ``records`` (artifact bytes are not stored here; the archive sink keeps them).

        Capture records (kind ``capture``, the archive's raw units) are never searchable:
        they are left out, and the receipt lists only the records indexed.
        """
        records = [r for r in records if r.kind != CAPTURE_KIND]
        if records:
            self.ensure_template()
            result = self.writer.write(self._actions(records))
            if result.rejected:
                raise RecordRejected(
                    f"OpenSearch refused {len(result.rejected)} of {len(records)} records",
                    reasons=result.rejected,
                    sink=self.context.name,
                    index=self.config.index,
                )
            detail: dict[str, Any] = {"index": self.config.index, **result.results}
        else:
            detail = {"index": self.config.index}
        return Receipt(sink=self.context.name, record_ids=[r.id for r in records], detail=detail)

    def search(self, query: Query) -> SearchResults:
        """Records matching ``query`` (see :mod:`core.query`), best first. The attributes
        it may filter are those the configured sources declare plus those the index maps."""
        body = search_body(parse_query(query, self._searchable(query)))
        try:
            response = self._call(
                lambda: self.client.search(index=self.config.index, body=body), "search"
            )
        except EcommsError as error:
            if error.context.get("status") == 404:
                return SearchResults(total=0, records=[])
            raise
        hits = response["hits"]
        return SearchResults(
            total=int(hits["total"]["value"]),
            records=[record_from_source(h["_source"]) for h in hits["hits"]],
        )

    def get(self, record_id: str) -> Record | None:
        """The record with this id, or ``None`` (real-time: no refresh needed)."""
        try:
            doc = self.client.get(index=self.config.index, id=record_id)
        except os_errors.NotFoundError:
            return None
        except os_errors.RequestError:
            return self._get_by_search(record_id)  # an alias over several indices
        except (os_errors.ConnectionError, os_errors.TransportError) as error:
            raise translate(error, "get", self.context.name) from None
        return record_from_source(doc["_source"]) if doc.get("found") else None

    def _get_by_search(self, record_id: str) -> Record | None:
        body = {"query": {"ids": {"values": [record_id]}}, "size": 1}
        response = self._call(lambda: self.client.search(index=self.config.index, body=body), "get")
        hits = response["hits"]["hits"]
        return record_from_source(hits[0]["_source"]) if hits else None

    def verify(self, expected: Expected | None = None) -> list[Finding]:
        """The index answers; with ``expected`` (from the custody ledger), every record it
        names is indexed (one failed finding per missing record)."""
        return verify_index(self.client, self._call, self.config.index, self.context.name, expected)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()
