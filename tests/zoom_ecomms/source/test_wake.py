"""Webhook-triggered polls: ``ZoomSource.wait_for_work`` over real HTTP on loopback."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import msgspec
import pytest

from core.config import Secret, convert_component, settings_from_dict
from core.errors import ConfigError
from core.protocols import WakeableSource
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.webhook import sign


def wakeable(make_source, sim, **overrides):
    options = dict(webhook_secret=Secret(sim.webhook_secret), webhook_port=0)
    options.update(overrides)
    return make_source(sim, **options)


def test_signed_archive_event_wakes_the_source(zoom_simulator, make_source):
    source = wakeable(make_source, zoom_simulator)
    assert isinstance(source, WakeableSource)
    url = source.webhook_receiver().url
    assert zoom_simulator.validate_webhook_url(url)
    sender = threading.Timer(0.2, zoom_simulator.send_webhook, args=(url,))
    sender.start()
    assert source.wait_for_work(30) is True
    sender.join()
    assert zoom_simulator.inspect()["webhooks"][-1]["status"] == 200
    # the hint was consumed: without a new event the next wait times out
    assert source.wait_for_work(0.1) is False


def test_bad_or_stale_signatures_are_rejected_and_wake_nobody(
    zoom_simulator, zoom_simulator_factory, make_source
):
    source = wakeable(make_source, zoom_simulator)
    url = source.webhook_receiver().url
    impostor = zoom_simulator_factory(meetings=2, webhook_secret="not-the-app-secret")
    assert impostor.send_webhook(url) == 401
    assert zoom_simulator.send_webhook(url, timestamp=int(time.time()) - 3600) == 401
    assert not impostor.validate_webhook_url(url)
    assert source.wait_for_work(0.3) is False


def test_a_redelivered_event_wakes_once(zoom_simulator, make_source):
    source = wakeable(make_source, zoom_simulator)
    url = source.webhook_receiver().url
    body = json.dumps(
        {
            "event": "recording.archive_files_completed",
            "event_ts": 1764300000000,
            "payload": {"object": {"uuid": "abc==", "archive_files": []}},
        }
    ).encode()
    for _ in range(2):  # Zoom re-sends when it thinks the first delivery failed
        ts = str(int(time.time()))
        headers = {
            "x-zm-request-timestamp": ts,
            "x-zm-signature": sign(zoom_simulator.webhook_secret, ts, body),
        }
        assert httpx.post(url, content=body, headers=headers).status_code == 200
    assert source.wait_for_work(5) is True
    assert source.wait_for_work(0.1) is False
    assert source.webhook_receiver().hinted == ["abc=="]


def test_without_a_receiver_it_only_waits(zoom_simulator, make_source):
    source = make_source(zoom_simulator)
    assert source.webhook_receiver() is None
    assert source.wait_for_work(0.05) is False


def test_receiver_port_in_use_is_a_clear_config_error(zoom_simulator, make_source):
    source = make_source(
        zoom_simulator, webhook_secret=Secret("x"), webhook_port=zoom_simulator.port
    )
    with pytest.raises(ConfigError, match="choose a free webhook_port"):
        source.wait_for_work(0.01)


def _section(**options):
    body = dict(account_id="a", client_id="c", client_secret={"env": "ZOOM_SECRET"}, **options)
    settings = settings_from_dict(
        {"sources": {"zoom_ecomms": body}}, Path("."), {"ZOOM_SECRET": "s"}
    )
    return settings.sections("sources")[0]


def test_webhook_port_needs_the_secret():
    with pytest.raises(ConfigError, match="webhook_port needs webhook_secret"):
        convert_component(ZoomConfig, _section(webhook_port=9000))
    config = convert_component(
        ZoomConfig, _section(webhook_port=9000, webhook_secret={"env": "ZOOM_SECRET"})
    )
    assert (config.webhook_host, config.webhook_port) == ("127.0.0.1", 9000)


def test_enabled_is_consumed_by_the_host():
    section = _section(enabled=False, display_name="Zoom - EMEA")
    assert section.enabled is False
    assert convert_component(ZoomConfig, section).display_name == "Zoom - EMEA"
    with pytest.raises(msgspec.ValidationError, match="enabled"):
        msgspec.convert({"account_id": "a", "client_id": "c", "enabled": True}, ZoomConfig)


def test_display_name_labels_the_findings(zoom_simulator, make_source):
    source = make_source(zoom_simulator, display_name="Zoom - EMEA")
    credentials = source.check()[0]
    assert credentials.ok and credentials.detail.startswith("Zoom - EMEA:")
    wrong = make_source(
        zoom_simulator, name="wrong", display_name="Zoom - EMEA", client_secret=Secret("bad")
    )
    refused = wrong.check()[0]
    assert not refused.ok and refused.detail.startswith("Zoom - EMEA:")
