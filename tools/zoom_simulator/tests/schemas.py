"""Zoom's published schemas (``zoom_schemas/``), loaded with the documented exceptions applied.

Each exception is a named patch for one known defect of Zoom's own spec, listed in
``zoom_schemas/README.md``; nothing else is relaxed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema

__all__ = ["UNDOCUMENTED_TYPES", "errors", "load", "schema"]

DIR = Path(__file__).with_name("zoom_schemas")

# file_type -> recording_type of the types current enums lack (the ``enum_drift`` exception).
UNDOCUMENTED_TYPES = {
    "TRANSCRIPT": "audio_transcript",
    "SUBGROUP_ACTIVITY": "subgroup_activity",
    "CSV": "poll_results",
}


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    """Every object of a schema, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _answers_min_items(schema: dict[str, Any]) -> None:
    for node in _nodes(schema):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name in ("answers", "right_answers", "prompts"):
                if isinstance(properties.get(name), dict):
                    properties[name].pop("minItems", None)


def _complete_time_object(schema: dict[str, Any]) -> None:
    schema["properties"]["complete_time"]["anyOf"][0].pop("type")


def _msg_content_pattern(schema: dict[str, Any]) -> None:
    message = schema["properties"]["messages"]["items"]
    message["properties"]["msg_content"].pop("pattern")


def _meeting_objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
    if "meetings" in schema.get("properties", {}):
        return [schema["properties"]["meetings"]["items"]]
    return [schema]


def _external_strips_ids(schema: dict[str, Any]) -> None:
    stripped = ["id", "host_id", "topic"]
    for meeting in _meeting_objects(schema):
        meeting["required"] = [k for k in meeting["required"] if k not in stripped]
        internal = {"properties": {"meeting_type": {"const": "internal"}}}
        meeting.setdefault("allOf", []).append({"if": internal, "then": {"required": stripped}})


def _enum_drift(schema: dict[str, Any]) -> None:
    for meeting in _meeting_objects(schema):
        item = meeting["properties"]["archive_files"]["items"]
        documented = item["properties"]["file_type"].pop("enum")
        item["properties"]["recording_type"].pop("enum")
        either = {"enum": documented + list(UNDOCUMENTED_TYPES)}
        item["properties"]["file_type"].update(either)
        pairs = [
            {
                "if": {"properties": {"file_type": {"const": file_type}}},
                "then": {"properties": {"recording_type": {"const": recording_type}}},
            }
            for file_type, recording_type in UNDOCUMENTED_TYPES.items()
        ]
        item.setdefault("allOf", []).extend(pairs)


EXCEPTIONS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], None]]] = {
    "answers_min_items": (
        ("meeting_polls", "webinar_polls", "meeting_survey", "webinar_survey"),
        _answers_min_items,
    ),
    "complete_time_object": (("archive_files_meeting",), _complete_time_object),
    "msg_content_pattern": (("archived_chat",), _msg_content_pattern),
    "external_strips_ids": (("archive_files_list", "archive_files_meeting"), _external_strips_ids),
}
OPTIONAL = {"enum_drift": (("archive_files_list", "archive_files_meeting"), _enum_drift)}


def load(name: str, enum_drift: bool = False) -> dict[str, Any]:
    """The schema ``zoom_schemas/NAME.json`` with the exceptions that concern it applied.

    ``enum_drift`` also applies that exception (for accounts told to serve undocumented types).
    """
    patched = json.loads((DIR / f"{name}.json").read_text(encoding="utf-8"))
    chosen = dict(EXCEPTIONS, **(OPTIONAL if enum_drift else {}))
    for names, patch in chosen.values():
        if name in names:
            patch(patched)
    return patched


def schema(name: str, enum_drift: bool = False) -> jsonschema.protocols.Validator:
    """A validator of the patched schema (Draft 7 unless the file declares its draft)."""
    patched = load(name, enum_drift)
    cls = jsonschema.validators.validator_for(patched, default=jsonschema.Draft7Validator)
    cls.check_schema(patched)
    return cls(patched)


def errors(name: str, instance: Any, enum_drift: bool = False) -> list[str]:
    """Every violation of ``instance`` against schema ``name``, as ``path: message`` lines."""
    found = schema(name, enum_drift).iter_errors(instance)
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '.'}: {e.message}" for e in found)
