"""Requests, responses and routing of the simulator's HTTP server."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

import msgspec

__all__ = ["ApiError", "Request", "Response", "Route", "decode_id", "error", "json_response"]


@dataclass
class Request:
    """One parsed request: method, raw path segments, query, headers, body and auth facts."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    operation: str | None = None
    file_id: str = ""  # the file a download asks for

    @classmethod
    def parse(cls, method: str, target: str, headers: dict[str, str], body: bytes) -> Request:
        """Split ``target`` into the raw (still percent-encoded) path and the query."""
        path, _, query = target.partition("?")
        return cls(method, path, parse_qs(query, keep_blank_values=True), headers, body)

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The body decoded as JSON; malformed JSON is a 400 / 300."""
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise ApiError(400, 300, "Request body is not valid JSON.") from exc


@dataclass
class Response:
    """A status, headers, and a body given as bytes or as an iterator of chunks."""

    status: int
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None

    def chunks(self) -> Iterator[bytes]:
        """Iterate the body."""
        if isinstance(self.body, bytes):
            yield self.body
        else:
            yield from self.body


class ApiError(Exception):
    """A Zoom-style error answer: HTTP status and ``{"code":..., "message":...}``."""

    def __init__(self, status: int, code: int, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}

    def response(self) -> Response:
        """Render the error as Zoom does."""
        resp = json_response({"code": self.code, "message": self.message}, self.status)
        resp.headers.update(self.headers)
        return resp


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON response."""
    data = msgspec.json.encode(body)
    return Response(status, data, {"Content-Type": "application/json;charset=UTF-8"})


def error(status: int, code: int, message: str) -> ApiError:
    """Build an :class:`ApiError` (to ``raise``)."""
    return ApiError(status, code, message)


_ENCODED = re.compile(r"%(2F|3D|2B|25)", re.IGNORECASE)


def decode_id(raw: str) -> str:
    """Decode a meeting id or UUID path segment as Zoom does.

    A UUID that starts with ``/`` or contains ``//`` must be encoded twice; encoded once,
    the server splits the path on it, so it is "not found" (empty string returned).
    """
    once = unquote(raw)
    if _ENCODED.search(once):
        return unquote(once)
    if once.startswith("/") or "//" in once:
        return ""
    return once


@dataclass
class Route:
    """A method and path pattern bound to a handler and to the operation it serves."""

    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., Response]
    operation: str | None

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """Path parameters when this route serves ``method path``, else ``None``."""
        if method != self.method:
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None
