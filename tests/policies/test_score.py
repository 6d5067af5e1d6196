"""The risk score: bounded, monotonic, one count per rule, explained by its hits."""

from __future__ import annotations

import random

from core.records import Hit
from plugins.policies.score import build_risk, risk_score


def hit(rule: str, weight: float, where: str = "text", matched: str = "x", category: str = "c"):
    return Hit(rule=rule, category=category, weight=weight, matched=matched, where=where)


def test_no_hit_scores_zero_and_any_hit_scores_at_least_one():
    assert risk_score({}) == 0
    assert risk_score({"tiny": 0.001}) == 1


def test_documented_values():
    assert risk_score({"a": 0.5}) == 50
    assert risk_score({"a": 0.3}) == 30
    assert risk_score({"a": 0.5, "b": 0.5}) == 75
    assert risk_score({"a": 0.8, "b": 0.6, "c": 0.7}) == 98
    assert risk_score({"a": 1.0, "b": 0.1}) == 100


def test_score_is_bounded_and_never_drops_when_a_rule_is_added():
    rng = random.Random(5)
    for _ in range(300):
        weights = {
            f"r{i}": rng.choice([0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0])
            for i in range(rng.randint(0, 12))
        }
        before = risk_score(weights)
        assert 0 <= before <= 100
        after = risk_score({**weights, "extra": rng.uniform(0.001, 1.0)})
        assert before <= after <= 100


def test_a_rule_hit_many_times_counts_once_but_every_place_is_listed():
    hits = [hit("a", 0.5, where=f"thread=t1 message=m{i}") for i in range(5)]
    risk = build_risk(hits, max_hits=100)
    assert risk.score == 50
    assert [h.where for h in risk.hits] == [f"thread=t1 message=m{i}" for i in range(5)]


def test_identical_hits_are_merged_and_categories_listed_once():
    hits = [
        hit("a", 0.5, category="pii"),
        hit("a", 0.5, category="pii"),
        hit("b", 0.2, category="insider"),
    ]
    risk = build_risk(hits, max_hits=100)
    assert len(risk.hits) == 2
    assert risk.categories == ["insider", "pii"]


def test_max_hits_bounds_the_list_not_the_score():
    hits = [hit(f"r{i}", 0.2, where=f"segment {i}") for i in range(30)]
    risk = build_risk(hits, max_hits=3)
    assert len(risk.hits) == 3
    assert risk.score == risk_score({f"r{i}": 0.2 for i in range(30)})
