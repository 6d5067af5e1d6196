"""Server-to-Server OAuth: minting tokens, and checking them on every API call (ZOOM_API §1)."""

from __future__ import annotations

import base64
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from ecomms_zoom_simulator.http import ApiError, Request, Response, json_response

__all__ = ["Token", "TokenStore"]


@dataclass
class Token:
    """A minted access token: its scopes, expiry and how often it was used."""

    value: str
    scopes: frozenset[str]
    expires_at: float
    calls: int = 0
    revoked: bool = False


def _oauth_error(error: str, reason: str) -> Response:
    return json_response({"reason": reason, "error": error}, 400)


class TokenStore:
    """Mints tokens for the one S2S app of the account and validates bearer tokens."""

    def __init__(
        self,
        account_id: str,
        client_id: str,
        client_secret: str,
        scopes: list[str],
        ttl: int,
        api_url: str,
    ) -> None:
        self.account_id, self.client_id, self.client_secret = account_id, client_id, client_secret
        self.scopes, self.ttl, self.api_url = scopes, ttl, api_url
        self.invalidate_previous_on_mint = False
        self.refuse_minting = False  # the app's secret changed: minting fails (a fault)
        self.expire_after_calls: int | None = None
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()
        self.minted = 0

    def _client_ok(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return False
        return secrets.compare_digest(client_id, self.client_id) and secrets.compare_digest(
            secret, self.client_secret
        )

    def token_endpoint(self, req: Request) -> Response:
        """``POST /oauth/token``: grant from the query string or a form body."""
        params = dict(req.query)
        if req.body:
            params.update(parse_qs(req.body.decode(errors="replace")))
        grant = (params.get("grant_type") or [""])[0]
        if self.refuse_minting or not self._client_ok(req.headers.get("authorization", "")):
            return _oauth_error("invalid_client", "Invalid client_id or client_secret")
        if grant != "account_credentials":
            return _oauth_error("unsupported_grant_type", "unsupported grant type")
        if (params.get("account_id") or [""])[0] != self.account_id:
            return _oauth_error("invalid_request", "Invalid account_id")
        token = self.mint()
        return json_response(
            {
                "access_token": token.value,
                "token_type": "bearer",
                "expires_in": self.ttl,
                "scope": " ".join(self.scopes),
                "api_url": self.api_url,
            }
        )

    def mint(self, scopes: list[str] | None = None) -> Token:
        """Create a token (revoking the earlier ones when the switch says so).

        ``scopes`` defaults to the app's grant; a webhook ``download_token`` gets none.
        """
        value = "eyJzaW0iOiJ6b29tIn0." + secrets.token_urlsafe(48)
        granted = frozenset(self.scopes if scopes is None else scopes)
        token = Token(value, granted, time.time() + self.ttl)
        with self._lock:
            if self.invalidate_previous_on_mint:
                for old in self._tokens.values():
                    old.revoked = True
            self._tokens[value] = token
            self.minted += 1
        return token

    def revoke_all(self) -> None:
        """Revoke every token minted so far (later ones work, unless minting is refused)."""
        with self._lock:
            for token in self._tokens.values():
                token.revoked = True

    def authenticate(self, req: Request) -> Token:
        """The valid token of ``req``, or a 401 / 124 error (tokens in the query never count)."""
        if "access_token" in req.query:
            raise ApiError(401, 124, "Invalid access token.")
        scheme, _, value = req.headers.get("authorization", "").partition(" ")
        with self._lock:
            token = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
            if token is None or token.revoked:
                raise ApiError(401, 124, "Invalid access token.")
            token.calls += 1
            over = self.expire_after_calls is not None and token.calls > self.expire_after_calls
            if over or time.time() >= token.expires_at:
                raise ApiError(401, 124, "Access token is expired.")
        return token

    @staticmethod
    def require(token: Token, scopes: frozenset[str], needed: tuple[str, ...]) -> None:
        """Raise 400 / 4711 naming the scopes when ``token`` holds none of ``scopes``."""
        if not token.scopes & scopes:
            raise ApiError(
                400, 4711, f"Invalid access token, does not contain scopes:[{', '.join(needed)}]."
            )
