"""Splitting a listing page into its meetings' raw bytes without decoding them.

msgspec refuses a whole page when one meeting object in it cannot be decoded (a lone
surrogate escape, nesting deeper than it recurses): one poisoned meeting would then block
every other meeting of the page. This scanner finds the top-level members of the page and
the elements of its ``meetings`` array by tracking brackets outside strings, iteratively
(no recursion, regular expressions over bytes), so each meeting can be judged alone.
"""

from __future__ import annotations

import re

from core.errors import PayloadError

__all__ = ["split_page"]

_TOKENS = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{},:]')


def split_page(raw: bytes, where: str) -> tuple[bytes, list[bytes]]:
    """``(page without its meetings, [raw bytes of each meeting])``.

    The first value is the page with ``"meetings": []``, ready to decode on its own.
    ``PayloadError`` when the page is not a JSON object with balanced brackets.
    """
    depth = 0
    key = b""
    expect_key = False
    array_start = -1
    element_start = -1
    meetings: list[bytes] = []
    for match in _TOKENS.finditer(raw):
        token, at = match.group(), match.start()
        if token[:1] == b'"':
            if depth == 1 and expect_key:
                key, expect_key = token, False
            continue
        if token == b":" or (token == b"," and depth != 2):
            expect_key = token == b"," and depth == 1
            continue
        if depth == 2 and array_start >= 0 and token in (b",", b"]"):
            meetings.append(raw[element_start:at].strip())
            element_start = at + 1
            if token == b"]":
                depth -= 1
                rest = raw[:array_start] + b"[]" + raw[at + 1 :]
                return _finish(raw, rest, meetings, where)
            continue
        if token in (b"{", b"["):
            depth += 1
            expect_key = depth == 1 and token == b"{"
            if depth == 2 and token == b"[" and key == b'"meetings"':
                array_start, element_start = at, at + 1
        elif token in (b"}", b"]"):
            depth -= 1
            if depth < 0:
                break
    if depth == 0 and array_start < 0 and raw.strip().startswith(b"{"):
        return raw, []
    raise PayloadError(f"{where}: the page is not a JSON object with balanced brackets")


def _finish(
    raw: bytes, rest: bytes, meetings: list[bytes], where: str
) -> tuple[bytes, list[bytes]]:
    if meetings == [b""]:  # "meetings": []
        meetings = []
    if any(not m for m in meetings):
        raise PayloadError(f"{where}: the meetings array has an empty element")
    return rest, meetings
