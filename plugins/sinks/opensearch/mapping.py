"""The composable index template: typed fields from the record structs and attribute specs.

Core fields are derived from :mod:`core.records` (a new record field gets a mapping without
a code change here); ``attributes.<Name>`` fields come from the sources' ``AttributeSpec``.
The mapping is ``dynamic: strict``: a document with an undeclared field is rejected with a
reason instead of silently widening the index. The fields full-text search reads (``title``,
``text``, ``content``; :data:`ANALYSED`) use the ``ecomms_text`` analyzer: words are runs of
letters and digits, lower-cased and ASCII-folded — what the query language calls a word
(:mod:`core.query`), as SQLite's ``unicode61 remove_diacritics 2`` tokenizer sees it.

Template versions: 2 adds ``ecomms_text``. An index created by version 1 keeps OpenSearch's
standard analyzer on those fields (analysis cannot change on an existing index).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import inspect

from core.records import RECORD_KINDS, AttributeSpec, Record

__all__ = [
    "ANALYSED",
    "ANALYSIS",
    "CONTENT_FIELD",
    "TEMPLATE_VERSION",
    "attribute_field",
    "build_template",
    "mappings",
]

TEMPLATE_VERSION = 2
CONTENT_FIELD = "content"  # derived: people and nested texts (core.search_text), for full text
DATE_FORMAT = "strict_date_optional_time||epoch_millis"

_KEYWORD = {"type": "keyword", "ignore_above": 1024}
_TEXT_AND_KEYWORD = {
    "type": "text",
    "fields": {"keyword": {"type": "keyword", "ignore_above": 1024}},
}
_STORED_ONLY = {"type": "object", "enabled": False}
_ANALYZER = "ecomms_text"
ANALYSIS = {
    "tokenizer": {"ecomms_words": {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"}},
    "analyzer": {
        _ANALYZER: {
            "type": "custom",
            "tokenizer": "ecomms_words",
            "filter": ["lowercase", "asciifolding"],
        }
    },
}
#: The fields full-text search reads, analysed with ``ecomms_text``.
ANALYSED: dict[str, dict[str, Any]] = {
    "title": {"type": "text", "analyzer": _ANALYZER, "fields": _TEXT_AND_KEYWORD["fields"]},
    "text": {"type": "text", "analyzer": _ANALYZER},
    CONTENT_FIELD: {"type": "text", "analyzer": _ANALYZER},
}

# Field paths whose mapping is chosen rather than derived from the Python type.
_OVERRIDES: dict[str, dict[str, Any]] = {
    **ANALYSED,
    "participants.name": _TEXT_AND_KEYWORD,
    "artifacts.name": _TEXT_AND_KEYWORD,
    "threads": _STORED_ONLY,
    "segments": _STORED_ONLY,
    "entries": _STORED_ONLY,
    "risk.hits.matched": _TEXT_AND_KEYWORD,
    "risk.hits.description": {"type": "text"},
}

_ATTRIBUTE_TYPES: dict[str, dict[str, Any]] = {
    "keyword": _KEYWORD,
    "text": _TEXT_AND_KEYWORD,
    "integer": {"type": "long"},
    "boolean": {"type": "boolean"},
    "date": {"type": "date", "format": DATE_FORMAT},
    "keyword_list": _KEYWORD,
}


def attribute_field(spec: AttributeSpec) -> dict[str, Any]:
    """The mapping of one attribute, by its declared type."""
    return dict(_ATTRIBUTE_TYPES[spec.type])


def _leaf(info: inspect.Type) -> dict[str, Any]:
    if isinstance(info, inspect.UnionType):
        real = [t for t in info.types if not isinstance(t, inspect.NoneType)]
        return _leaf(real[0]) if len(real) == 1 else dict(_KEYWORD)
    if isinstance(info, inspect.BoolType):
        return {"type": "boolean"}
    if isinstance(info, inspect.IntType):
        return {"type": "long"}
    if isinstance(info, inspect.FloatType):
        return {"type": "double"}
    if isinstance(info, inspect.DateTimeType):
        return {"type": "date", "format": DATE_FORMAT}
    return dict(_KEYWORD)


def _field(info: inspect.Type, path: str) -> dict[str, Any]:
    if path in _OVERRIDES:
        return dict(_OVERRIDES[path])
    if isinstance(info, inspect.UnionType):
        real = [t for t in info.types if not isinstance(t, inspect.NoneType)]
        if len(real) == 1:
            return _field(real[0], path)
    if isinstance(info, inspect.ListType | inspect.SetType | inspect.FrozenSetType):
        return _field(info.item_type, path)
    if isinstance(info, inspect.StructType):
        return {"properties": _struct_properties(info, path + ".")}
    return _leaf(info)


def _struct_properties(info: inspect.StructType, prefix: str = "") -> dict[str, Any]:
    return {f.encode_name: _field(f.type, prefix + f.encode_name) for f in info.fields}


def mappings(attributes: Sequence[AttributeSpec]) -> dict[str, Any]:
    """The index mappings: every record field of every kind, typed attributes, strict."""
    properties: dict[str, Any] = {"kind": dict(_KEYWORD), CONTENT_FIELD: ANALYSED[CONTENT_FIELD]}
    for cls in (Record, *RECORD_KINDS.values()):
        info = inspect.type_info(cls)
        assert isinstance(info, inspect.StructType)
        properties.update(_struct_properties(info))
    properties["attributes"] = {
        "dynamic": "strict",
        "properties": {spec.name: attribute_field(spec) for spec in attributes},
    }
    return {
        "dynamic": "strict",
        "_meta": {"ecomms_template_version": TEMPLATE_VERSION},
        "properties": properties,
    }


def build_template(
    index: str, attributes: Sequence[AttributeSpec], shards: int = 1, replicas: int = 0
) -> dict[str, Any]:
    """The composable index template body for indices named ``index*``."""
    return {
        "index_patterns": [f"{index}*"],
        "priority": 200,
        "version": TEMPLATE_VERSION,
        "_meta": {"managed_by": "ecomms", "description": "ecomms records"},
        "template": {
            "settings": {
                "index": {
                    "number_of_shards": shards,
                    "number_of_replicas": replicas,
                    "translog": {"durability": "request"},
                },
                "analysis": ANALYSIS,
            },
            "mappings": mappings(attributes),
        },
    }
