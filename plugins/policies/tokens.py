"""Words of a text, folded for matching: case-insensitive, unicode-aware, script-agnostic.

A text becomes a list of words (runs of letters, digits and combining marks; each
character of a script written without spaces, such as Chinese, Japanese or Thai, is a
word of its own). Words are case-folded and, outside ASCII, NFKC-normalised, then joined
by single spaces. Phrases are folded the same way, so a phrase matches whatever the
punctuation, spacing and case around its words, and only on whole words.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate

__all__ = ["Words", "fold_phrase", "words_of"]

_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0002fa1f"
)
_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u0900-\u0dff"
_WORD = re.compile(f"[{_UNSPACED}]|(?:[^\\W{_UNSPACED}]|[{_MARKS}])+")


def _fold(word: str) -> str:
    if word.isascii():
        return word.lower()
    return unicodedata.normalize("NFKC", word).casefold().replace(" ", "")


class Words:
    """The folded words of one text, and where each word starts in the original text."""

    __slots__ = ("_spans", "folded", "norm", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._spans: list[tuple[int, int]] | None = None
        if text.isascii():
            self.folded = _WORD.findall(text.lower())
        else:
            self._spans = [m.span() for m in _WORD.finditer(text)]
            self.folded = [_fold(text[s:e]) for s, e in self._spans]
        self.norm = " ".join(self.folded)

    def starts(self) -> list[int]:
        """Offsets in ``norm`` where each word starts."""
        return [0, *accumulate(len(w) + 1 for w in self.folded[:-1])] if self.folded else []

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Offsets in the original text covering words ``first`` to ``last`` (inclusive)."""
        if self._spans is None:
            self._spans = [m.span() for m in _WORD.finditer(self.text)]
        return self._spans[first][0], self._spans[last][1]


def words_of(text: str) -> Words:
    """Split ``text`` into folded words."""
    return Words(text)


def fold_phrase(phrase: str) -> str:
    """The folded form of a phrase: its words joined by single spaces ("" if it has none)."""
    return Words(phrase).norm
