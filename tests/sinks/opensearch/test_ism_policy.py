"""The shipped ISM retention policy: structure (ISM is not on the embedded node)."""

from __future__ import annotations

import fnmatch
import re

from plugins.sinks.opensearch.dashboards import ism_policy
from plugins.sinks.opensearch.mapping import build_template

DURATION = re.compile(r"^\d+(ms|s|m|h|d)$")


def _conditions(policy: dict) -> list[tuple[str, str]]:
    return [
        (k, v)
        for s in policy["states"]
        for t in s["transitions"]
        for k, v in t.get("conditions", {}).items()
    ]


def test_states_and_transitions_are_consistent() -> None:
    policy = ism_policy()["policy"]
    names = [s["name"] for s in policy["states"]]
    assert len(names) == len(set(names))
    assert policy["default_state"] in names
    for state in policy["states"]:
        assert state["actions"], state["name"]
        for transition in state["transitions"]:
            assert transition["state_name"] in names


def test_durations_parse_and_deletion_waits_at_least_six_years() -> None:
    policy = ism_policy()["policy"]
    for key, value in _conditions(policy):
        if key.endswith("_age"):
            assert DURATION.match(value), value
    deleting = [s["name"] for s in policy["states"] if any("delete" in a for a in s["actions"])]
    ages = [int(v[:-1]) for k, v in _conditions(policy) if k == "min_index_age" and v.endswith("d")]
    assert deleting and max(ages) >= 6 * 365


def test_policy_targets_rollover_indices_of_the_template() -> None:
    policy = ism_policy()["policy"]
    template = build_template("ecomms-records", [])
    for entry in policy["ism_template"]:
        for pattern in entry["index_patterns"]:
            example = pattern.replace("*", "000001")
            assert any(fnmatch.fnmatch(example, p) for p in template["index_patterns"])
    settings = template["template"]["settings"]["index"]
    assert not any("index_state_management" in key or "opendistro" in key for key in settings)
