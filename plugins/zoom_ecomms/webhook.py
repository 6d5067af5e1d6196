"""Webhook receiver: ``recording.archive_files_completed`` is a hint to poll early.

The API listing stays the source of truth; the receiver only wakes the poller. It answers
Zoom's URL validation (``endpoint.url_validation``) and rejects requests whose
``x-zm-signature`` is wrong or whose ``x-zm-request-timestamp`` is older than five minutes.
Zoom re-sends an event it thinks was not received; a repeat (same event, ``event_ts`` and
meeting UUID) is answered 200 but wakes nobody. The HTTP side is
:class:`~plugins.zoom_ecomms.webhook_server.WebhookServer`: bounded bodies, headers and
connections, read deadlines, one log line per refused request (:class:`Limits`). Run it
behind a TLS-terminating proxy: Zoom only calls public HTTPS endpoints. (The simulator
signs with its own code on purpose: it plays Zoom and stays independent of the connector.)
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from core.config import Secret
from core.errors import PayloadError
from plugins.zoom_ecomms.models import ArchiveFilesCompleted, UrlValidation, WebhookEnvelope, decode
from plugins.zoom_ecomms.webhook_http import Limits, Request
from plugins.zoom_ecomms.webhook_server import WebhookServer

__all__ = ["MAX_AGE_SECONDS", "Limits", "WebhookReceiver", "sign", "validation_reply", "verify"]

MAX_AGE_SECONDS = 300
MAX_REMEMBERED = 1024  # deliveries remembered for de-duplication
ARCHIVE_EVENT = "recording.archive_files_completed"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` (the raw bytes)."""
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: float) -> bool:
    """True when the signature matches and the timestamp is at most five minutes old."""
    try:
        age = now - float(timestamp)
    except ValueError:
        return False
    if abs(age) > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def validation_reply(secret: str, plain_token: str) -> dict[str, str]:
    """The answer to ``endpoint.url_validation``: the token and its HMAC-SHA256 in hex."""
    digest = hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": digest}


def _meeting_uuid(body: bytes) -> str:
    """The meeting UUID of an archive event ("" when its object does not decode: the event
    is only a hint to poll, so it still wakes the poller)."""
    try:
        event = decode(ArchiveFilesCompleted, body, "webhook")
    except PayloadError:
        return ""
    return event.payload.object.uuid if event.payload.object else ""


class WebhookReceiver:
    """Zoom's webhook endpoint; ``wait(timeout)`` returns True when an archive event arrived.

    ``limits`` bounds the HTTP side (body, headers, deadlines, connections; :class:`Limits`).
    """

    def __init__(
        self,
        secret: Secret,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        limits: Limits | None = None,
    ) -> None:
        self._secret = secret
        self._event = threading.Event()
        self.hinted: list[str] = []
        self._seen: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self._seen_lock = threading.Lock()
        self.server = WebhookServer(host, port, self._serve, limits or Limits())

    @property
    def url(self) -> str:
        """Where the receiver listens."""
        host, port = self.server.address
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def start(self) -> WebhookReceiver:
        """Start serving in a background thread."""
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.server.stop()

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for an archive event; clear the hint when seen."""
        seen = self._event.wait(timeout)
        self._event.clear()
        return seen

    def handle(self, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        """Process one delivery (lower-case header names); return the status and JSON reply."""
        secret = self._secret.reveal()
        timestamp = headers.get("x-zm-request-timestamp", "")
        if not verify(secret, timestamp, body, headers.get("x-zm-signature", ""), time.time()):
            return 401, {"error": "bad or stale signature"}
        try:
            envelope = decode(WebhookEnvelope, body, "webhook")
            if envelope.event == "endpoint.url_validation":
                plain = decode(UrlValidation, body, "webhook").payload.plain_token
                return 200, validation_reply(secret, plain)
        except PayloadError as exc:
            return 400, {"error": exc.message}
        if envelope.event == ARCHIVE_EVENT:
            uuid = _meeting_uuid(body)
            if self._first_delivery((ARCHIVE_EVENT, str(envelope.event_ts), uuid)):
                self.hinted.append(uuid)
                del self.hinted[:-MAX_REMEMBERED]
                self._event.set()
        return 200, {}

    def _serve(self, request: Request) -> tuple[int, dict[str, Any]]:
        return self.handle(request.headers, request.body)

    def _first_delivery(self, key: tuple[str, str, str]) -> bool:
        with self._seen_lock:
            if key in self._seen:
                return False
            self._seen[key] = None
            if len(self._seen) > MAX_REMEMBERED:
                self._seen.popitem(last=False)
            return True
