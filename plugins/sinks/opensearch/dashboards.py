"""The Dashboards saved objects and ISM policy shipped with the sink, and their import.

``dashboards/ecomms.ndjson`` holds an index pattern (``ecomms-records*``, time field
``occurred_at``), saved searches, visualizations and one dashboard. ``import_saved_objects``
posts them to an OpenSearch Dashboards URL (``/api/saved_objects/_import``), optionally
pointing the index pattern at another index name first.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import httpx

from core.errors import AuthError, ConfigError, SinkUnavailable

__all__ = ["DEFAULT_PATTERN", "import_saved_objects", "ism_policy", "saved_objects"]

DEFAULT_PATTERN = "ecomms-records*"
_PACKAGE = "plugins.sinks.opensearch"


def _read(name: str) -> str:
    return resources.files(_PACKAGE).joinpath("dashboards", name).read_text(encoding="utf-8")


def saved_objects(index_pattern: str = DEFAULT_PATTERN) -> list[dict[str, Any]]:
    """The saved objects, with the index pattern's title set to ``index_pattern``."""
    objects = [json.loads(line) for line in _read("ecomms.ndjson").splitlines() if line.strip()]
    for obj in objects:
        if obj["type"] == "index-pattern":
            obj["attributes"]["title"] = index_pattern
    return objects


def ism_policy() -> dict[str, Any]:
    """The ISM retention policy (``PUT _plugins/_ism/policies/<id>`` body)."""
    return json.loads(_read("ism_policy.json"))


def _ndjson(objects: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(o, separators=(",", ":")) + "\n" for o in objects).encode()


def import_saved_objects(
    url: str,
    index_pattern: str = DEFAULT_PATTERN,
    auth: tuple[str, str] | None = None,
    verify: bool | str = True,
    transport: httpx.BaseTransport | None = None,
) -> int:
    """Import the saved objects into Dashboards at ``url``; return how many it imported."""
    endpoint = url.rstrip("/") + "/api/saved_objects/_import"
    files = {"file": ("ecomms.ndjson", _ndjson(saved_objects(index_pattern)), "application/ndjson")}
    try:
        with httpx.Client(auth=auth, verify=verify, timeout=60, transport=transport) as client:
            response = client.post(
                endpoint, params={"overwrite": "true"}, files=files, headers={"osd-xsrf": "true"}
            )
    except httpx.TransportError as error:
        raise SinkUnavailable(
            "OpenSearch Dashboards cannot be reached; check --url",
            url=url,
            cause=type(error).__name__,
        ) from None
    if response.status_code in (401, 403):
        raise AuthError(
            "OpenSearch Dashboards refused the credentials", url=url, status=response.status_code
        )
    if response.status_code != 200:
        raise ConfigError(
            f"OpenSearch Dashboards answered {response.status_code}: {response.text[:300]}", url=url
        )
    body = response.json()
    if not body.get("success", False):
        errors = "; ".join(
            f"{e.get('type')}/{e.get('id')}: {e.get('error', {}).get('type')}"
            for e in body.get("errors", [])
        )
        raise ConfigError(f"some saved objects were not imported: {errors}", url=url)
    return int(body.get("successCount", 0))
