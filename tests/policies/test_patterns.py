"""Pattern rules: case handling, overlaps, and the anchor prefilter never loses a match."""

from __future__ import annotations

import random
import re

import pytest

from plugins.policies.anchors import anchors_of
from plugins.policies.scanner import Scanner


def found(rules, text):
    return [(m.rule.id, m.matched) for m in Scanner(rules).scan(text)]


def test_pattern_is_case_insensitive_unless_told(rule):
    rules = [
        rule("ci", "pattern", pattern=r"\bacct\s*#\d{4}"),
        rule("cs", "pattern", pattern=r"\bACCT\s*#\d{4}", ignore_case=False),
    ]
    assert found(rules, "acct #1234") == [("ci", "acct #1234")]
    assert found(rules, "ACCT #1234") == [("ci", "ACCT #1234"), ("cs", "ACCT #1234")]


def test_overlapping_matches_of_different_rules_are_all_reported(rule):
    rules = [
        rule("pw", "pattern", pattern=r"password\s*is\s*\S+"),
        rule("word", "pattern", pattern=r"is\s+hunter\d"),
    ]
    assert found(rules, "the password is hunter2") == [
        ("pw", "password is hunter2"),
        ("word", "is hunter2"),
    ]


def test_backreferences_and_named_groups_work(rule):
    rules = [
        rule("dup", "pattern", pattern=r"\b(\w+) \1\b"),
        rule("n", "pattern", pattern=r"(?P<x>zz)top"),
    ]
    assert found(rules, "buy buy now, zztop") == [("dup", "buy buy"), ("n", "zztop")]


@pytest.mark.parametrize(
    ("pattern", "anchors"),
    [
        (r"\b(?:text|hit\s+me)\s+me", {"text", "hit"}),
        (r"(?i)Password\s*:", {"password"}),
        (r"foo(bar)?", {"foo"}),
        (r"\d{4}", None),
        (r"x*yz", None),
        (r"a|bcd", None),
        (r"[ab]cd", None),
    ],
)
def test_anchors_are_required_literal_prefixes(pattern, anchors):
    result = anchors_of(pattern, True)
    assert (set(result) if result else None) == anchors


def test_prefilter_never_loses_a_match(rule):
    """Scanning with anchors gives what running every regex on every text gives."""
    patterns = [
        r"\b(?:move|take)\s+(?:this\s+)?to\s+(?:whatsapp|signal)\b",
        r"password\s*[:=]\s*\S+",
        r"(?:pin|code)\s+is\s+\d{4}",
        r"\bref-\d+",
        r"[A-Z]{3}-\d{3}",
    ]
    rules = [rule(f"p{i}", "pattern", pattern=p) for i, p in enumerate(patterns)]
    scanner = Scanner(rules)
    words = [
        "move",
        "this",
        "to",
        "WhatsApp",
        "Signal",
        "password:",
        "pwd",
        "PIN",
        "code",
        "is",
        "1234",
        "REF-77",
        "abc-123",
        "ſecret",
        "K",
        "ü",
        "take",
        "=",
        "x",
    ]
    rng = random.Random(11)
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        expected = sorted(
            (f"p{i}", m.group())
            for i, p in enumerate(patterns)
            for m in re.finditer(p, text, re.IGNORECASE)
        )
        assert sorted((m.rule.id, m.matched) for m in scanner.scan(text)) == expected, text
