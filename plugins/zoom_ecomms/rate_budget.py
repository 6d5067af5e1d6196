"""One request budget per Zoom account and rate label, shared by every thread of the process.

Sized from the account's plan (ZOOM_API §7.1). Requests are spaced evenly (a bucket of one
token), so a per-second window at Zoom never sees more than the allowed number; a 429 pauses
every user of the budget until the time Zoom gave. A *daily* 429 (Heavy and
resource-intensive calls share a daily cap: Pro 30,000, Business 60,000) marks the budget
exhausted until the reset Zoom gave (next 00:00 UTC): callers are refused at once instead of
sleeping for hours or sending calls that can only be refused again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["PLAN_LIMITS", "RateBudget", "budget_for", "label_for"]

# The simulator has its own copy (ecomms_zoom_simulator/ratelimit.py) on purpose: it plays Zoom.
PLAN_LIMITS: dict[str, dict[str, float]] = {
    "pro": {"light": 30, "medium": 20, "heavy": 10},
    "business": {"light": 80, "medium": 60, "heavy": 40},
}

_budgets: dict[tuple[str, str, str], RateBudget] = {}
_budgets_lock = threading.Lock()


class RateBudget:
    """Evenly spaced permits at ``rate`` per second; thread-safe.

    ``clock`` (seconds, monotonic) and ``sleep`` are the real ones unless a caller passes
    others, e.g. a virtual clock that records the waits it is asked for.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._interval = 1.0 / rate
        self._lock = threading.Lock()
        self._next = 0.0
        self._exhausted_until = 0.0
        self.waited = 0.0

    def acquire(self) -> None:
        """Block until the next permit is due, then take it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self._interval
        delay = slot - now
        if delay > 0:
            self.waited += delay
            self._sleep(delay)

    def exhaust(self, seconds: float) -> None:
        """Refuse every permit for ``seconds`` from now (Zoom's daily cap is reached)."""
        with self._lock:
            self._exhausted_until = max(self._exhausted_until, self._clock() + seconds)

    def exhausted_for(self) -> float:
        """Seconds until the daily cap resets; 0 when permits may be taken."""
        return max(0.0, self._exhausted_until - self._clock())

    def pause(self, seconds: float) -> None:
        """Make every user wait ``seconds`` from now (Zoom answered 429)."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)


def budget_for(account_id: str, plan: str, label: str, share: float = 1.0) -> RateBudget:
    """Return the process-wide budget of ``account_id`` for ``label`` (light/medium/heavy)."""
    key = (account_id, plan, label)
    with _budgets_lock:
        budget = _budgets.get(key)
        if budget is None:
            budget = RateBudget(PLAN_LIMITS[plan][label] * share)
            _budgets[key] = budget
        return budget


_HEAVY_PREFIXES = ("/report/", "/metrics/")
_LIGHT_SUFFIXES = ("/polls", "/survey")


def label_for(method: str, path: str) -> str:
    """The rate label of an API call (Zoom's labels per operation); unknown calls count as
    medium. Heavy calls share the account's daily cap with resource-intensive ones."""
    parts = [p for p in path.split("/") if p]
    if method in ("PATCH", "DELETE") and parts[:1] in (["archive_files"], ["past_meetings"]):
        return "light"
    if path.startswith(_HEAVY_PREFIXES):
        return "heavy"  # every /report/* call (survey reports too) and the dashboards
    if parts[:1] == ["users"] and len(parts) == 2:
        return "light"
    if parts[:1] == ["past_meetings"] and len(parts) == 2:
        return "light"
    if parts[:1] in (["meetings"], ["webinars"]) and path.endswith(_LIGHT_SUFFIXES):
        return "light"
    return "medium"
