"""Plain-httpx helpers for the simulator's contract tests (independent of our connector)."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

import httpx
import pytest
from ecomms_zoom_simulator import Simulator
from ecomms_zoom_simulator.webhooks import encrypted_token

from tests.fixtures.zoom_simulator import mint_token


class Api:
    """A bearer-authenticated httpx client on one simulator, with the account's two weeks."""

    WEEK_1 = {"from": "2026-10-01T00:00:00Z", "to": "2026-10-08T00:00:00Z"}
    WEEK_2 = {"from": "2026-10-08T00:00:00Z", "to": "2026-10-15T00:00:00Z"}

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.http = httpx.Client(timeout=10)
        self.token = mint_token(sim, self.http)

    def get(self, path: str, **params: object) -> httpx.Response:
        """GET an API path (relative to /v2)."""
        return self.http.get(self.sim.api_base_url + path, params=params, headers=self.auth)

    @property
    def auth(self) -> dict[str, str]:
        """The Authorization header."""
        return {"Authorization": f"Bearer {self.token}"}

    def all_meetings(self, **params: object) -> list[dict]:
        """Every meeting object of both weeks of the simulated account."""
        meetings = []
        for week in (self.WEEK_1, self.WEEK_2):
            query = {**week, "page_size": 300, **params}
            while True:
                body = self.get("/archive_files", **query).json()
                meetings += body["meetings"]
                if not body["next_page_token"]:
                    break
                query["next_page_token"] = body["next_page_token"]
        return meetings

    @staticmethod
    def encode(uuid: str) -> str:
        """Double-encode a meeting UUID for a path, as Zoom requires."""
        return quote(quote(uuid, safe=""), safe="")

    def mint(self) -> str:
        """Mint a fresh token (without replacing this client's)."""
        return mint_token(self.sim, self.http)

    def download(self, archive_file: dict, **headers: str) -> httpx.Response:
        """GET a file's download_url with the bearer token."""
        return self.http.get(archive_file["download_url"], headers={**self.auth, **headers})


@pytest.fixture
def api_factory() -> Iterator[Callable[[Simulator], Api]]:
    """Build :class:`Api` clients; closed after the test."""
    made: list[Api] = []

    def make(sim: Simulator) -> Api:
        made.append(Api(sim))
        return made[-1]

    yield make
    for api in made:
        api.http.close()
        assert api.sim.inspect()["errors"] == [], "the simulator answered 500"


@pytest.fixture
def api(zoom_simulator: Simulator, api_factory: Callable[[Simulator], Api]) -> Api:
    """A client on the default small simulated account."""
    return api_factory(zoom_simulator)


@pytest.fixture(scope="session")
def schemas() -> ModuleType:
    """``schemas.py`` of this directory: Zoom's published schemas with the documented exceptions.

    (Loaded by path: with ``--import-mode=importlib`` test modules cannot import siblings.)
    """
    spec = importlib.util.spec_from_file_location(
        "zoom_sim_schemas", Path(__file__).with_name("schemas.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Receiver(BaseHTTPRequestHandler):
    """A webhook endpoint that records deliveries and answers validation (rightly or not)."""

    received: list[tuple[dict, bytes]]
    secret: str
    honest: bool

    def log_message(self, format, *args):
        """Quiet."""

    def do_POST(self):
        """Record the delivery; answer a validation challenge."""
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        event = json.loads(body)
        answer = b""
        if event["event"] == "endpoint.url_validation":
            plain = event["payload"]["plainToken"]
            key = self.secret if self.honest else "wrong"
            answer = json.dumps(
                {"plainToken": plain, "encryptedToken": encrypted_token(key, plain)}
            ).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def webhook_receiver() -> Iterator[Callable[..., tuple[str, list[tuple[dict, bytes]]]]]:
    """Start webhook endpoints: ``start(secret, honest=True)`` -> (url, deliveries)."""
    servers = []

    def start(secret: str, honest: bool = True) -> tuple[str, list[tuple[dict, bytes]]]:
        handler = type("H", (_Receiver,), {"received": [], "secret": secret, "honest": honest})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/zoom", handler.received

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
