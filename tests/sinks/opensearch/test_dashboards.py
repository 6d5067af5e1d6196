"""The shipped Dashboards objects: structure, references, and every aggregation run for real.

Dashboards itself cannot run here; each visualization's aggregation and each saved search's
query is executed as a real ``_search`` on the node, over an index built from the Zoom
plugin's declared attributes.
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any

import msgspec
import pytest

from core.components import declared_attributes
from core.plugins import build_host
from core.testing.samples import sample_records
from plugins.sinks.opensearch.dashboards import saved_objects
from plugins.sinks.opensearch.mapping import build_template

OBJECTS = saved_objects()
BY_ID = {(o["type"], o["id"]): o for o in OBJECTS}
VISUALIZATIONS = [o for o in OBJECTS if o["type"] == "visualization"]
SEARCHES = [o for o in OBJECTS if o["type"] == "search"]


def _zoom_attributes():
    host = build_host({})
    return declared_attributes([*host.sources().values(), *host.transformers().values()])


def _embedded(obj: dict[str, Any]) -> dict[str, Any]:
    attrs = obj["attributes"]
    out = {"searchSourceJSON": json.loads(attrs["kibanaSavedObjectMeta"]["searchSourceJSON"])}
    for key in ("visState", "uiStateJSON", "panelsJSON", "optionsJSON"):
        if key in attrs:
            out[key] = json.loads(attrs[key])
    return out


def _field_type(mapping: dict[str, Any], path: str) -> dict[str, Any] | None:
    node: dict[str, Any] = {"properties": mapping["properties"]}
    for part in path.split("."):
        node = node.get("properties", {}).get(part) or node.get("fields", {}).get(part)
        if node is None:
            return None
    return node


def test_every_line_is_a_unique_object_with_parseable_embedded_json() -> None:
    assert len(BY_ID) == len(OBJECTS)
    assert {o["type"] for o in OBJECTS} == {"index-pattern", "search", "visualization", "dashboard"}
    for obj in OBJECTS:
        assert set(obj) >= {"id", "type", "attributes", "references", "migrationVersion"}
        _embedded(obj) if obj["type"] != "index-pattern" else None


def test_every_reference_resolves_and_every_ref_name_is_declared() -> None:
    for obj in OBJECTS:
        names = {r["name"] for r in obj["references"]}
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in BY_ID, (obj["id"], ref)
        if obj["type"] == "index-pattern":
            continue
        embedded = _embedded(obj)
        index_ref = embedded["searchSourceJSON"].get("indexRefName")
        assert index_ref is None or index_ref in names
        for panel in embedded.get("panelsJSON", []):
            assert panel["panelRefName"] in names


def test_dashboard_panels_are_unique_and_fit_the_grid() -> None:
    (dashboard,) = [o for o in OBJECTS if o["type"] == "dashboard"]
    panels = _embedded(dashboard)["panelsJSON"]
    assert len({p["panelIndex"] for p in panels}) == len(panels)
    assert len({p["gridData"]["i"] for p in panels}) == len(panels)
    assert all(p["gridData"]["x"] + p["gridData"]["w"] <= 48 for p in panels)
    assert len(panels) == len(VISUALIZATIONS) + 1


def test_saved_searches_cover_what_reviewers_ask_for() -> None:
    titles = {s["attributes"]["title"] for s in SEARCHES}
    assert {"All records", "Chat conversations", "External meetings"} <= titles
    assert any("risk" in t.lower() for t in titles)


def test_index_pattern_matches_the_template_and_has_a_date_time_field() -> None:
    (pattern,) = [o for o in OBJECTS if o["type"] == "index-pattern"]
    template = build_template("ecomms-records", _zoom_attributes())
    assert pattern["attributes"]["title"] in template["index_patterns"]
    mapping = template["template"]["mappings"]
    assert _field_type(mapping, pattern["attributes"]["timeFieldName"])["type"] == "date"
    assert fnmatch.fnmatch("ecomms-records-000001", pattern["attributes"]["title"])


# --- against the real node ------------------------------------------------------------


def _zoom_like_records() -> list:
    records = []
    for n, (kind_type, host) in enumerate([("external", "host-a"), ("internal", "host-b")]):
        for record in sample_records():
            attrs = {"MeetingMeetingType": kind_type, "MeetingHostId": host, "MeetingId": f"9{n}"}
            records.append(
                msgspec.structs.replace(record, id=f"{record.id[:30]}{n:02d}", attributes=attrs)
            )
    return records


@pytest.fixture(scope="module")
def zoom_index(opensearch_url: str, tmp_path_factory):
    """An index built from the Zoom attributes, holding two meetings' records."""
    from opensearchpy import OpenSearch

    from core.protocols import Context
    from plugins.sinks.opensearch.sink import OpenSearchSink

    tmp = tmp_path_factory.mktemp("dash")
    config = OpenSearchSink.Config(
        hosts=[opensearch_url], index="ecomms-dash-records", refresh="wait_for"
    )
    sink = OpenSearchSink(
        config,
        Context(name="opensearch", state_dir=tmp, spool_dir=tmp, attributes=_zoom_attributes()),
    )
    sink.write(_zoom_like_records(), {})
    client = OpenSearch(hosts=[opensearch_url])
    yield client, config.index
    client.indices.delete(index=config.index)
    client.indices.delete_index_template(name=config.template_name)
    client.close()
    sink.close()


def _os_agg(agg: dict[str, Any]) -> dict[str, Any]:
    params = agg["params"]
    if agg["type"] == "terms":
        body = {"field": params["field"], "size": params["size"]}
        if params.get("missingBucket"):
            body["missing"] = params.get("missingBucketLabel", "missing")
        return {"terms": body}
    if agg["type"] == "date_histogram":
        return {"date_histogram": {"field": params["field"], "calendar_interval": "1d"}}
    if agg["type"] == "histogram":
        bounds = params.get("extended_bounds") or {}
        body = {"field": params["field"], "interval": params["interval"]}
        return {"histogram": {**body, "extended_bounds": bounds} if bounds else body}
    raise AssertionError(f"unsupported aggregation {agg['type']}")


@pytest.mark.opensearch
@pytest.mark.parametrize("vis", VISUALIZATIONS, ids=lambda v: v["id"])
def test_visualization_aggregations_run_on_aggregatable_fields(vis, zoom_index) -> None:
    client, index = zoom_index
    buckets = [a for a in _embedded(vis)["visState"]["aggs"] if a["schema"] != "metric"]
    assert buckets
    fields = [a["params"]["field"] for a in buckets]
    caps = client.field_caps(index=index, fields=",".join(fields))["fields"]
    for field in fields:
        assert field in caps, f"{field} is not in the mapping"
        assert all(c["aggregatable"] for c in caps[field].values()), f"{field} not aggregatable"
    aggs: dict[str, Any] = {}
    level = aggs
    for agg in buckets:
        level[agg["id"]] = _os_agg(agg)
        level = level[agg["id"]].setdefault("aggs", {})
    response = client.search(index=index, body={"size": 0, "aggs": aggs})
    top = response["aggregations"][buckets[0]["id"]]["buckets"]
    having = {"query": {"exists": {"field": fields[0]}}}
    expected = client.count(index=index, body=having)["count"]
    assert expected > 0
    missing = sum(
        b["doc_count"] for b in top if b["key"] == buckets[0]["params"].get("missingBucketLabel")
    )
    assert sum(b["doc_count"] for b in top) - missing == expected


def _kuery_to_dsl(query: str) -> dict[str, Any]:
    if not query:
        return {"match_all": {}}
    if match := re.fullmatch(r"([\w.]+)\s*>=\s*(\d+)", query):
        return {"range": {match[1]: {"gte": int(match[2])}}}
    if match := re.fullmatch(r"([\w.]+):(\S+)", query):
        return {"term": {match[1]: match[2]}}
    raise AssertionError(f"saved search query not understood by this test: {query}")


@pytest.mark.opensearch
@pytest.mark.parametrize(
    ("search_id", "expected"),
    [
        ("ecomms-all-records", 18),
        ("ecomms-chat-conversations", 2),
        ("ecomms-external-meetings", 9),
        ("ecomms-high-risk", 2),
    ],
)
def test_saved_search_queries_select_the_right_records(search_id, expected, zoom_index) -> None:
    client, index = zoom_index
    saved = BY_ID[("search", search_id)]
    source = _embedded(saved)["searchSourceJSON"]
    dsl = _kuery_to_dsl(source["query"]["query"])
    assert client.count(index=index, body={"query": dsl})["count"] == expected
    caps = client.field_caps(index=index, fields=",".join(saved["attributes"]["columns"]))
    assert set(saved["attributes"]["columns"]) <= set(caps["fields"])
