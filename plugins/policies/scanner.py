"""The scanner: all enabled rules applied to one text, with passes that do not multiply
with the number of rules: one Aho-Corasick pass for every lexicon phrase, one for the
anchors of every pattern (only patterns whose anchor occurs then run), and one pass per
built-in detector in use (see :mod:`.lexicon` and :mod:`.patterns`)."""

from __future__ import annotations

from dataclasses import dataclass

from plugins.policies.config import RuleConfig
from plugins.policies.lexicon import LexiconMatcher
from plugins.policies.patterns import PatternMatcher
from plugins.policies.tokens import words_of

__all__ = ["Match", "Scanner"]

Found = tuple[int, int, int]  # rule index, start offset, end offset


@dataclass(frozen=True)
class Match:
    """One hit of one rule in one text: the rule and the matched span of the original text."""

    rule: RuleConfig
    start: int
    end: int
    matched: str


class Scanner:
    """Applies a fixed list of validated rules to texts; never raises on any text."""

    def __init__(self, rules: list[RuleConfig]) -> None:
        self.rules = list(rules)
        indexed = list(enumerate(self.rules))
        self._lexicon = LexiconMatcher([(i, r) for i, r in indexed if r.kind == "lexicon"])
        self._patterns = PatternMatcher([(i, r) for i, r in indexed if r.kind != "lexicon"])
        self._has_lexicon = any(r.kind == "lexicon" for r in self.rules)

    def scan(self, text: str) -> list[Match]:
        """The hits in ``text``, in text order; a hit inside another hit of its rule is dropped."""
        if not text or not self.rules:
            return []
        found = list(self._patterns.scan(text))
        if self._has_lexicon:
            words = words_of(text)
            for index, first, last in self._lexicon.scan(words):
                start, end = words.span(first, last)
                found.append((index, start, end))
        return _outermost(found, text, self.rules) if found else []


def _outermost(found: list[Found], text: str, rules: list[RuleConfig]) -> list[Match]:
    found.sort(key=lambda f: (f[0], f[1], -f[2]))
    kept: list[Found] = []
    for index, start, end in found:
        if kept and kept[-1][0] == index and kept[-1][1] <= start and end <= kept[-1][2]:
            continue
        kept.append((index, start, end))
    kept.sort(key=lambda f: (f[1], f[0]))
    return [Match(rules[i], s, e, text[s:e]) for i, s, e in kept]
