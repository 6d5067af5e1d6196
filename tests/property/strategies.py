"""Hypothesis strategies for hostile Zoom input: JSON values of the wrong type, huge and deeply
nested values, lone surrogates, path characters and ``..`` in names and ids, invalid UTF-8
and base64 in chat files."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import strategies as st

DEEP = "[" * 5_000 + "]" * 5_000  # deeper than any decoder's recursion limit

#: Strings a file system or a URL treats specially, and text Zoom's encoders cannot make.
HOSTILE_TEXT = st.sampled_from(
    [
        "..",
        "../..",
        "../../../etc/passwd",
        "/",
        "/abs/path",
        "a/../../b",
        "C:\\win\\x",
        "\\..\\..",
        "%2e%2e%2f",
        "nul\x00byte",
        "\ud800",
        "lone \udfff surrogate",
        "\u202e\u0001ctl",
        "",
        " ",
        "x" * 300,
        "é" * 5_000,
    ]
)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    HOSTILE_TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def dumps(value: Any) -> bytes:
    """JSON bytes of ``value`` with surrogates escaped as Zoom's escapes would carry them."""
    return json.dumps(value, ensure_ascii=True).encode("ascii")


@st.composite
def hostile_json_documents(draw: st.DrawFn) -> bytes:
    """Whole documents: any JSON, a truncated one, a deep one, invalid UTF-8, base64 noise."""
    kind = draw(st.sampled_from(["json", "truncated", "deep", "bad_utf8", "b64", "bytes"]))
    if kind == "json":
        return dumps(draw(JSON_VALUES))
    if kind == "truncated":
        text = dumps(draw(JSON_VALUES))
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    if kind == "deep":
        return DEEP.encode()
    if kind == "bad_utf8":
        return b'{"uuid": "u", "messages": [{"msg_content": "\xff\xfe\xc3"}]}'
    if kind == "b64":
        return base64.b64encode(draw(st.binary(max_size=64)))
    return draw(st.binary(max_size=256))


CHAT_FIELDS = ("msg_type", "e_time", "s_id", "s_name", "s_email", "msg_id", "msg_content",
               "msg_extended_type", "r_name", "files", "reactions", "parent_msg_id")  # fmt: skip


@st.composite
def hostile_chat_messages(draw: st.DrawFn) -> dict[str, Any]:
    """A JSON chat message with some fields missing, of the wrong type or badly encoded."""
    message: dict[str, Any] = {
        "msg_type": 1,
        "e_time": "00:00:01",
        "s_id": "u",
        "s_name": base64.b64encode(b"Ann").decode(),
        "msg_id": base64.b64encode(b"m1").decode(),
        "msg_extended_type": "010101000100",
        "msg_content": base64.b64encode(b"hi").decode(),
    }
    for name in draw(st.lists(st.sampled_from(CHAT_FIELDS), max_size=4, unique=True)):
        choice = draw(st.sampled_from(["drop", "value", "not_b64", "bad_utf8_b64"]))
        if choice == "drop":
            message.pop(name, None)
        elif choice == "value":
            message[name] = draw(JSON_VALUES)
        elif choice == "not_b64":
            message[name] = "not base64!"
        else:
            message[name] = base64.b64encode(b"\xff\xfe\xfd").decode()
    return message


@st.composite
def hostile_chat_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """``(file_type, bytes)`` of a chat archive file: JSON (CHAT_MESSAGE) or TXT (CHAT)."""
    if draw(st.booleans()):
        if draw(st.booleans()):
            messages = draw(st.lists(hostile_chat_messages(), min_size=1, max_size=4))
            return "CHAT_MESSAGE", dumps({"uuid": "u", "messages": messages})
        return "CHAT_MESSAGE", draw(hostile_json_documents())
    lines = draw(
        st.lists(
            st.one_of(
                st.text(max_size=60),
                st.builds(
                    lambda t, who, text: f"{t} From {who} to Everyone: {text}",
                    st.sampled_from(["00:00:01", "99:99:99", "1:2", ""]),
                    st.one_of(st.text(max_size=10), HOSTILE_TEXT),
                    st.text(max_size=30),
                ),
            ),
            max_size=6,
        )
    )
    body = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        body += draw(st.sampled_from([b"\xff", b"caf\xe9", b"\xed\xa0\x80", b"\x00"]))
    return "CHAT", body
