"""The Zoom REST client: rate budget, retry table, S2S auth, deadlines, bounded bodies.

Every call returns the body byte for byte as Zoom sent it (:class:`Answer`), read within
the call's deadline and the decompressed-size cap (:mod:`.transfer`). A refusal raises
:class:`ZoomRequestError` with Zoom's status, code and (scrubbed) message; ids in paths are
checked before anything is sent (:mod:`.hosts`). :meth:`ZoomClient.interrupt` ends every
transfer in flight and refuses new ones.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import unquote

import httpx

from core.errors import (
    AuthError,
    PayloadError,
    RateLimited,
    ScopeError,
    TerminalError,
    TransientError,
)
from core.protocols import Meter
from plugins.zoom_ecomms.auth import S2SAuth, TokenProvider
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.hosts import unsafe_path
from plugins.zoom_ecomms.models import ZoomError, decode
from plugins.zoom_ecomms.rate_budget import RateBudget, budget_for, label_for
from plugins.zoom_ecomms.retry import Action, backoff_seconds, classify, retry_after_seconds
from plugins.zoom_ecomms.scrub import scrub
from plugins.zoom_ecomms.transfer import ACCEPT_ENCODING, Interrupted, Watchdog, read_body

__all__ = ["Answer", "DailyLimitReached", "Interrupted", "ZoomClient", "ZoomRequestError"]

MAX_RATE_LIMITED = 30
LONG_WAIT = 300.0  # a 429 asking to wait longer than this is treated as a daily limit
USER_AGENT = "ecomms-zoom/0.1"


class Answer(NamedTuple):
    """A successful response: status, the body as received (decompressed), its type."""

    status: int
    body: bytes
    content_type: str


class ZoomRequestError(TerminalError):
    """Zoom refused a request for a reason retrying cannot fix (status and code attached).

    ``answer`` is Zoom's answer in one line (``HTTP 400 code 300: Cannot access meeting
    information``), already scrubbed of secrets.
    """

    def __init__(self, where: str, status: int, code: int | None, message: str) -> None:
        self.answer = f"HTTP {status}" + (f" code {code}" if code is not None else "")
        self.answer += f": {scrub(message)}"[:300] if message else ""
        super().__init__(f"{where}: Zoom answered {self.answer}", status=status, code=code)
        self.status = status
        self.code = code


class DailyLimitReached(RateLimited):
    """Zoom's daily cap of a rate label is used up; calls of that label wait for the reset."""


def _daily_limit(where: str, label: str, seconds: float) -> DailyLimitReached:
    until = (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M UTC")
    return DailyLimitReached(
        f"{where}: Zoom's daily limit of {label} calls is reached; capture holds until {until}"
        " and resumes on the first pass after it (nothing is skipped)",
        retry_after=seconds,
        label=label,
    )


def _is_daily(response: httpx.Response, wait: float) -> bool:
    kind = response.headers.get("X-RateLimit-Type", "").lower()
    return kind.startswith("daily") or wait > LONG_WAIT


def _error_of(body: bytes) -> tuple[int | None, str]:
    try:
        error = decode(ZoomError, body, "error body")
    except PayloadError:
        return None, ""
    return error.code, error.message


class ZoomClient:
    """One HTTP client per source; every call goes through the budget and the retry table.

    ``budgets(account_id, plan, label, share)`` gives the rate budget of a call (by default
    the process-wide one) and ``sleep`` waits between transient retries; tests pass ones that
    run on a virtual clock. ``meter`` (the source's ``Context.meter``) counts every answer
    by rate label and the time spent waiting for the budget.
    """

    def __init__(
        self,
        config: ZoomConfig,
        provider: TokenProvider,
        *,
        budgets: Callable[[str, str, str, float], RateBudget] = budget_for,
        sleep: Callable[[float], None] = time.sleep,
        meter: Meter | None = None,
    ) -> None:
        self.config = config
        self.provider = provider
        self.meter = meter or Meter.off()
        self.watchdog = Watchdog()
        self._budgets = budgets
        self._sleep = sleep
        self.cap = config.max_response_mb << 20
        self.http = httpx.Client(
            base_url=config.api_base_url.rstrip("/"),
            auth=S2SAuth(provider),
            timeout=httpx.Timeout(config.timeout_seconds, connect=10.0),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def interrupt(self) -> None:
        """End every transfer in flight and refuse new requests (from any thread)."""
        self.watchdog.interrupt()

    def deadline_timeout(self, deadline: float) -> httpx.Timeout:
        """Socket timeouts that never outlast ``deadline`` (``time.monotonic()``)."""
        left = max(0.1, deadline - time.monotonic())
        return httpx.Timeout(min(self.config.timeout_seconds, left), connect=min(10.0, left))

    def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
        attempts: int | None = None,
    ) -> Answer:
        """Send one call with retries and return Zoom's answer.

        Raises ``ZoomRequestError`` (refused), ``ScopeError``, ``AuthError``,
        ``DailyLimitReached`` / ``RateLimited``, ``TransientError`` (still failing after
        ``max_attempts``), ``PayloadError`` (an answer over the size cap) or ``Interrupted``.
        """
        where = f"{method} {unquote(unquote(path))}"
        if unsafe_path(path):
            raise PayloadError(f"{where}: refusing a path with a dot segment")
        label = label_for(method, path)
        budget = self._budgets(
            self.config.account_id, self.config.plan, label, self.config.rate_share
        )
        limit = attempts or self.config.max_attempts
        failures = limited = reminted = 0
        while True:
            self.watchdog.check(where)
            if budget.exhausted_for():
                raise _daily_limit(where, label, budget.exhausted_for())
            waiting = time.monotonic()
            budget.acquire()
            self.meter.waited(label, time.monotonic() - waiting)
            try:
                response, body = self._send(method, path, params, json, where)
            except TransientError as exc:
                if isinstance(exc, Interrupted):
                    raise
                failures += 1
                self._give_up_or_wait(failures, limit, exc.message)
                continue
            self.meter.request(label, response.status_code)
            code, message = _error_of(body) if response.status_code >= 400 else (None, "")
            action = classify(response.status_code, code)
            if action is Action.OK:
                return Answer(response.status_code, body, response.headers.get("Content-Type", ""))
            if action is Action.RATE_LIMITED:
                limited += 1
                wait = retry_after_seconds(response)
                if _is_daily(response, wait):
                    budget.exhaust(wait)
                    raise _daily_limit(where, label, wait)
                if limited > MAX_RATE_LIMITED:
                    raise RateLimited(f"{where}: still rate limited after {limited} waits")
                budget.pause(wait)
                continue
            if action is Action.RETRY:
                failures += 1
                self._give_up_or_wait(failures, limit, f"{where}: HTTP {response.status_code}")
                continue
            if action is Action.AUTH and not reminted:
                reminted += 1  # code 124 on a 400, or a 401 the auth flow could not cure
                self.provider.invalidate(self.provider.token())
                continue
            raise self._terminal(action, where, response.status_code, code, message)

    def _send(
        self, method: str, path: str, params: Any, json: Any, where: str
    ) -> tuple[httpx.Response, bytes]:
        deadline = time.monotonic() + self.config.request_deadline_seconds
        request = self.http.build_request(
            method, path, params=params, json=json, timeout=self.deadline_timeout(deadline)
        )
        try:
            response = self.http.send(request, stream=True)
        except httpx.TransportError as exc:
            self.watchdog.check(where)
            raise TransientError(f"{where}: {type(exc).__name__}") from None
        with closing(response), self.watchdog.guard(response, deadline) as key:
            try:
                body = read_body(response, self.cap, deadline, where)
            except (httpx.TransportError, TransientError) as exc:
                self.watchdog.check(where)
                late = self.watchdog.was_cut(key) or time.monotonic() > deadline
                cause = "no complete answer within the deadline" if late else type(exc).__name__
                raise TransientError(f"{where}: {cause}") from None
            if self.watchdog.was_cut(key):  # a body read to its (forced) end is not complete
                self.watchdog.check(where)
                raise TransientError(f"{where}: no complete answer within the deadline")
            return response, body

    def _give_up_or_wait(self, failures: int, limit: int, what: str) -> None:
        if failures >= limit:
            raise TransientError(f"{what} (gave up after {failures} attempts)")
        self._sleep(backoff_seconds(failures))

    def _terminal(
        self, action: Action, where: str, status: int, code: int | None, message: str
    ) -> Exception:
        if action is Action.SCOPE:
            listed = re.findall(r"[\w-]+(?::[\w-]+)+", message)
            return ScopeError(
                f"{where}: the app lacks scopes {', '.join(listed) or '(unnamed)'}; "
                "add them to the app and re-authorize",
                missing={where: listed},
            )
        if action is Action.AUTH:
            return AuthError(f"{where}: Zoom refused a freshly minted token (code {code})")
        return ZoomRequestError(where, status, code, message)
