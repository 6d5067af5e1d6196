"""Plain-httpx helpers for the simulator's contract tests (independent of our connector)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import quote

import httpx
import pytest
from ecomms_zoom_simulator import Simulator

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
            body = self.get("/archive_files", **query).json()
            meetings += body["meetings"]
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
