"""The webhook sender: signed ``recording.archive_files_completed`` events and URL validation.

Signatures follow ZOOM_API §5.4: ``x-zm-signature: v0=HMAC_SHA256(secret, "v0:{ts}:{body}")``
with ``x-zm-request-timestamp: {ts}`` (epoch seconds).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import TYPE_CHECKING, Any

import httpx

from ecomms_zoom_simulator.payloads import meeting_object

if TYPE_CHECKING:
    from ecomms_zoom_simulator.server import Simulator

__all__ = ["encrypted_token", "send_webhook", "sign_body", "validate_webhook_url"]


def sign_body(secret: str, timestamp: int, body: bytes) -> str:
    """The ``x-zm-signature`` value for ``body`` sent at ``timestamp``."""
    message = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def encrypted_token(secret: str, plain: str) -> str:
    """The ``encryptedToken`` a receiver must answer URL validation with."""
    return hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()


def _post(sim: Simulator, url: str, event: dict[str, Any], timestamp: int | None) -> httpx.Response:
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Zoom Marketplace/1.0a",
        "x-zm-request-timestamp": str(ts),
        "x-zm-signature": sign_body(sim.webhook_secret, ts, body),
        "x-zm-request-id": secrets.token_hex(12),
        "x-zm-trackingid": "v=2.0;clid=us05;rid=" + secrets.token_hex(8),
    }
    return httpx.post(url, content=body, headers=headers, timeout=3.0)


def _event_object(sim: Simulator, meeting_uuid: str | None) -> dict[str, Any]:
    meetings = sim.state.meetings()
    chosen = next((m for m in meetings if m.uuid == meeting_uuid), None) if meeting_uuid else None
    if chosen is None:
        if meeting_uuid:
            raise ValueError(f"no meeting with uuid {meeting_uuid!r}")
        chosen = next(m for m in meetings if m.status == "completed")
    obj = meeting_object(sim.account, chosen, sim.base_url)
    obj.pop("physical_files", None)  # not in Zoom's event type (Rivet)
    for archive_file in obj["archive_files"]:
        archive_file.pop("auto_delete", None)
        archive_file["file_name"] = f"{archive_file['id']}.{archive_file['file_extension'].lower()}"
    return obj


def send_webhook(
    sim: Simulator, url: str, event: str, meeting_uuid: str | None, timestamp: int | None
) -> int:
    """POST one signed event to ``url``; record it in the inspection log; return the status."""
    body: dict[str, Any] = {"event": event, "event_ts": int(time.time() * 1000)}
    body["payload"] = {"account_id": sim.account_id, "object": _event_object(sim, meeting_uuid)}
    if event == "recording.archive_files_completed":
        body["download_token"] = sim.tokens.mint(scopes=[]).value
    response = _post(sim, url, body, timestamp)
    with sim.state.lock:
        sim.state.webhooks.append(
            {
                "event": event,
                "url": url,
                "status": response.status_code,
                "uuid": body["payload"]["object"]["uuid"],
            }
        )
    return response.status_code


def validate_webhook_url(sim: Simulator, url: str) -> bool:
    """Run the ``endpoint.url_validation`` challenge; True when the receiver answers correctly."""
    plain = secrets.token_urlsafe(16)
    body = {
        "event": "endpoint.url_validation",
        "event_ts": int(time.time() * 1000),
        "payload": {"plainToken": plain},
    }
    response = _post(sim, url, body, None)
    ok = False
    if response.status_code in (200, 204):
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        expected = encrypted_token(sim.webhook_secret, plain)
        ok = answer.get("plainToken") == plain and hmac.compare_digest(
            str(answer.get("encryptedToken", "")), expected
        )
    with sim.state.lock:
        sim.state.webhooks.append(
            {
                "event": "endpoint.url_validation",
                "url": url,
                "status": response.status_code,
                "valid": ok,
            }
        )
    return ok
