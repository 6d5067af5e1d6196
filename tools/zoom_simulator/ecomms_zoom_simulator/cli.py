"""``ecomms zoom simulator``: serve a simulated Zoom account from the command line."""

from __future__ import annotations

import threading
from typing import Any

import click

from ecomms_zoom_simulator.config import (
    FILE_TYPES,
    PLANS,
    PROFILE_SETS,
    SCOPE_SETS,
    TXT_LAYOUTS,
    SimulatorConfig,
)
from ecomms_zoom_simulator.server import Simulator

__all__ = ["simulator_command"]

_DEFAULT = SimulatorConfig()  # the switches' defaults (some flip once the connector is ready)


@click.group(name="zoom")
def simulator_command() -> None:
    """Zoom tools."""


@simulator_command.command(name="simulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8099, show_default=True, type=int, help="Port (0 = any free).")
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the account.")
@click.option("--meetings", default=20, show_default=True, type=int, help="Top-level meetings.")
@click.option("--plan", default="business", show_default=True, type=click.Choice(PLANS))
@click.option("--fault", "faults", multiple=True, help="A fault switch, e.g. 5xx:0.1 (repeatable).")
@click.option("--unknown-types", is_flag=True, help="Add files of undocumented types.")
@click.option(
    "--file-types",
    type=click.Choice(FILE_TYPES),
    default=_DEFAULT.file_types,
    show_default=True,
    help="documented: Zoom's current enums only; legacy: transcripts typed TRANSCRIPT.",
)
@click.option(
    "--scope-set", type=click.Choice(SCOPE_SETS), default=_DEFAULT.scope_set, show_default=True
)
@click.option(
    "--unknown-endpoint-status",
    type=click.Choice(["400", "404"]),
    default=str(_DEFAULT.unknown_endpoint_status),
    show_default=True,
    help="Status of unknown endpoints (Zoom: 400, code 2300).",
)
@click.option(
    "--refusals/--no-refusals",
    default=_DEFAULT.refusals,
    show_default=True,
    help="Refuse lookups as Zoom documents (external meetings, breakout rooms...).",
)
@click.option(
    "--heavy-survey-reports/--medium-survey-reports",
    default=_DEFAULT.heavy_survey_reports,
    show_default=True,
)
@click.option(
    "--profiles", type=click.Choice(PROFILE_SETS), default=_DEFAULT.profiles, show_default=True
)
@click.option(
    "--txt-layout", type=click.Choice(TXT_LAYOUTS), default=_DEFAULT.txt_layout, show_default=True
)
@click.option("--small-media", is_flag=True, help="Every MP4 and M4A a few KiB.")
@click.option(
    "--complete-per-minute", default=0.0, type=float, help="New meetings completing per minute."
)
@click.option("--webhook-url", default=None, help="Where completing meetings' webhooks go.")
@click.option("--redirect", is_flag=True, help="Answer downloads with a 302 to a signed URL.")
@click.option("--token-ttl", default=3600, show_default=True, type=int, help="Token lifetime (s).")
def serve(faults: tuple[str, ...], redirect: bool, **options: Any) -> None:
    """Serve a seeded, simulated Zoom account until interrupted (Ctrl-C)."""
    options["unknown_endpoint_status"] = int(options["unknown_endpoint_status"])
    try:
        config = SimulatorConfig(faults=list(faults), download_redirect=redirect, **options)
        sim = Simulator(config)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    try:
        sim.start()
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {config.host}:{config.port}: {exc.strerror}"
        ) from None
    _print_settings(sim, config.seed)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        sim.stop()


def _print_settings(sim: Simulator, seed: int) -> None:
    """Print what a connector needs to reach the simulated account."""
    click.echo(f"Zoom simulator: {len(sim.account.meetings)} archived instances (seed {seed})")
    for label, value in (
        ("api_base_url", sim.api_base_url),
        ("oauth_token_url", sim.oauth_token_url),
        ("account_id", sim.account_id),
        ("client_id", sim.client_id),
        ("client_secret", sim.client_secret),
        ("webhook_secret", sim.webhook_secret),
        ("capture_from", sim.capture_from),
        ("inspect", sim.base_url + "/_sim/inspect"),
    ):
        click.echo(f"  {label:16} {value}")
