"""The retry policy: one table from HTTP status (and Zoom error code) to action.

Every refusal that is not about credentials, scopes or rate is ``REFUSED``: the data is not
available here (404, 400/300 "Cannot access meeting information", 400/1010, 400/2300
"This API endpoint is not recognized", 404/3001, 4400 polls disabled, ...). The caller
decides what that means: an optional lookup becomes a gap on the unit, a listing a failed
pass, an acknowledgement a recorded refusal.
"""

from __future__ import annotations

import enum
import random
from datetime import UTC, datetime

import httpx

from core.backoff import delay, parse_retry_after

__all__ = ["Action", "backoff_seconds", "classify", "retry_after_seconds"]


class Action(enum.Enum):
    """What to do with a response."""

    OK = "ok"
    RETRY = "retry"  # transient: back off exponentially with jitter, then retry
    RATE_LIMITED = "rate_limited"  # wait Retry-After (or ~1 s), pause the budget, retry
    SCOPE = "scope"  # the token lacks a scope: stop, the app must be re-authorized
    AUTH = "auth"  # the token was refused: re-mint once, then give up
    REFUSED = "refused"  # not available here: retrying the same request fails the same way


STATUS_ACTIONS: dict[int, Action] = {
    200: Action.OK,
    201: Action.OK,
    204: Action.OK,
    206: Action.OK,
    401: Action.AUTH,
    408: Action.RETRY,
    409: Action.RETRY,
    425: Action.RETRY,
    429: Action.RATE_LIMITED,
    500: Action.RETRY,
    502: Action.RETRY,
    503: Action.RETRY,
    504: Action.RETRY,
}

CODE_ACTIONS: dict[int, Action] = {
    124: Action.AUTH,  # invalid or expired access token (401, or 400 in Zoom's spec)
    4700: Action.SCOPE,
    4711: Action.SCOPE,
    429: Action.RATE_LIMITED,
}


def classify(status: int, code: int | None) -> Action:
    """Return the action for an HTTP ``status`` and the body's Zoom ``code`` (if any)."""
    if code is not None and code in CODE_ACTIONS and status >= 400:
        return CODE_ACTIONS[code]
    if status in STATUS_ACTIONS:
        return STATUS_ACTIONS[status]
    if 200 <= status < 300:
        return Action.OK
    if status >= 500:
        return Action.RETRY
    return Action.REFUSED


def backoff_seconds(attempt: int, base: float = 0.25, cap: float = 30.0) -> float:
    """Wait before retry number ``attempt`` (1-based): core's one policy (full jitter, capped)."""
    return delay(attempt - 1, base=base, cap=cap)


def retry_after_seconds(response: httpx.Response, default: float = 1.0) -> float:
    """Seconds to wait after a 429: ``Retry-After`` (seconds or an HTTP date, read by core;
    Zoom's ISO 8601 date form here), else ``X-RateLimit-Reset`` (epoch seconds), else
    ``default`` plus jitter. Long waits are kept: they mark Zoom's daily cap."""
    now = datetime.now(UTC)
    value = response.headers.get("Retry-After", "").strip()
    if value:
        seconds = parse_retry_after(value, now=now)
        if seconds is not None:
            return seconds
        when = _iso_date(value)
        if when is not None:
            return max(0.0, (when - now).total_seconds())
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    if reset:
        try:
            return max(0.0, float(reset) - now.timestamp())
        except ValueError:
            pass
    return default + random.uniform(0, default / 2)


def _iso_date(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
