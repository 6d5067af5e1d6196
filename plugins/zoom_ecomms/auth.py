"""Server-to-Server OAuth: one cached token per app, shared by all work of the process.

The token is minted with ``grant_type=account_credentials``, re-minted a minute before it
expires and once when Zoom answers 401 or code 124. Neither the token nor the client secret
ever reaches a log, an error or a record.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator

import httpx

from core.config import Secret
from core.errors import AuthError, TransientError

__all__ = ["S2SAuth", "TokenProvider", "token_provider"]

REFRESH_MARGIN_SECONDS = 60.0

_providers: dict[tuple[str, str, str], TokenProvider] = {}
_providers_lock = threading.Lock()


class TokenProvider:
    """Mints and caches the access token of one S2S app; thread-safe."""

    def __init__(
        self, token_url: str, account_id: str, client_id: str, secret: Secret, timeout: float
    ) -> None:
        self._url = token_url
        self._account_id = account_id
        self._client_id = client_id
        self._secret = secret
        self._timeout = timeout
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.granted_scopes: frozenset[str] = frozenset()
        self.mint_count = 0

    def token(self) -> str:
        """Return a token with more than a minute of life, minting one if needed."""
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at:
                self._mint()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (Zoom refused it) unless another thread already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _mint(self) -> None:
        try:
            response = httpx.post(
                self._url,
                data={"grant_type": "account_credentials", "account_id": self._account_id},
                auth=(self._client_id, self._secret.reveal()),
                timeout=self._timeout,
            )
        except httpx.HTTPError as exc:
            raise TransientError(
                f"cannot reach the Zoom token endpoint: {type(exc).__name__}", url=self._url
            ) from None
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(
                f"Zoom token endpoint answered {response.status_code}", url=self._url
            )
        body = _json_or_empty(response)
        if response.status_code != 200 or not isinstance(body.get("access_token"), str):
            reason = body.get("reason") or body.get("error") or f"HTTP {response.status_code}"
            raise AuthError(
                f"Zoom refused the app's credentials ({reason}): check account_id, client_id "
                "and client_secret of the Server-to-Server OAuth app, and that it is activated",
                account_id=self._account_id,
            )
        self._token = body["access_token"]
        expires_in = float(body.get("expires_in") or 3600)
        self._expires_at = time.monotonic() + max(expires_in - REFRESH_MARGIN_SECONDS, 1.0)
        self.granted_scopes = frozenset(str(body.get("scope", "")).split())
        self.mint_count += 1


def _json_or_empty(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def token_provider(
    token_url: str, account_id: str, client_id: str, secret: Secret, timeout: float = 30.0
) -> TokenProvider:
    """Return the process-wide provider of this app (one token shared by every worker)."""
    key = (token_url, account_id, client_id)
    with _providers_lock:
        provider = _providers.get(key)
        if provider is None or provider._secret != secret:
            provider = TokenProvider(token_url, account_id, client_id, secret, timeout)
            _providers[key] = provider
        return provider


def _is_expired_token(response: httpx.Response) -> bool:
    if response.status_code == 401:
        return True
    if response.status_code != 400:
        return False
    response.read()
    return _json_or_empty(response).get("code") == 124


class S2SAuth(httpx.Auth):
    """``httpx.Auth`` adding the Bearer token; on 401 / code 124 re-mints once and retries."""

    def __init__(self, provider: TokenProvider) -> None:
        self.provider = provider

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send ``request`` with the cached token, and once more with a fresh one if refused."""
        token = self.provider.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if _is_expired_token(response):
            self.provider.invalidate(token)
            request.headers["Authorization"] = f"Bearer {self.provider.token()}"
            yield request
