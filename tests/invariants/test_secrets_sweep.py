"""The secrets sweep finds a secret or a token wherever it is written, and the cassettes in
the repository hold none (the chaos tests sweep what their runs wrote: test_chaos.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ecomms_zoom_simulator import Simulator, SimulatorConfig

from tests.fixtures.zoom_simulator import mint_token
from tests.invariants.secrets import app_secrets, leaks, simulator_secrets

ROOT = Path(__file__).resolve().parents[2]


def test_the_sweep_finds_each_secret_and_any_simulated_token(
    tmp_path: Path, zoom_simulator_factory: Callable[..., Simulator]
) -> None:
    """A token minted out of sight, a known token and the secret, each named by its file."""
    sim = zoom_simulator_factory(seed=3, meetings=1)
    known = mint_token(sim)
    unseen = mint_token(zoom_simulator_factory(seed=4, meetings=1))
    (tmp_path / "log.txt").write_text(f"error: Bearer {known}\n")
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "state.db").write_bytes(b"\0\0" + unseen.encode() + b"\0")
    (tmp_path / "record.json").write_text(f'{{"text": "{sim.client_secret}"}}')
    (tmp_path / "clean.json").write_text('{"text": "Bearer [redacted]"}')
    found = leaks(simulator_secrets(sim), [tmp_path])
    assert found == [
        f"{tmp_path / 'deep' / 'state.db'}: a simulated access token",
        f"{tmp_path / 'log.txt'}: token 1",
        f"{tmp_path / 'record.json'}: client secret",
    ]


def test_no_cassette_holds_a_secret_or_a_token() -> None:
    """Every cassette in the repository, swept for the simulated app's secrets and tokens."""
    roots = [ROOT / "cassettes", *ROOT.glob("tests/**/cassettes")]
    defaults = SimulatorConfig()
    secrets = {
        **app_secrets(defaults.client_id, defaults.client_secret),
        "webhook secret": defaults.webhook_secret,
    }
    assert [r for r in roots if r.is_dir()], "the repository has cassettes"
    assert leaks(secrets, [r for r in roots if r.is_dir()]) == []
