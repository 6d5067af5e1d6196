"""Switchable faults, set at start or at run time (docs/zoom-simulator.md "Faults").

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
download (dead-letter tests). Hostile and poison behaviour:
``poison_listing``          listings also hold malformed meeting objects (:mod:`.poison`)
``gzip_bomb[:GIB]``         listings answer gzip that inflates to GIB GiB (default 4)
``trickle_listing[:BPS]``   listings send BPS bytes a second (default 4), forever
``trickle_download[:BPS]``  every download sends BPS bytes a second (default 4)
``endless_pages``           every paged list always has a next page (empty ones at the end)
``echo_token[:N]``          the next N API calls (default 1) answer 400 echoing the token
``revoke_tokens[:N]``       after N more API calls (default 0) every token is revoked;
                            a newly minted one works
``revoke_tokens_no_remint[:N]``  the same, and minting fails from then on
"""

from __future__ import annotations

import random
import threading

__all__ = ["DOWNLOAD_FAULTS", "Faults"]

DOWNLOAD_FAULTS = ("truncated_download", "dropped_download", "corrupt_download", "html_download")
_FLAGS = ("page_token_expiry", "invalidate_on_mint", "poison_listing", "endless_pages")
# name -> (type of its value, default value); a default of None means the value is required
_VALUED: dict[str, tuple[type, float | None]] = {
    "429_burst": (int, 5),
    "429_daily": (int, 1),
    "5xx": (float, None),
    "slow": (float, None),
    "token_expiry": (int, None),
    "gzip_bomb": (float, 4),
    "trickle_listing": (int, 4),
    "trickle_download": (int, 4),
    "echo_token": (int, 1),
    "revoke_tokens": (int, 0),
    "revoke_tokens_no_remint": (int, 0),
}


def _parse(spec: str) -> tuple[str, str]:
    name, _, value = spec.strip().partition(":")
    if name in _VALUED:
        kind, default = _VALUED[name]
        try:
            number = kind(value) if value else kind(default)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"fault {spec!r} has a bad value") from None
        if number < 0 or (name == "5xx" and number > 1):
            raise ValueError(f"fault {spec!r} has a bad value")
        return name, str(number)
    if name in _FLAGS and not value:
        return name, ""
    if name in DOWNLOAD_FAULTS and value in ("", "always", "once"):
        return name, value or "once"
    known = [f"{n}[:{t.__name__.upper()}]" for n, (t, _) in _VALUED.items()]
    raise ValueError(
        f"unknown fault {spec!r}; known: {', '.join(known + list(_FLAGS + DOWNLOAD_FAULTS))}"
        " (download faults take :always)"
    )


class Faults:
    """The current fault switches and the bookkeeping of one-shot faults."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed * 7919 + 1)
        self._lock = threading.Lock()
        self.set([])

    def set(self, specs: list[str]) -> None:
        """Replace every switch by ``specs``; an unknown or malformed one raises ValueError."""
        parsed = [_parse(spec) for spec in specs]
        with self._lock:
            self.specs = list(specs)
            self.values: dict[str, float] = {}
            self.flags: set[str] = set()
            self.downloads: dict[str, str] = {}
            self._hit: set[tuple[str, str]] = set()
            for name, value in parsed:
                if name in _VALUED:
                    self.values[name] = float(value)
                elif name in _FLAGS:
                    self.flags.add(name)
                else:
                    self.downloads[name] = value

    def value(self, name: str) -> float | None:
        """The value of a valued switch, ``None`` when it is off."""
        return self.values.get(name)

    @property
    def slow(self) -> float:
        """Seconds every API call and download waits first."""
        return self.values.get("slow", 0.0)

    @property
    def token_expiry(self) -> int | None:
        """API calls after which each token expires."""
        found = self.values.get("token_expiry")
        return None if found is None else int(found)

    def _count_down(self, name: str) -> bool:
        """Whether a count-down switch fires now (it then goes one lower)."""
        left = self.values.get(name)
        if left is None or left < 1:
            return False
        self.values[name] = left - 1
        return True

    def take_burst(self) -> str | None:
        """``"QPS"`` or ``"Daily-limit"`` when this API call falls in a 429 burst (consumes one)."""
        with self._lock:
            if self._count_down("429_daily"):
                return "Daily-limit"
            if self._count_down("429_burst"):
                return "QPS"
            return None

    def take_echo(self) -> bool:
        """Whether this API call answers an error echoing its token (consumes one)."""
        with self._lock:
            return self._count_down("echo_token")

    def take_revocation(self) -> str | None:
        """``"remint"`` / ``"no_remint"`` when every token is to be revoked before this call."""
        with self._lock:
            for name, kind in (
                ("revoke_tokens", "remint"),
                ("revoke_tokens_no_remint", "no_remint"),
            ):
                left = self.values.get(name)
                if left is None:
                    continue
                if left < 1:
                    del self.values[name]
                    return kind
                self.values[name] = left - 1
            return None

    def take_5xx(self) -> bool:
        """Whether this call gets a server error."""
        with self._lock:
            rate = self.values.get("5xx", 0.0)
            return rate > 0 and self._rng.random() < rate

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
