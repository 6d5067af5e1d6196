"""The default pack on the labelled evaluation sets: quality must not regress.

``bench/policies.py`` prints the same figures per category; this test keeps the overall
precision and recall at or above the targets.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from plugins.policies.config import PolicyConfig, load_rules
from plugins.policies.rules import validate_rules
from plugins.policies.scanner import Scanner

CATEGORIES = {"promissory", "off_channel", "credentials", "insider", "complaint", "pii"}


EVAL_DIR = Path(__file__).parent / "eval"


def load(name: str) -> list[dict]:
    path = EVAL_DIR / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def precision_recall(rows: list[dict]) -> tuple[float, float]:
    scanner = Scanner(validate_rules(load_rules(PolicyConfig()), []))
    counts = Counter()
    for row in rows:
        gold = set(row["categories"])
        predicted = {m.rule.category for m in scanner.scan(row["text"])}
        counts["tp"] += len(gold & predicted)
        counts["fp"] += len(predicted - gold)
        counts["fn"] += len(gold - predicted)
    return counts["tp"] / (counts["tp"] + counts["fp"]), counts["tp"] / (
        counts["tp"] + counts["fn"]
    )


def test_evaluation_set_is_large_and_balanced():
    rows = load("labelled")
    assert len(rows) >= 200
    per_category = Counter(c for row in rows for c in row["categories"])
    assert set(per_category) == CATEGORIES
    assert min(per_category.values()) >= 20
    assert sum(1 for row in rows if row.get("near_miss")) >= 50
    assert len({row["text"] for row in rows}) == len(rows)


@pytest.mark.parametrize(
    ("name", "min_precision", "min_recall"),
    [
        ("labelled", 0.9, 0.9),
        ("heldout", 0.9, 0.85),  # written after the pack was tuned: a more honest figure
    ],
)
def test_default_pack_meets_quality_targets(name, min_precision, min_recall):
    precision, recall = precision_recall(load(name))
    assert precision >= min_precision
    assert recall >= min_recall
