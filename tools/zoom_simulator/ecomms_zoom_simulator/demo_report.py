"""What ``ecomms demo`` prints: the account, the capture's summary, and commands to try next.

Printed commands run as printed from any directory: the config path is absolute, and the
program is ``ecomms`` when that is what the shell finds, else the absolute path of the one
that was typed, else ``python -m core`` with the interpreter's absolute path.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

import click
import msgspec

from core.app import App
from core.protocols import Query
from core.render import summary_line
from ecomms_zoom_simulator import Simulator

__all__ = ["SOURCE", "describe", "next_steps", "program", "summary"]

SOURCE = "zoom_ecomms"
KINDS = ("meeting", "chat", "transcript", "captions", "summary", "poll", "qa", "survey", "media")
EXAMPLES: tuple[tuple[str, tuple[str, ...], Query], ...] = (
    (
        "text in a chat message",
        ("term sheet", "--kind", "chat"),
        Query(text="term sheet", kind="chat"),
    ),
    (
        "an attribute",
        ("--where", "MeetingMeetingType=external"),
        Query(where={"MeetingMeetingType": ["external"]}),
    ),
    ("policy hits", ("--min-risk", "50"), Query(min_risk=50)),
)


def describe(sim: Simulator) -> None:
    """One line about the simulated account."""
    meetings = sim.account.meetings
    processing = sum(m.status == "processing" for m in meetings)
    solo = sum(len(m.attendees) == 1 for m in meetings)
    external = sum(m.external for m in meetings)
    click.echo(
        f"Zoom simulator on {sim.base_url}: {len(meetings)} archived meeting and webinar"
        f" instances (seed {sim.config.seed}): {external} hosted outside the account,"
        f" {solo} with one person, {processing} still processing at Zoom (not captured until"
        " they complete)"
    )


def summary(app: App) -> str:
    """Print records per kind, gaps, risky records and example searches; a record id to show."""
    sink = app.searchable_sink()
    status = app.state.status(SOURCE)
    click.echo(
        f"\nArchive: {status['committed']} meetings committed,"
        f" {status['dead_lettered']} dead-lettered"
    )
    click.echo("Records per kind:")
    total = 0
    for kind in KINDS:
        count = sink.search(Query(kind=kind, limit=1)).total
        total += count
        click.echo(f"  {kind:<12} {count}")
    click.echo(f"  {'total':<12} {total}")
    risky = sink.search(Query(min_risk=1, limit=1)).total
    click.echo(f"Records with risk > 0: {risky}")
    gaps = status["gaps"]
    click.echo(f"Capture gaps: {len(gaps)}")
    for gap in gaps:
        click.echo(f"  {gap['key']}: {'; '.join(_gap(g) for g in gap['gaps'])}")
    shown = [_example(sink, label, args, query) for label, args, query in EXAMPLES]
    return next((record_id for record_id in shown if record_id), "RECORD_ID")


def _gap(gap: Any) -> str:
    """A gap as one phrase: what is missing and why (a plain string in older states)."""
    if isinstance(gap, dict):
        return ": ".join(str(gap[k]) for k in ("part", "reason") if gap.get(k)) or str(gap)
    return str(gap)


def _example(sink: Any, label: str, args: tuple[str, ...], query: Query) -> str:
    results = sink.search(msgspec.structs.replace(query, limit=3))
    click.echo(f"\nExample — {label}: ecomms search {shlex.join(args)}")
    for record in results.records:
        click.echo(f"  {summary_line(record)}")
    click.echo(f"  ({len(results.records)} of {results.total} matching records)")
    return results.records[0].id if results.records else ""


def next_steps(config: Path, directory: Path, example: str, secret_variable: str) -> None:
    """The commands to try next, each runnable as printed from any directory."""
    base = f"{program()} --config {shlex.quote(str(config))}"
    click.echo("\nTry more (these read only the archive, the search store and the state):")
    for command in (
        "search 'term sheet'",
        "search --where MeetingMeetingType=external --kind chat",
        "search --min-risk 50 --json",
        f"show {example}",
        "status",
        "dlq list",
        "audit verify",
        "attributes",
    ):
        click.echo(f"  {base} {command}")
    again = f"{program()} demo --dir {shlex.quote(str(directory))} --force"
    click.echo(
        f"Everything lives in {directory}. To capture again run `{again}` (safe: nothing is"
        f" duplicated); `{base} run` needs the simulator and {secret_variable}."
    )


def program() -> str:
    """The ecomms command as the user typed it, made to run from any directory.

    ``ecomms`` when that is what the shell finds, else the absolute path of the program used
    (e.g. ``.venv/bin/ecomms`` typed from a project directory), else ``python -m core``.
    """
    typed = sys.argv[0]
    if os.path.basename(typed) == "ecomms":
        found = shutil.which("ecomms")
        if found and os.path.realpath(found) == os.path.realpath(typed):
            return "ecomms"
        return shlex.quote(os.path.abspath(typed))
    return f"{shlex.quote(sys.executable)} -m core"
