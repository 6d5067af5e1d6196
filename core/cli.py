"""The ``ecomms`` command line: thin click commands over :class:`core.app.App`.

Our own errors print as one line (``error: ...``, a JSON object with ``--log-format json``) and
exit 1 (2 for configuration and query errors);
anything else is a bug and keeps its traceback. Plugins add commands through
``ecomms_register_commands``.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import msgspec

from core.app import App
from core.cli_admin import attributes, dlq, plugins_command, status
from core.cli_audit import audit, rebuild, reprocess
from core.cli_completeness import completeness
from core.cli_records import search, show
from core.config import find_config, load_settings
from core.errors import ConfigError, EcommsError, QueryError
from core.logs import adopt_loggers, configure_logging, parse_level
from core.plugins import Host, build_host
from core.progress import progress_reporter
from core.protocols import Finding
from core.secrets import scrub

__all__ = ["build_cli", "main"]

log = logging.getLogger("ecomms.cli")


@click.group()
@click.version_option(package_name="ecomms", prog_name="ecomms")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Config file (default: $ECOMMS_CONFIG, else ./ecomms.toml).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="json: one JSON object per log line (for services).",
)
@click.option(
    "--log-level",
    default="",
    help="DEBUG, INFO, WARNING, ERROR or CRITICAL (default: [ecomms] log_level, else INFO).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, log_format: str, log_level: str) -> None:
    """Capture electronic communications for compliance archiving, and find them again."""
    host: Host = ctx.obj
    ctx.obj = App(host, config_path)
    ctx.call_on_close(ctx.obj.close)


def _print_findings(findings: list[Finding]) -> None:
    for f in findings:
        mark = "FAIL" if not f.ok else "WARN" if f.warning else "ok  "
        extra = f" — {f.detail}" if f.detail else ""
        action = f" → {f.action}" if f.action and (f.warning or not f.ok) else ""
        click.echo(f"{mark} {f.component:<16} {f.check}{extra}{action}")


@cli.command()
@click.pass_obj
def check(app: App) -> None:
    """Check config, credentials, permissions and sinks; exit 0 only if all pass (WARN passes)."""
    findings = app.findings()
    _print_findings(findings)
    if not findings or not all(f.ok for f in findings):
        raise SystemExit(1)


@cli.command()
@click.option("--once", is_flag=True, help="One catch-up pass, then exit.")
@click.option("--source", "sources", multiple=True, help="Only this source instance (repeatable).")
@click.pass_obj
def run(app: App, once: bool, sources: tuple[str, ...]) -> None:
    """Capture continuously (or one pass with --once); SIGTERM finishes the unit in flight.

    The run lock is taken first: beside a running capture this is refused at once, naming
    the running process, before anything is built or contacted. ``--once`` prints what the
    pass did; an interrupted ``--once`` says so and exits 130 (SIGINT) or 143 (SIGTERM).
    """
    with app.capture_lock():
        failed = [f for f in app.findings() if not f.ok]
        if failed:
            _print_findings(failed)
            raise EcommsError(
                f"{len(failed)} check(s) failed; fix them (see `ecomms check`) and retry"
            )
        for name in sources:
            if name not in app.components.sources:
                raise ConfigError(f"--source {name}: no enabled source instance of that name")
        with progress_reporter() as display:
            app.run(once, sources, display)
    if app.stopped_by:
        log.info("stopped by %s", app.stopped_by)
    if once and app.stopped_by:
        click.echo(
            f"interrupted by {app.stopped_by}: the pass did not finish; units in flight were"
            " not committed and are captured by the next run",
            err=True,
        )
        raise SystemExit(128 + signal.Signals[app.stopped_by].value)
    if once:
        click.echo(app.summary)


audit.add_command(completeness)
for command in (status, dlq, audit, rebuild, reprocess, plugins_command, attributes, search, show):
    cli.add_command(command)


def build_cli(host: Host) -> click.Group:
    """The command group with the plugins' commands added."""
    host.register_commands(cli)
    return cli


_GROUP_OPTIONS = ("--config", "--log-format", "--log-level")


def _early_option(args: list[str], name: str) -> str:
    # plugins load (and may log) before click has parsed the group's options
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
        if arg in _GROUP_OPTIONS:
            if arg == name:
                return args[i + 1] if i + 1 < len(args) else ""
            i += 1
        elif not arg.startswith("-"):
            break  # the command: what follows are its own arguments
        i += 1
    return ""


def _early_log_format(args: list[str]) -> str:
    return _early_option(args, "--log-format") or "text"


def _log_level(args: list[str], env: Mapping[str, str]) -> int:
    """``--log-level``, else ``[ecomms] log_level`` of the config file, else INFO."""
    explicit = _early_option(args, "--log-level")
    if explicit:
        return parse_level(explicit)
    try:
        settings = load_settings(find_config(_early_option(args, "--config") or None, env), env)
    except (EcommsError, msgspec.ValidationError):
        return logging.INFO  # no usable config: the command that needs one says why
    return parse_level(settings.host.log_level, "ecomms.log_level")


def _fail(args: list[str], message: str, error: str, context: dict[str, Any] | None = None) -> None:
    # services parse stderr: in json mode the final error is a JSON object like the log lines
    message = scrub(message)
    context = {k: scrub(str(v)) for k, v in (context or {}).items()}
    if _early_log_format(args) != "json":
        click.echo(f"error: {message}", err=True)
        return
    data = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": "error",
        "logger": "ecomms.cli",
        "message": message,
        "error": error,
        "context": {k: str(v) for k, v in (context or {}).items()},
    }
    click.echo(json.dumps(data, ensure_ascii=False), err=True)


def main(argv: list[str] | None = None) -> None:
    """Console entry point of ``ecomms``."""
    args = sys.argv[1:] if argv is None else argv
    try:
        configure_logging(_early_log_format(args), _log_level(args, os.environ))
        host = build_host()
        adopt_loggers(host.packages())
        group = build_cli(host)
        code = group.main(args, prog_name="ecomms", obj=host, standalone_mode=False)
    except click.ClickException as exc:
        if _early_log_format(args) == "json":
            _fail(args, exc.format_message(), type(exc).__name__)
        else:
            exc.show()
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        code = 1
    except EcommsError as exc:
        code = 2 if isinstance(exc, ConfigError | QueryError) else 1
        _fail(args, exc.one_line(), type(exc).__name__, exc.context)
    except msgspec.ValidationError as exc:
        _fail(args, str(exc), "ValidationError")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
