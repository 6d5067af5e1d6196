"""The one retry delay policy of ecomms: exponential backoff with full jitter, capped.

Every retry loop (the pipeline retrying a sink, a source's HTTP client, a sink's own client)
asks :func:`delay` how long to sleep before retry number ``attempt`` (0 for the first retry)::

    for attempt in range(retries + 1):
        try:
            return call()
        except TransientError as exc:
            if attempt == retries:
                raise
            time.sleep(delay(attempt, base=0.5, cap=30.0, retry_after=exc.retry_after))

The delay is drawn uniformly from ``[0, min(cap, base * 2**attempt)]`` ("full jitter": many
clients failing together do not retry together). When the remote said how long to wait
(``Retry-After``, ``RateLimited.retry_after``), that is a floor: the delay is never shorter,
but it is bounded by ``retry_after_cap`` so a hostile or broken server cannot park a client
for hours. :func:`parse_retry_after` reads the header's two standard forms (seconds or an
HTTP date); platform-specific forms stay in the plugin that meets them.

Everything takes plain numbers (seconds), so callers pass their own config values.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["DEFAULT_RETRY_AFTER_CAP", "delay", "parse_retry_after"]

DEFAULT_RETRY_AFTER_CAP = 600.0
"""Seconds: the longest wait a server's ``Retry-After`` may impose by default."""

_MAX_EXPONENT = 60  # 2**60 * any sensible base is far beyond every cap; avoids float overflow


def delay(
    attempt: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None = None,
    retry_after_cap: float = DEFAULT_RETRY_AFTER_CAP,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry ``attempt`` (0-based).

    ``base`` is the first ceiling, doubled each attempt up to ``cap``; the result is
    ``rng() * ceiling`` with ``rng`` returning values in ``[0, 1)`` (pass a fixed one in
    tests). ``retry_after`` (seconds the remote asked for, ``None`` when it did not say) is
    a floor on the result, itself capped at ``retry_after_cap``. Negative arguments are a
    ``ValueError``.
    """
    if attempt < 0 or base < 0 or cap < 0 or retry_after_cap < 0:
        raise ValueError("attempt, base, cap and retry_after_cap must be >= 0")
    ceiling = min(cap, base * (1 << min(attempt, _MAX_EXPONENT)))
    wait = rng() * ceiling
    if retry_after is not None and retry_after > 0:
        wait = max(wait, min(retry_after, retry_after_cap))
    return wait


def parse_retry_after(value: str, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header value asks for, or ``None`` when it is not valid.

    Accepts a number of seconds (``"120"``, ``"1.5"``) or an HTTP date
    (``"Wed, 21 Oct 2026 07:28:00 GMT"``, measured from ``now``, default the current UTC
    time). A date in the past is ``0.0``; a negative number or any other text is ``None``.
    """
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        return _seconds_until_date(text, now or datetime.now(UTC))
    return seconds if seconds >= 0 and seconds != float("inf") else None


def _seconds_until_date(text: str, now: datetime) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; obsolete forms may omit the zone
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
