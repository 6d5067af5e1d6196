"""``ecomms demo``: the whole product on one machine, with no account and no server.

Starts the bundled Zoom simulator (fixed seed) on a free loopback port, writes
``DIR/ecomms.toml`` for it with the embedded sinks (filesystem archive + SQLite search
store) and the policies transformer, runs one full capture through the real host (the same
code path as ``ecomms --config DIR/ecomms.toml run --once``), then prints what was captured
and a few example searches with the commands to run more. Re-running on the same ``DIR``
is safe: already captured meetings are skipped, nothing is duplicated.

The config keeps its source enabled and its secret as ``{ env = "ECOMMS_DEMO_ZOOM_SECRET" }``
(set for the demo's own run only). The printed follow-up commands read only the archive,
the search store and the state, so they need neither the variable nor the simulator; a
later ``run`` fails with one line naming the unset variable (or, with it set, the
unreachable simulator).
"""

from __future__ import annotations

import os
import shlex
import threading
from pathlib import Path

import click

from core.app import App
from core.errors import ConfigError, EcommsError
from core.progress import progress_reporter
from ecomms_zoom_simulator import Simulator, SimulatorConfig
from ecomms_zoom_simulator.demo_report import SOURCE, describe, next_steps, program, summary

__all__ = ["SECRET_VARIABLE", "demo_command", "write_config"]

SECRET_VARIABLE = "ECOMMS_DEMO_ZOOM_SECRET"
CONFIG = """\
# Written by `ecomms demo` for the bundled Zoom simulator (seed {seed}).
[ecomms]
state_dir = ".ecomms"

[sources.zoom_ecomms]
display_name = "Zoom - demo (simulator)"
{source}
[transformers.policies]

[sinks.filesystem]
path = "archive"

[sinks.sqlite]
path = "search.db"
"""

SOURCE_OPTIONS = """\
account_id = "{account_id}"
client_id = "{client_id}"
client_secret = {{ env = "{variable}" }}
media = "audio"
content = ["chat", "polls", "qa", "summary", "surveys", "transcripts", "closed_captions"]
capture_from = "{capture_from}"
api_base_url = "{api_base_url}"
oauth_token_url = "{oauth_token_url}"
"""


def write_config(directory: Path, sim: Simulator) -> Path:
    """Write ``directory/ecomms.toml`` for ``sim``; return its path.

    The source's secret is read from :data:`SECRET_VARIABLE`, never written to the file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "ecomms.toml"
    source = SOURCE_OPTIONS.format(
        account_id=sim.account_id,
        client_id=sim.client_id,
        variable=SECRET_VARIABLE,
        capture_from=sim.capture_from,
        api_base_url=sim.api_base_url,
        oauth_token_url=sim.oauth_token_url,
    )
    path.write_text(CONFIG.format(seed=sim.config.seed, source=source), encoding="utf-8")
    return path


@click.command(name="demo")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("ecomms-demo"),
    show_default=True,
    help="Where the config, archive, search store and state go.",
)
@click.option(
    "--meetings",
    default=12,
    show_default=True,
    type=click.IntRange(1, 500),
    help="Top-level meetings and webinars of the simulated account.",
)
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the account.")
@click.option(
    "--keep-running", is_flag=True, help="Keep the simulator serving afterwards (Ctrl-C stops)."
)
@click.pass_obj
def demo_command(app: App, directory: Path, meetings: int, seed: int, keep_running: bool) -> None:
    """Capture a simulated Zoom account into the embedded sinks, then search it."""
    directory = directory.absolute()
    sim = Simulator(SimulatorConfig(seed=seed, meetings=meetings)).start()
    try:
        config = write_config(directory, sim)
    except OSError as exc:
        sim.stop()
        raise ConfigError(f"--dir {directory}: cannot write the demo's config: {exc}") from None
    try:
        env = {**os.environ, SECRET_VARIABLE: sim.client_secret}
        describe(sim)
        click.echo(f"wrote {config}")
        demo_app = App(app.host, config, env)
        try:
            _capture(demo_app)
            example = summary(demo_app)
        finally:
            demo_app.close()
        if keep_running:
            click.echo(f"\nsimulator serving at {sim.base_url} ({sim.base_url}/_sim/inspect)")
            click.echo(
                f"  to capture from it: set {SECRET_VARIABLE} to its client secret (the"
                " simulator's default, printed by `ecomms zoom simulator`), then"
                f" {program()} --config {shlex.quote(str(config))} run --once"
            )
            _wait_forever()
    finally:
        sim.stop()
    next_steps(config, directory, example, SECRET_VARIABLE)


def _committed(app: App) -> int:
    return int(app.state.status(SOURCE)["committed"])


def _capture(app: App) -> None:
    """Check, then one catch-up pass: exactly what ``ecomms run --once`` does."""
    failed = [f for f in app.findings() if not f.ok]
    if failed:
        details = "; ".join(f"{f.component} {f.check}: {f.detail}" for f in failed)
        raise EcommsError(f"demo checks failed: {details}")
    click.echo("capturing (one pass) ...")
    before = _committed(app)
    with progress_reporter() as progress:
        report = app.run(True, (), progress)
    counts = {k: len(v) for k, v in report.outcomes.items()}
    click.echo(
        f"captured {counts.get('committed', 0)} new meetings; {before} were already captured"
        + "".join(f", {n} {k}" for k, n in sorted(counts.items()) if k not in _SETTLED)
    )


_SETTLED = ("committed", "skipped")


def _wait_forever() -> None:
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopping")
