"""Where the bearer token may go, and ids that are safe as URL path segments.

The token goes only over HTTPS to the configured API host, to ``zoom.us`` and its
subdomains and, for a ZoomGov account (``api_base_url`` on ``zoomgov.com``), to
``zoomgov.com`` and its subdomains. Plain HTTP is accepted only for loopback hosts (test
servers, the simulator). An id placed in a path must not be empty, ``.``, ``..``, only
slashes, or contain control characters: ``..`` would otherwise be resolved away by URL
normalisation (``DELETE /past_meetings/../archive_files`` is ``DELETE /archive_files``).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import quote, unquote, urlsplit

from core.errors import PayloadError

__all__ = [
    "bearer_allowed",
    "check_base_url",
    "is_loopback",
    "path_id",
    "unsafe_id",
    "unsafe_path",
]

_ZOOM = ("zoom.us",)
_ZOOMGOV = ("zoomgov.com",)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, key: str) -> None:
    """ValueError unless ``url`` is ``https://`` or ``http://`` to a loopback host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and is_loopback(host):
        return
    raise ValueError(
        f"{key} must be an https:// URL (http:// only for a loopback test server), not {url!r}"
    )


def _in(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def bearer_allowed(url: str, api_base_url: str) -> bool:
    """Whether the bearer token may be sent with a request to ``url`` (module docstring)."""
    parts, api = urlsplit(url), urlsplit(api_base_url)
    host, api_host = (parts.hostname or "").lower(), (api.hostname or "").lower()
    if parts.scheme == "http":  # test servers: the API's own loopback host only
        return is_loopback(host) and host == api_host
    if parts.scheme != "https" or not host:
        return False
    domains = _ZOOM + (_ZOOMGOV if _in(api_host, _ZOOMGOV) else ())
    return host == api_host or _in(host, domains)


def unsafe_id(value: str) -> str:
    """Why ``value`` cannot be a path segment, or ``""`` when it can."""
    if not value:
        return "empty"
    if value in (".", "..") or not value.strip("/"):
        return "a dot segment or only slashes"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "control characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "a lone surrogate"
    return ""


def path_id(value: str | int, what: str) -> str:
    """``value`` encoded twice for a path segment (Zoom accepts that for every UUID);
    ``PayloadError`` before any request when it is unsafe (see :func:`unsafe_id`)."""
    text = str(value)
    why = unsafe_id(text)
    if why:
        raise PayloadError(f"{what} {text!r} is not usable in a URL path ({why})", field=what)
    return quote(quote(text, safe=""), safe="")


def unsafe_path(path: str) -> bool:
    """True when a segment of ``path`` decodes (once or twice) to ``.`` or ``..``."""
    for segment in path.split("?")[0].split("/"):
        once = unquote(segment)
        if once in (".", "..") or unquote(once) in (".", ".."):
            return True
    return False
