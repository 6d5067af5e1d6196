"""``ecomms demo``: the whole product on one machine, with no account and no server.

Starts the bundled Zoom simulator (fixed seed) on a free loopback port, writes
``DIR/ecomms.toml`` for it with the embedded sinks (filesystem archive + SQLite search
store) and the policies transformer, runs one full capture through the real host (the same
code path as ``ecomms --config DIR/ecomms.toml run --once``), then prints what was captured
and a few example searches with the commands to run more.

It never overwrites an existing config or stores: a ``DIR`` that holds any of them needs
``--force`` (which rewrites the config and captures into the same stores — nothing already
captured is duplicated). An interrupted demo (SIGINT, SIGTERM) says so and exits 130 / 143;
what was committed stays.

The config keeps its source enabled and its secret as ``{ env = "ECOMMS_DEMO_ZOOM_SECRET" }``
(set for the demo's own run only). The printed follow-up commands read only the archive,
the search store and the state, so they need neither the variable nor the simulator.
"""

from __future__ import annotations

import os
import shlex
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from core.app import App
from core.errors import ConfigError, EcommsError
from core.progress import progress_reporter
from ecomms_zoom_simulator import Simulator, SimulatorConfig
from ecomms_zoom_simulator.demo_report import SOURCE, describe, next_steps, program, summary

__all__ = ["SECRET_VARIABLE", "STORES", "demo_command", "write_config"]

SECRET_VARIABLE = "ECOMMS_DEMO_ZOOM_SECRET"
STORES = ("ecomms.toml", "archive", "search.db", ".ecomms")  # what a demo directory holds

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


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived during the demo."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


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


def _refuse_existing(directory: Path, force: bool) -> None:
    """A ``ConfigError`` when ``directory`` holds a config or stores and ``force`` is off."""
    found = [name for name in STORES if (directory / name).exists()]
    if found and not force:
        again = f"{program()} demo --dir {shlex.quote(str(directory))} --force"
        raise ConfigError(
            f"--dir {directory} already holds {', '.join(found)}: the demo does not overwrite"
            f" them; run `{again}` to capture into them again, or choose another --dir"
        )


@contextmanager
def _signals() -> Iterator[Any]:
    """SIGINT / SIGTERM raise :class:`Interrupted`; ``seen()`` also tells whether one came
    while the host's own handlers were installed (a capture stops after the unit in flight).
    """
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None  # signals reach only the main thread: nothing to watch
        return
    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)

    def interrupt(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    old_fd = signal.set_wakeup_fd(write, warn_on_full_buffer=False)

    def seen() -> None:
        try:
            data = os.read(read, 64)
        except BlockingIOError:
            return
        for number in data:
            if number in (signal.SIGINT, signal.SIGTERM):
                raise Interrupted(number)

    try:
        yield seen
    finally:
        signal.set_wakeup_fd(old_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        os.close(read)
        os.close(write)


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
@click.option("--force", is_flag=True, help="Rewrite DIR's config and capture into its stores.")
@click.option(
    "--fault", "faults", multiple=True, help="A simulator fault, e.g. 5xx:0.1 (repeatable)."
)
@click.option(
    "--keep-running", is_flag=True, help="Keep the simulator serving afterwards (Ctrl-C stops)."
)
@click.pass_obj
def demo_command(app: App, directory: Path, meetings: int, seed: int, **options: Any) -> None:
    """Capture a simulated Zoom account into the embedded sinks, then search it."""
    directory = directory.absolute()
    _refuse_existing(directory, options["force"])
    try:
        sim = Simulator(
            SimulatorConfig(seed=seed, meetings=meetings, faults=list(options["faults"]))
        )
    except ValueError as exc:
        raise ConfigError(f"--fault: {exc}") from None
    sim.start()
    try:
        with _signals() as seen:
            config, example = _demo(app, sim, directory, seen)
        if options["keep_running"]:
            _serve(sim, config)
    except Interrupted as exc:
        click.get_current_context().exit(_interrupted(exc, directory))
    finally:
        sim.stop()
    next_steps(config, directory, example, SECRET_VARIABLE)


def _demo(app: App, sim: Simulator, directory: Path, seen: Any) -> tuple[Path, str]:
    """Write the config, capture, print the summary; (config path, a record id to show)."""
    try:
        config = write_config(directory, sim)
    except OSError as exc:
        raise ConfigError(f"--dir {directory}: cannot write the demo's config: {exc}") from None
    describe(sim)
    click.echo(f"wrote {config}")
    demo_app = App(app.host, config, {**os.environ, SECRET_VARIABLE: sim.client_secret})
    try:
        _capture(demo_app, seen)
        return config, summary(demo_app)
    finally:
        demo_app.close()


def _capture(app: App, seen: Any) -> None:
    """Check, then one catch-up pass: exactly what ``ecomms run --once`` does."""
    failed = [f for f in app.findings() if not f.ok]
    if failed:
        details = "; ".join(f"{f.component} {f.check}: {f.detail}" for f in failed)
        raise EcommsError(f"demo checks failed: {details}")
    click.echo("capturing (one pass) ...")
    before = int(app.state.status(SOURCE)["committed"])
    with progress_reporter() as progress:
        report = app.run(True, (), progress)
    seen()  # a signal the host's handlers took: the pass stopped early
    counts = {k: len(v) for k, v in report.outcomes.items()}
    click.echo(
        f"captured {counts.get('committed', 0)} new meetings; {before} were already captured"
        + "".join(f", {n} {k}" for k, n in sorted(counts.items()) if k not in _SETTLED)
    )


_SETTLED = ("committed", "skipped")


def _interrupted(exc: Interrupted, directory: Path) -> int:
    """Say the demo was interrupted, and how to finish it; the exit code (128 + signal)."""
    again = f"{program()} demo --dir {shlex.quote(str(directory))} --force"
    click.echo(
        f"demo interrupted ({exc}): what was captured so far is kept in {directory};"
        f" run `{again}` to finish",
        err=True,
    )
    return 128 + exc.signum


def _serve(sim: Simulator, config: Path) -> None:
    """Keep the simulator serving until Ctrl-C (``--keep-running``)."""
    click.echo(f"\nsimulator serving at {sim.base_url} ({sim.base_url}/_sim/inspect)")
    click.echo(
        f"  to capture from it: set {SECRET_VARIABLE} to its client secret (the"
        " simulator's default, printed by `ecomms zoom simulator`), then"
        f" {program()} --config {shlex.quote(str(config))} run --once"
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopping")
