"""Switchable faults, set at start or at run time.

``429_burst[:N]``           the next N API calls (default 5) get a per-second 429
``429_daily[:N]``           the next N API calls (default 1) get a daily-limit 429
``5xx:RATE``                that fraction of API calls and downloads get a 5xx answer
``slow:SECONDS``            every API call and download waits that long first
``token_expiry:N``          each token expires after N API calls
``page_token_expiry``       the next use of a page token is refused as expired
``invalidate_on_mint``      minting a token revokes every earlier one
``truncated_download``      the body is cut short (with a matching Content-Length)
``dropped_download``        the connection is closed half-way through the body
``corrupt_download``        one byte of the body is flipped
``html_download``           200 with an HTML error page instead of the file
Download faults hit each file once, so a retry succeeds; append ``:always`` to hit every
download (dead-letter tests).
"""

from __future__ import annotations

import random
import threading

__all__ = ["DOWNLOAD_FAULTS", "Faults"]

DOWNLOAD_FAULTS = ("truncated_download", "dropped_download", "corrupt_download", "html_download")
_FLAGS = ("page_token_expiry", "invalidate_on_mint")


class Faults:
    """The current fault switches and the bookkeeping of one-shot faults."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed * 7919 + 1)
        self._lock = threading.Lock()
        self.set([])

    def set(self, specs: list[str]) -> None:
        """Replace every switch by ``specs``; an unknown or malformed one raises ValueError."""
        parsed = [self._parse(spec) for spec in specs]
        with self._lock:
            self.specs = list(specs)
            self.burst = 0
            self.daily = 0
            self.error_rate = 0.0
            self.slow = 0.0
            self.token_expiry: int | None = None
            self.flags: set[str] = set()
            self.downloads: dict[str, str] = {}
            self._hit: set[tuple[str, str]] = set()
            for name, value in parsed:
                self._apply(name, value)

    @staticmethod
    def _parse(spec: str) -> tuple[str, str]:
        name, _, value = spec.strip().partition(":")
        try:
            if name in ("429_burst", "429_daily"):
                return name, str(int(value or (5 if name == "429_burst" else 1)))
            if name in ("5xx", "slow"):
                number = float(value)
                if number < 0 or (name == "5xx" and number > 1):
                    raise ValueError
                return name, value
            if name == "token_expiry":
                return name, str(int(value))
        except ValueError:
            raise ValueError(f"fault {spec!r} has a bad value") from None
        if name in _FLAGS and not value:
            return name, ""
        if name in DOWNLOAD_FAULTS and value in ("", "always", "once"):
            return name, value or "once"
        raise ValueError(
            f"unknown fault {spec!r}; known: 429_burst[:N], 429_daily[:N], 5xx:RATE, "
            f"slow:SECONDS, token_expiry:N, {', '.join(_FLAGS + DOWNLOAD_FAULTS)} (download faults "
            "take :always)"
        )

    def _apply(self, name: str, value: str) -> None:
        if name == "429_burst":
            self.burst = int(value)
        elif name == "429_daily":
            self.daily = int(value)
        elif name == "5xx":
            self.error_rate = float(value)
        elif name == "slow":
            self.slow = float(value)
        elif name == "token_expiry":
            self.token_expiry = int(value)
        elif name in _FLAGS:
            self.flags.add(name)
        else:
            self.downloads[name] = value

    def take_burst(self) -> str | None:
        """``"QPS"`` or ``"Daily-limit"`` when this API call falls in a 429 burst (consumes one)."""
        with self._lock:
            if self.daily > 0:
                self.daily -= 1
                return "Daily-limit"
            if self.burst > 0:
                self.burst -= 1
                return "QPS"
            return None

    def take_5xx(self) -> bool:
        """Whether this call gets a server error."""
        with self._lock:
            return self.error_rate > 0 and self._rng.random() < self.error_rate

    def take_page_token_expiry(self) -> bool:
        """Whether this page-token use is refused as expired (a one-shot switch)."""
        with self._lock:
            if "page_token_expiry" in self.flags:
                self.flags.discard("page_token_expiry")
                return True
            return False

    def download_fault(self, file_id: str) -> str | None:
        """The download fault that hits this download of ``file_id``, if any."""
        with self._lock:
            for name, mode in self.downloads.items():
                if mode == "always" or (name, file_id) not in self._hit:
                    self._hit.add((name, file_id))
                    return name
            return None
