"""The Zoom REST client: rate budget, retry table, S2S auth, pagination, payload checks."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

import httpx

from core.errors import (
    AuthError,
    PayloadError,
    RateLimited,
    ScopeError,
    TerminalError,
    TransientError,
)
from plugins.zoom_ecomms.auth import S2SAuth, TokenProvider
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.rate_budget import RateBudget, budget_for, label_for
from plugins.zoom_ecomms.retry import Action, backoff_seconds, classify, retry_after_seconds

__all__ = ["DailyLimitReached", "ZoomClient", "ZoomRequestError", "describe", "encode_uuid"]

MAX_RATE_LIMITED = 30
LONG_WAIT = 300.0  # a 429 asking to wait longer than this is treated as a daily limit
USER_AGENT = "ecomms-zoom/0.1"


class ZoomRequestError(TerminalError):
    """Zoom refused a request for a reason retrying cannot fix (status and code attached)."""

    def __init__(self, message: str, status: int, code: int | None, **context: Any) -> None:
        super().__init__(message, status=status, code=code, **context)
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


def encode_uuid(uuid: str) -> str:
    """Encode a meeting UUID for a path: always twice, which Zoom accepts for every UUID."""
    return quote(quote(uuid, safe=""), safe="")


def describe(value: Any) -> str:
    """A JSON type name for error messages."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number" if isinstance(value, int | float) else "unknown")


def _is_daily(response: httpx.Response, wait: float) -> bool:
    kind = response.headers.get("X-RateLimit-Type", "").lower()
    return kind.startswith("daily") or wait > LONG_WAIT


def _body_code(response: httpx.Response) -> tuple[int | None, str]:
    try:
        body = response.json()
    except ValueError:
        return None, ""
    if not isinstance(body, dict):
        return None, ""
    code = body.get("code")
    return (code if isinstance(code, int) else None), str(body.get("message", ""))


class ZoomClient:
    """One HTTP client per source; every call goes through the budget and the retry table.

    ``budgets(account_id, plan, label, share)`` gives the rate budget of a call (by default
    the process-wide one) and ``sleep`` waits between transient retries; tests pass ones that
    run on a virtual clock.
    """

    def __init__(
        self,
        config: ZoomConfig,
        provider: TokenProvider,
        *,
        budgets: Callable[[str, str, str, float], RateBudget] = budget_for,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.provider = provider
        self._budgets = budgets
        self._sleep = sleep
        self.http = httpx.Client(
            base_url=config.api_base_url.rstrip("/"),
            auth=S2SAuth(provider),
            timeout=httpx.Timeout(config.timeout_seconds, connect=10.0),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def request(
        self, method: str, path: str, params: dict[str, Any] | None = None, json: Any = None
    ) -> httpx.Response | None:
        """Send one call with retries; ``None`` when Zoom says the data does not exist."""
        where = f"{method} {unquote(unquote(path))}"
        label = label_for(method, path)
        budget = self._budgets(
            self.config.account_id, self.config.plan, label, self.config.rate_share
        )
        failures = limited = 0
        while True:
            if budget.exhausted_for():
                raise _daily_limit(where, label, budget.exhausted_for())
            budget.acquire()
            try:
                response = self.http.request(method, path, params=params, json=json)
            except httpx.TransportError as exc:
                failures += 1
                self._give_up_or_wait(failures, f"{where}: {type(exc).__name__}")
                continue
            code, message = _body_code(response) if response.status_code >= 400 else (None, "")
            action = classify(response.status_code, code)
            if action is Action.OK:
                return response
            if action is Action.ABSENT:
                return None
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
                self._give_up_or_wait(failures, f"{where}: HTTP {response.status_code}")
                continue
            raise self._terminal(action, where, response.status_code, code, message)

    def _give_up_or_wait(self, failures: int, what: str) -> None:
        if failures >= self.config.max_attempts:
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
        return ZoomRequestError(
            f"{where}: Zoom answered {status} code {code}: {message}"[:500], status, code
        )

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """GET a JSON object; ``None`` when absent; ``PayloadError`` when not an object."""
        response = self.request("GET", path, params=params)
        if response is None:
            return None
        where = f"GET {unquote(unquote(path))}"
        try:
            body = response.json()
        except ValueError:
            raise PayloadError(f"{where}: response is not valid JSON") from None
        if not isinstance(body, dict):
            raise PayloadError(f"{where}: expected a JSON object, got {describe(body)}")
        return body

    def pages(self, path: str, params: dict[str, Any], key: str) -> Iterator[dict[str, Any]]:
        """Yield each page of a token-paginated list, sending identical parameters each time.

        Checks that ``key`` is an array on every page.
        """
        where = f"GET {unquote(unquote(path))}"
        token = ""
        while True:
            query = dict(params, next_page_token=token) if token else dict(params)
            page = self.get_json(path, query)
            if page is None:
                return
            if not isinstance(page.get(key, []), list):
                got = describe(page.get(key))
                raise PayloadError(f"{where}: field '{key}' expected array, got {got}")
            yield page
            token = page.get("next_page_token") or ""
            if not isinstance(token, str):
                raise PayloadError(f"{where}: field 'next_page_token' expected string")
            if not token:
                return

    def collect(self, path: str, params: dict[str, Any], key: str) -> list[Any] | None:
        """Every item of ``key`` over all pages; ``None`` when the list does not exist."""
        items: list[Any] = []
        found = False
        for page in self.pages(path, params, key):
            found = True
            items.extend(page.get(key) or [])
        return items if found else None
