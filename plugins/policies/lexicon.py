"""Lexicon rules: every phrase of every rule matched in one Aho-Corasick pass over the words.

The phrases of all rules are in one automaton over the folded text (see
:mod:`plugins.policies.tokens`), so one pass finds every candidate whatever the number of
rules. ``near`` and ``exclude`` terms are then looked up only in the few words around each
candidate, through a per-rule index of the terms by their first word.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

import ahocorasick

from plugins.policies.config import RuleConfig
from plugins.policies.tokens import Words, fold_phrase

__all__ = ["LexiconMatcher"]

Span = tuple[int, int]  # first and last word index, inclusive
_SHORT = 2048  # in shorter texts, counting spaces finds a word's index faster than bisecting


class _Terms:
    """Terms of one rule (``near`` or ``exclude``), indexed by their first word."""

    __slots__ = ("by_first", "longest", "within")

    def __init__(self, terms: list[str], within: int) -> None:
        self.within = within
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for term in terms:
            words = tuple(fold_phrase(term).split(" "))
            self.by_first.setdefault(words[0], []).append(words)
        self.longest = max((len(w) for ws in self.by_first.values() for w in ws), default=1)

    def nearest(self, folded: list[str], span: Span) -> Span | None:
        """The closest term at most ``within`` words from ``span`` (overlap counts as 0)."""
        first, last = span
        best: tuple[int, Span] | None = None
        low = max(0, first - self.within - self.longest)
        for k in range(low, min(len(folded), last + self.within + 2)):
            for term in self.by_first.get(folded[k], ()):
                end = k + len(term) - 1
                if len(term) > 1 and tuple(folded[k : end + 1]) != term:
                    continue
                gap = k - last - 1 if k > last else first - end - 1 if end < first else 0
                if gap <= self.within and (best is None or gap < best[0]):
                    best = (gap, (k, end))
        return None if best is None else best[1]


class LexiconMatcher:
    """Finds the lexicon rules' hits in a text, as (rule index, first word, last word)."""

    def __init__(self, rules: list[tuple[int, RuleConfig]]) -> None:
        phrases: dict[str, list[int]] = {}
        for index, rule in rules:
            for phrase in rule.phrases:
                phrases.setdefault(fold_phrase(phrase), []).append(index)
        self._near = {i: _Terms(r.near.terms, r.near.within) for i, r in rules if r.near}
        self._exclude = {i: _Terms(r.exclude, r.exclude_within) for i, r in rules if r.exclude}
        self._automaton: ahocorasick.Automaton | None = None
        if phrases:
            self._automaton = ahocorasick.Automaton()
            for key, indexes in phrases.items():
                self._automaton.add_word(key, (key, indexes))
            self._automaton.make_automaton()

    def scan(self, words: Words) -> list[tuple[int, int, int]]:
        """Every hit in ``words``: (rule index, first word, last word)."""
        if self._automaton is None or not words.norm:
            return []
        hits = []
        for indexes, span in _find(self._automaton, words):
            for index in indexes:
                accepted = self._accept(index, span, words.folded)
                if accepted is not None:
                    hits.append((index, *accepted))
        return hits

    def _accept(self, index: int, span: Span, folded: list[str]) -> Span | None:
        """The span a hit covers (phrase plus its near term), or None when it does not count."""
        exclude = self._exclude.get(index)
        if exclude is not None and exclude.nearest(folded, span) is not None:
            return None
        near = self._near.get(index)
        if near is None:
            return span
        term = near.nearest(folded, span)
        return None if term is None else (min(span[0], term[0]), max(span[1], term[1]))


def _find(automaton: ahocorasick.Automaton, words: Words) -> Iterator[tuple[list[int], Span]]:
    """Whole-word occurrences of the phrases in ``words``: (rule indexes, word span)."""
    norm, starts = words.norm, None
    for end, (key, indexes) in automaton.iter(norm):
        begin = end - len(key) + 1
        if (begin and norm[begin - 1] != " ") or (end + 1 < len(norm) and norm[end + 1] != " "):
            continue
        if len(norm) < _SHORT:
            first = norm.count(" ", 0, begin)
        else:
            starts = starts if starts is not None else words.starts()
            first = bisect_left(starts, begin)
        yield indexes, (first, first + key.count(" "))
