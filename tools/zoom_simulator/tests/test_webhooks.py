"""The webhook sender: signed archive events and the URL-validation challenge."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
import pytest
from ecomms_zoom_simulator.webhooks import encrypted_token


@pytest.fixture
def receiver(zoom_simulator, webhook_receiver):
    """Start a receiver that knows the simulator's webhook secret."""
    return lambda honest=True: webhook_receiver(zoom_simulator.webhook_secret, honest)


def test_encrypted_token_matches_the_documented_vector():
    expected = "ec1ef6227291f8e16a3ac1ad6167e86557df46bd0e06a0f3acd2bdb2be34baa4"
    assert encrypted_token("secret123", "qgg8vlvZRS6UYooatFL8Aw") == expected


def test_archive_event_is_signed_over_the_raw_body(zoom_simulator, receiver):
    url, received = receiver()
    assert zoom_simulator.send_webhook(url) == 200
    headers, body = received[0]
    message = f"v0:{headers['x-zm-request-timestamp']}:".encode() + body
    digest = hmac.new(zoom_simulator.webhook_secret.encode(), message, hashlib.sha256).hexdigest()
    assert headers["x-zm-signature"] == "v0=" + digest
    assert headers["user-agent"] == "Zoom Marketplace/1.0a"
    event = json.loads(body)
    assert event["event"] == "recording.archive_files_completed"
    assert event["payload"]["account_id"] == zoom_simulator.account_id
    files = event["payload"]["object"]["archive_files"]
    assert files and all("file_name" in f and "auto_delete" not in f for f in files)
    assert zoom_simulator.inspect()["webhooks"][0]["status"] == 200


def test_download_token_of_the_event_downloads_files(zoom_simulator, receiver):
    url, received = receiver()
    zoom_simulator.send_webhook(url)
    event = json.loads(received[0][1])
    archive_file = next(
        f for f in event["payload"]["object"]["archive_files"] if f["status"] == "completed"
    )
    headers = {"Authorization": f"Bearer {event['download_token']}"}
    response = httpx.get(archive_file["download_url"], headers=headers)
    assert hashlib.sha256(response.content).hexdigest() == archive_file["encryption_fingerprint"]
    # The download token is not an API token: it holds no scope.
    api = httpx.get(zoom_simulator.api_base_url + "/archive_files", headers=headers)
    assert api.json()["code"] == 4711


def test_event_for_a_chosen_meeting_and_stale_timestamp(zoom_simulator, receiver):
    url, received = receiver()
    uuid = zoom_simulator.account.meetings[2].uuid
    zoom_simulator.send_webhook(url, meeting_uuid=uuid, timestamp=1_000_000_000)
    headers, body = received[0]
    assert json.loads(body)["payload"]["object"]["uuid"] == uuid
    assert headers["x-zm-request-timestamp"] == "1000000000"
    with pytest.raises(ValueError):
        zoom_simulator.send_webhook(url, meeting_uuid="no-such-meeting")


def test_url_validation_accepts_only_the_right_answer(zoom_simulator, receiver):
    good_url, received = receiver(honest=True)
    assert zoom_simulator.validate_webhook_url(good_url) is True
    assert json.loads(received[0][1])["event"] == "endpoint.url_validation"
    bad_url, _ = receiver(honest=False)
    assert zoom_simulator.validate_webhook_url(bad_url) is False
