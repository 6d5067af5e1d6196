"""Literal anchors of a regular expression: words every match must begin with.

``\\b(?:text|message)\\s+me`` has the anchors ``{"text", "message"}``: a text containing
neither cannot match, so the pattern need not run on it. Anchors are read from the
parsed pattern (the standard library's regex parser); when a pattern does not begin with
literal text, or the parser is not usable, there are no anchors and the pattern always
runs. Anchors are lower-cased and only a prefilter: a pattern with anchors still decides.
"""

from __future__ import annotations

import re

__all__ = ["MIN_ANCHOR", "anchors_of"]

MIN_ANCHOR = 2  # a one-letter anchor filters nothing

try:  # the parser is a private module of the standard library; without it, no anchors
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    _ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
    _REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
except ImportError:  # pragma: no cover - depends on the Python version
    _parser = None


def anchors_of(pattern: str, ignore_case: bool) -> frozenset[str] | None:
    """Lower-cased literal prefixes one of which starts every match, or None if unknown."""
    if _parser is None:
        return None
    try:
        parsed = _parser.parse(pattern, re.IGNORECASE if ignore_case else 0)
        found = _prefixes(list(parsed))
    except Exception:  # any surprise in the private parser: run the pattern always
        return None
    if not found or any(len(a) < MIN_ANCHOR or not a.isascii() for a in found):
        return None
    return frozenset(a.lower() for a in found)


def _prefixes(items: list) -> set[str] | None:
    literal = ""
    for op, av in items:
        if op is _c.LITERAL:
            literal += chr(av)
            continue
        if literal:
            return {literal}
        if op in _ZERO_WIDTH:
            continue
        if op is _c.SUBPATTERN:
            return _prefixes(list(av[-1]))
        if op is _c.BRANCH:
            branches = [_prefixes(list(branch)) for branch in av[1]]
            known = [b for b in branches if b is not None]
            return None if len(known) < len(branches) else set().union(*known)
        if op in _REPEATS and av[0] >= 1:
            return _prefixes(list(av[2]))
        return None
    return {literal} if literal else None
