"""The risk score: 0 to 100 from the weights of the distinct rules hit.

``score = ceil(100 × (1 − Π (1 − wᵢ)))`` over the distinct rules hit, ``wᵢ`` in (0, 1].
Read each weight as the chance that one hit of the rule marks a real issue; the score is
the chance that at least one does. It is 0 without hits, at least 1 with any hit, never
above 100, never lower when a hit is added, and a rule hit many times counts once (the
hits still list every place).
"""

from __future__ import annotations

import math

from core.records import Hit, Risk

__all__ = ["build_risk", "risk_score"]


def risk_score(weights: dict[str, float]) -> int:
    """Score of a set of distinct rules hit, given as rule id → weight."""
    remaining = 1.0
    for weight in weights.values():
        remaining *= 1.0 - min(max(weight, 0.0), 1.0)
    return min(100, math.ceil(round(100.0 * (1.0 - remaining), 6)))


def build_risk(hits: list[Hit], max_hits: int) -> Risk:
    """A record's risk from all its hits; only the first ``max_hits`` hits are kept."""
    unique: list[Hit] = []
    seen: set[tuple[str, str, str]] = set()
    for hit in hits:
        key = (hit.rule, hit.where, hit.matched)
        if key not in seen:
            seen.add(key)
            unique.append(hit)
    weights = {hit.rule: hit.weight for hit in unique}
    return Risk(
        score=risk_score(weights),
        categories=sorted({hit.category for hit in unique}),
        hits=unique[: max(max_hits, 0)],
    )
