"""Server-to-Server OAuth: one cached token per app, shared by all work of the process.

The token is minted with ``grant_type=account_credentials``, re-minted a minute before it
expires and once when Zoom answers 401 (or code 124, see the client). The client secret,
the Basic credentials made from it and every token minted are registered with
:mod:`plugins.zoom_ecomms.scrub`, so none of them reaches a log, an error or a record.

A token endpoint that cannot be reached is a ``TransientError``; one that does not answer
like Zoom's (404, an HTML page, no JSON) a ``ConfigError`` about ``oauth_token_url``;
Zoom's refusal of the credentials an ``AuthError``: ``ecomms check`` reports the three apart.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Generator

import httpx

from core.config import Secret
from core.errors import AuthError, ConfigError, PayloadError, TransientError
from plugins.zoom_ecomms.models import TokenError, TokenResponse, decode
from plugins.zoom_ecomms.scrub import add_secret, scrub
from plugins.zoom_ecomms.transfer import read_body

__all__ = ["S2SAuth", "TokenProvider", "token_provider"]

REFRESH_MARGIN_SECONDS = 60.0
MAX_TOKEN_BODY = 1 << 20

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
        secret = self._secret.reveal()
        add_secret(secret)
        add_secret(base64.b64encode(f"{self._client_id}:{secret}".encode()).decode())
        status, content_type, body = self._post(secret)
        if status >= 500 or status == 429:
            raise TransientError(f"Zoom token endpoint answered {status}", url=self._url)
        if status == 200:
            try:
                answer = decode(TokenResponse, body, "POST /oauth/token")
            except PayloadError:
                raise self._not_zoom(status, content_type) from None
            add_secret(answer.access_token)
            self._token = answer.access_token
            self._expires_at = time.monotonic() + max(
                float(answer.expires_in) - REFRESH_MARGIN_SECONDS, 1.0
            )
            self.granted_scopes = frozenset(answer.scope.split())
            self.mint_count += 1
            return
        try:
            refusal = decode(TokenError, body, "POST /oauth/token")
        except PayloadError:
            raise self._not_zoom(status, content_type) from None
        if status == 404 or not (refusal.reason or refusal.error):
            raise self._not_zoom(status, content_type)
        raise AuthError(
            f"Zoom refused the app's credentials ({scrub(refusal.reason or refusal.error)}):"
            " check account_id, client_id and client_secret of the Server-to-Server OAuth"
            " app, and that it is activated",
            account_id=self._account_id,
        )

    def _post(self, secret: str) -> tuple[int, str, bytes]:
        deadline = time.monotonic() + 3 * self._timeout
        try:
            with (
                httpx.Client(timeout=self._timeout) as http,
                http.stream(
                    "POST",
                    self._url,
                    data={"grant_type": "account_credentials", "account_id": self._account_id},
                    auth=(self._client_id, secret),
                ) as response,
            ):
                body = read_body(response, MAX_TOKEN_BODY, deadline, "POST /oauth/token")
                return response.status_code, response.headers.get("Content-Type", ""), body
        except httpx.HTTPError as exc:
            raise TransientError(
                f"cannot reach the Zoom token endpoint: {type(exc).__name__}", url=self._url
            ) from None
        except PayloadError:
            raise self._not_zoom(0, "an oversized or corrupt body") from None

    def _not_zoom(self, status: int, content_type: str) -> ConfigError:
        answer = f"HTTP {status}" if status else "no usable answer"
        kind = content_type.split(";")[0].strip() or "no content type"
        return ConfigError(
            f"oauth_token_url {self._url} does not answer like Zoom's token endpoint"
            f" ({answer}, {kind}); use https://zoom.us/oauth/token (or your region's)",
        )


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


class S2SAuth(httpx.Auth):
    """``httpx.Auth`` adding the Bearer token; on 401 re-mints once and retries.

    It never reads a response body (the client reads bodies within its bounds); code 124
    on a 400 is handled by the client's retry table.
    """

    def __init__(self, provider: TokenProvider) -> None:
        self.provider = provider

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send ``request`` with the cached token, and once more with a fresh one if refused."""
        token = self.provider.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            self.provider.invalidate(token)
            request.headers["Authorization"] = f"Bearer {self.provider.token()}"
            yield request
