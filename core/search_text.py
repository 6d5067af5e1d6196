"""What full-text search sees of a record, and what a word is: one definition for every store.

:func:`searchable_text` splits a record's text into four parts every search backend
indexes (and nothing else): its ``title``, its ``text``, its ``people`` (each participant's
name and email) and its ``content`` — thread titles, message texts, shared file names,
segment texts, entry titles, questions and answers, and artifact names, each piece once and
only when it is not already a line of ``text``. :func:`words` is the tokenisation the query
language states: a word is a run of letters and digits; anything else separates words.
Words compare ignoring case and diacritics, ASCII-folded (:func:`word_key`: ``Résumé`` =
``resume``, ``Straße`` = ``strasse``, ``Ærø`` = ``aero``); :func:`fold` is the part of that a
store's tokenizer may not do by itself (NFKC, and letters without a decomposition).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from core.records import Record

__all__ = ["SearchText", "fold", "searchable_text", "word_key", "words"]

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script; "_" separates
_FOLD = str.maketrans(
    {
        **dict.fromkeys("øØ", "o"),
        **dict.fromkeys("łŁ", "l"),
        **dict.fromkeys("đĐðÐ", "d"),
        **dict.fromkeys("ħĦ", "h"),
        **dict.fromkeys("ŧŦ", "t"),
        **dict.fromkeys("ŋŊ", "n"),
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "ſ": "s",
        "ĸ": "q",
    }
)


class SearchText(NamedTuple):
    """The four parts of a record full-text search matches against."""

    title: str
    text: str
    people: str
    content: str


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters and digits, in order."""
    return _WORD.findall(text)


def fold(text: str) -> str:
    """NFKC (ligatures, full-width forms), then the Latin letters that have no Unicode
    decomposition folded as ASCII folding does (ø→o, ł→l, ß→ss, æ→ae, þ→th)."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def word_key(word: str) -> str:
    """A word as words compare: folded, diacritics dropped, lower case."""
    decomposed = unicodedata.normalize("NFKD", fold(word))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _pieces(record: Record) -> Iterable[str]:
    for thread in record.threads:
        yield thread.title
        for message in thread.messages:
            yield message.text
            yield from (shared.name for shared in message.files)
    yield from (segment.text for segment in record.segments)
    for entry in record.entries:
        yield from (entry.title, entry.question, entry.answer)
    yield from (artifact.name for artifact in record.artifacts)


def searchable_text(record: Record) -> SearchText:
    """The title, text, people and other content of ``record`` that text search matches."""
    people = "\n".join(f"{p.name} {p.email}".strip() for p in record.participants)
    seen = {line.strip() for line in record.text.splitlines()}
    content = []
    for piece in _pieces(record):
        piece = piece.strip()
        if piece and piece not in seen:
            seen.add(piece)
            content.append(piece)
    return SearchText(record.title, record.text, people.strip(), "\n".join(content))
