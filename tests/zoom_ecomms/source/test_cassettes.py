"""The Zoom HTTP client replayed from strict, scrubbed vcrpy cassettes.

Cassettes live in ``cassettes/zoom_ecomms/``, one per test, and are replayed with
``record_mode="none"``: every interaction must be played, none twice. To re-record them
against the simulator, run this file with ``ECOMMS_RECORD_CASSETTES=1`` in the environment.
Authorization headers, tokens, the client secret and the account id are scrubbed before
anything is written, and the simulator's address is replaced by a placeholder host.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import vcr

from core.config import Secret
from core.errors import ScopeError
from plugins.zoom_ecomms.auth import S2SAuth, TokenProvider
from plugins.zoom_ecomms.client import ZoomClient
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.download import Downloader
from plugins.zoom_ecomms.enrich import plan
from plugins.zoom_ecomms.listing import list_window
from plugins.zoom_ecomms.lookups import run_lookups
from plugins.zoom_ecomms.models import ArchiveMeeting, PastMeeting, decode

RECORD = os.environ.get("ECOMMS_RECORD_CASSETTES") == "1"
CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "zoom_ecomms"
BASE = "https://zoom.cassette.test"
ACCOUNT, CLIENT, SECRET, TOKEN = "ACCOUNT_ID", "CLIENT_ID", "CLIENT_SECRET", "REDACTED_TOKEN"
START, END = datetime(2026, 9, 30, tzinfo=UTC), datetime(2026, 10, 7, tzinfo=UTC)


ZOOM_AS_DOCUMENTED = {  # the simulator's switches for Zoom's documented behaviour
    "refusals": True,
    "unknown_endpoint_status": 400,
    "file_types": "documented",
    "heavy_survey_reports": True,
    "profiles": "realistic",
}
SIM_OPTIONS = {  # simulator settings of the tests that need more than the defaults
    "test_missing_scope_stops_with_the_scope_named": {
        "granted_scopes": ["archiving:read:list_archived_files:admin"]
    },
}


class Env:
    """What a cassette test works with: a config, a fresh token provider, a client."""

    def __init__(self, base: str, account: str, client_id: str, secret: str) -> None:
        self.config = ZoomConfig(
            account_id=account,
            client_id=client_id,
            client_secret=Secret(secret),
            api_base_url=f"{base}/v2",
            oauth_token_url=f"{base}/oauth/token",
            media="none",
            content=["chat", "polls", "qa"],
            plan="business",
            max_attempts=2,
        )
        self.provider = TokenProvider(
            self.config.oauth_token_url, account, client_id, Secret(secret), 10.0
        )
        self.client = ZoomClient(self.config, self.provider)


def _scrubbers(real_base: str, secrets: list[str]):
    def scrub_text(text: str) -> str:
        text = text.replace(real_base, BASE)
        for secret, placeholder in secrets:
            text = text.replace(secret, placeholder)
        return re.sub(r'"access_token":\s*"[^"]+"', f'"access_token": "{TOKEN}"', text)

    def request(req):
        req.uri = scrub_text(req.uri)
        if req.body:
            body = req.body.decode() if isinstance(req.body, bytes) else req.body
            req.body = scrub_text(body).encode()
        return req

    def response(resp):
        body = resp.get("body", {}).get("string")
        if body:
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            resp["body"]["string"] = scrub_text(text).encode()
        resp["headers"] = {
            k: v
            for k, v in resp.get("headers", {}).items()
            if k.lower() not in ("set-cookie", "x-zm-trackingid", "date")
        }
        return resp

    return request, response


@pytest.fixture
def env(request, zoom_simulator_factory):
    """An Env wired to a cassette: recording against a simulator, or replaying strictly."""
    if RECORD:
        options = {**ZOOM_AS_DOCUMENTED, **SIM_OPTIONS.get(request.node.name, {})}
        sim = zoom_simulator_factory(seed=7, meetings=3, **options)
        real = sim.api_base_url.removesuffix("/v2")
        pairs = [(sim.client_secret, SECRET), (sim.account_id, ACCOUNT), (sim.client_id, CLIENT)]
        built = Env(real, sim.account_id, sim.client_id, sim.client_secret)
    else:
        real, pairs = BASE, []
        built = Env(BASE, ACCOUNT, CLIENT, SECRET)
    scrub_request, scrub_response = _scrubbers(real, pairs)
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="all" if RECORD else "none",
        filter_headers=["authorization", "host"],
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        match_on=["method", "scheme", "host", "port", "path", "query"],
        decode_compressed_response=True,
    )
    name = f"{request.node.name}.yaml"
    with recorder.use_cassette(name, allow_playback_repeats=False) as cassette:
        yield built
        built.client.close()
    if not RECORD:
        assert cassette.all_played, "some recorded interactions were not replayed"


def _meetings(env) -> list[ArchiveMeeting]:
    listed, _ = list_window(env.client, START, END)
    assert listed and all(item.meeting is not None for item in listed)
    return [item.meeting for item in listed]


def test_list_and_enrich_a_meeting(env, tmp_path):
    meetings = _meetings(env)
    assert all(m.archive_files for m in meetings)
    internal = next(m for m in meetings if not m.is_external and not m.is_breakout_room)
    found, gaps = run_lookups(env.client, plan(internal, env.config), tmp_path, datetime.now(UTC))
    names = {part.meta["payload"] for part in found}
    assert {"past_meeting", "host", "participants", "qa"} <= names
    assert "summary" not in names  # not selected
    past = next(p for p in found if p.meta["payload"] == "past_meeting")
    assert decode(PastMeeting, Path(past.path).read_bytes(), "past").uuid == internal.uuid
    assert all(g.kind == "lookup" for g in gaps)


def test_download_is_verified(env, tmp_path):
    chat = next(
        f
        for m in _meetings(env)
        for f in m.archive_files
        if f.file_type == "CHAT_MESSAGE" and f.status == "completed"
    )
    watchdog = env.client.watchdog
    downloader = Downloader(env.client.http, S2SAuth(env.provider), env.config, watchdog)
    spooled = downloader.fetch(chat, tmp_path)
    assert spooled.sha256 == chat.encryption_fingerprint
    assert json.loads(Path(spooled.path).read_bytes())["messages"]


def test_auto_delete_patch(env):
    file_id = _meetings(env)[0].archive_files[0].id
    answer = env.client.request("PATCH", f"/archive_files/{file_id}", json={"auto_delete": True})
    assert answer.status == 204


def test_missing_scope_stops_with_the_scope_named(env, tmp_path):
    meeting = _meetings(env)[0]
    with pytest.raises(ScopeError, match="meeting:read:past_meeting:admin"):
        run_lookups(env.client, plan(meeting, env.config), tmp_path, datetime.now(UTC))
    assert env.provider.granted_scopes == {"archiving:read:list_archived_files:admin"}


def test_no_cassette_holds_a_secret_or_token():
    from ecomms_zoom_simulator.config import SimulatorConfig

    defaults = SimulatorConfig()
    files = sorted(CASSETTES.glob("*.yaml"))
    assert len(files) >= 4
    for path in files:
        text = path.read_text()
        for secret in (
            defaults.client_secret,
            defaults.account_id,
            defaults.client_id,
            "eyJzaW0iOiJ6b29tIn0",
            "127.0.0.1",
        ):
            assert secret not in text, f"{path.name} contains {secret!r}"
        assert not re.search(r"(?i)authorization:", text), path.name
        assert not re.search(r'access_token":\s*"(?!REDACTED_TOKEN)', text), path.name
