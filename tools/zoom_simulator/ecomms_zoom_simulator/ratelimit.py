"""Per-account rate limits by plan and label (ZOOM_API §7): a token bucket per label.

Heavy calls also count against a daily cap (Pro 30,000, Business 60,000; Free has a daily
cap on every label). Plan ``unlimited`` turns limiting off (benchmarks).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from ecomms_zoom_simulator.http import ApiError

__all__ = ["LIMITS", "RateLimiter", "burst_error"]

# plan -> label -> (requests per second, requests per UTC day or None)
LIMITS: dict[str, dict[str, tuple[float, int | None]]] = {
    "free": {"Light": (4, 6000), "Medium": (2, 2000), "Heavy": (1, 1000)},
    "pro": {"Light": (30, None), "Medium": (20, None), "Heavy": (10, 30000)},
    "business": {"Light": (80, None), "Medium": (60, None), "Heavy": (40, 60000)},
}

_QPS = "You have reached the maximum per-second rate limit for this API. Try again later."
_DAILY = (
    "You have reached the maximum daily rate limit for this API. Refer to the response header "
    "for details on when you can make another request."
)


class RateLimiter:
    """Token buckets (capacity = one second of quota) and daily counters for one account."""

    def __init__(self, plan: str, heavy_daily_cap: int | None = None) -> None:
        self.limits = LIMITS.get(plan)
        if self.limits is not None and heavy_daily_cap is not None:
            self.limits = dict(self.limits, Heavy=(self.limits["Heavy"][0], heavy_daily_cap))
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._stamp: dict[str, float] = {}
        self._daily: dict[tuple[str, str], int] = {}

    def admit(self, label: str) -> dict[str, str]:
        """Count one call of ``label``; return the headers, or raise a 429 ApiError."""
        headers = {"X-RateLimit-Category": label}
        if self.limits is None or label not in self.limits:
            return headers
        rate, daily = self.limits[label]
        headers["X-RateLimit-Limit"] = str(int(rate))
        now = time.monotonic()
        with self._lock:
            tokens = min(
                rate, self._tokens.get(label, rate) + (now - self._stamp.get(label, now)) * rate
            )
            self._stamp[label] = now
            day_key = (label, datetime.now(UTC).strftime("%Y-%m-%d"))
            if daily is not None and self._daily.get(day_key, 0) >= daily:
                self._tokens[label] = tokens
                raise self._daily_error(headers)
            if tokens < 1:
                self._tokens[label] = tokens
                raise self._qps_error(headers)
            self._tokens[label] = tokens - 1
            self._daily[day_key] = self._daily.get(day_key, 0) + 1
        headers["X-RateLimit-Remaining"] = str(int(tokens - 1))
        headers["X-RateLimit-Type"] = "QPS"
        return headers

    @staticmethod
    def _qps_error(headers: dict[str, str]) -> ApiError:
        extra = dict(
            headers,
            **{
                "X-RateLimit-Type": "QPS",
                "X-RateLimit-Remaining": "0",
                "Retry-After": "1",
                "X-RateLimit-Reset": str(int(time.time()) + 1),
            },
        )
        return ApiError(429, 429, _QPS, extra)

    @staticmethod
    def _daily_error(headers: dict[str, str]) -> ApiError:
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT00:00:00Z")
        extra = dict(
            headers,
            **{
                "X-RateLimit-Type": "Daily-limit",
                "X-RateLimit-Remaining": "0",
                "Retry-After": tomorrow,
            },
        )
        return ApiError(429, 429, _DAILY, extra)


def burst_error(kind: str, label: str) -> ApiError:
    """The 429 a ``429_burst`` (``QPS``) or ``429_daily`` (``Daily-limit``) fault answers with."""
    headers = {"X-RateLimit-Category": label}
    if kind == "QPS":
        return RateLimiter._qps_error(headers)
    return RateLimiter._daily_error(headers)
