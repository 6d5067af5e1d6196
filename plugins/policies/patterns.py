"""Pattern rules and built-in detectors: regular expressions run only where they can match.

Every pattern that begins with literal words (its anchors, see
:mod:`plugins.policies.anchors`) and every detector that needs a keyword runs only on texts
that contain one of its anchors, found for all of them at once by one Aho-Corasick pass;
patterns without anchors run on every text. Detectors of numbers run only on texts with a
digit. Each detector in use runs once per text whatever the number of rules that name it.
Matches of different rules may overlap.
"""

from __future__ import annotations

import re
from itertools import chain
from operator import itemgetter

import ahocorasick

from plugins.policies.anchors import anchors_of
from plugins.policies.config import RuleConfig
from plugins.policies.detectors import DETECTORS, Detector

__all__ = ["PatternMatcher"]

Found = tuple[int, int, int]  # rule index, start offset, end offset
Target = int | str  # a pattern rule's index, or a detector's name
_DIGIT = re.compile(r"\d")


class PatternMatcher:
    """Finds the hits of pattern and builtin rules, as (rule index, start, end) offsets."""

    def __init__(self, rules: list[tuple[int, RuleConfig]]) -> None:
        self._regexes: dict[int, re.Pattern[str]] = {}
        self._detectors: dict[str, list[int]] = {}
        self._always: set[Target] = set()
        triggers: dict[str, list[Target]] = {}
        for index, rule in rules:
            if rule.kind == "pattern":
                self._regexes[index] = re.compile(rule.pattern, re.I if rule.ignore_case else 0)
                anchors = anchors_of(rule.pattern, rule.ignore_case)
                target: Target = index
            else:
                self._detectors.setdefault(rule.detector, []).append(index)
                anchors = DETECTORS[rule.detector].anchors or None
                target = rule.detector
            if anchors is None:
                self._always.add(target)
            for anchor in anchors or ():
                triggers.setdefault(anchor, []).append(target)
        self._automaton: ahocorasick.Automaton | None = None
        if triggers:
            self._automaton = ahocorasick.Automaton()
            for anchor, targets in triggers.items():
                self._automaton.add_word(anchor, targets)
            self._automaton.make_automaton()

    def scan(self, text: str) -> list[Found]:
        """Every hit in ``text``."""
        found: list[Found] = []
        has_digit = _DIGIT.search(text) is not None
        for target in self._to_run(text):
            if isinstance(target, int):
                spans = [m.span() for m in self._regexes[target].finditer(text)]
                found.extend((target, s, e) for s, e in spans if e > s)
                continue
            detector = DETECTORS[target]
            if has_digit or not detector.needs_digit:
                spans = _detect(detector, text)
                found.extend((i, s, e) for s, e in spans for i in self._detectors[target])
        return found

    def _to_run(self, text: str) -> set[Target]:
        """Patterns and detectors that may match: those whose anchor occurs, and the rest."""
        if self._automaton is None:
            return self._always
        if not text.isascii():  # case folding beyond ASCII is the regex engine's to judge
            return self._always.union(self._regexes, self._detectors)
        found = self._automaton.iter(text.lower())
        return set(chain.from_iterable(map(itemgetter(1), found))).union(self._always)


def _detect(detector: Detector, text: str) -> list[tuple[int, int]]:
    if not detector.gate.search(text):
        return []
    spans = []
    for m in detector.regex.finditer(text):
        value = detector.valid(m.group("v"))
        if value is not None:
            spans.append((m.start("v"), m.start("v") + len(value)))
    return spans
