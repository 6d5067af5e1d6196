"""The webhook receiver over real HTTP on loopback: validation, signatures, hints."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from core.config import Secret
from plugins.zoom_ecomms.webhook import WebhookReceiver, sign, validation_reply

SECRET = "whsec-test"


@pytest.fixture
def receiver():
    r = WebhookReceiver(Secret(SECRET)).start()
    yield r
    r.stop()


def post(receiver: WebhookReceiver, event: dict, secret: str = SECRET, age: float = 0):
    body = json.dumps(event).encode()
    ts = str(int(time.time() - age))
    headers = {
        "x-zm-request-timestamp": ts,
        "x-zm-signature": sign(secret, ts, body),
        "content-type": "application/json",
    }
    return httpx.post(receiver.url, content=body, headers=headers)


def test_documented_validation_vector():
    reply = validation_reply("secret123", "qgg8vlvZRS6UYooatFL8Aw")
    assert reply["encryptedToken"] == (
        "ec1ef6227291f8e16a3ac1ad6167e86557df46bd0e06a0f3acd2bdb2be34baa4"
    )


def test_url_validation_is_answered(receiver):
    event = {"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}
    response = post(receiver, event)
    assert response.status_code == 200
    assert response.json() == validation_reply(SECRET, "abc")


def test_archive_event_wakes_the_poller(receiver):
    event = {
        "event": "recording.archive_files_completed",
        "event_ts": 1,
        "payload": {"object": {"uuid": "u-1", "archive_files": []}},
    }
    assert post(receiver, event).status_code == 200
    assert receiver.wait(1.0) is True
    assert receiver.hinted == ["u-1"]
    assert receiver.wait(0.05) is False


def test_bad_and_stale_signatures_are_rejected(receiver):
    event = {"event": "recording.archive_files_completed", "payload": {"object": {"uuid": "x"}}}
    assert post(receiver, event, secret="wrong").status_code == 401
    assert post(receiver, event, age=600).status_code == 401
    assert receiver.hinted == []
