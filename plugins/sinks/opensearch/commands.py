"""``ecomms opensearch ...``: template, Dashboards and ISM helpers for operators."""

from __future__ import annotations

import json
import os
from typing import Any

import click
from opensearchpy import exceptions as os_errors

from core.errors import ConfigError
from plugins.sinks.opensearch.connection import translate
from plugins.sinks.opensearch.dashboards import DEFAULT_PATTERN, import_saved_objects, ism_policy
from plugins.sinks.opensearch.sink import OpenSearchSink

__all__ = ["opensearch_group"]


def _sink(ctx: click.Context, name: str) -> OpenSearchSink:
    app: Any = ctx.find_root().obj
    sinks = {n: s for n, s in app.sinks.items() if isinstance(s, OpenSearchSink)}
    if not sinks:
        raise ConfigError("no opensearch sink is enabled; add a [sinks.opensearch] section")
    if name:
        if name not in sinks:
            raise ConfigError(
                f"no enabled opensearch sink named {name!r}; have: {', '.join(sinks)}"
            )
        return sinks[name]
    return next(iter(sinks.values()))


@click.group("opensearch")
def opensearch_group() -> None:
    """OpenSearch sink: index template, Dashboards objects, ISM policy."""


@opensearch_group.command("template")
@click.option("--sink", "sink_name", default="", help="opensearch sink instance (default: first).")
@click.pass_context
def template_command(ctx: click.Context, sink_name: str) -> None:
    """Print the index template generated from the enabled sources' attributes."""
    sink = _sink(ctx, sink_name)
    click.echo(json.dumps(sink.template(), indent=2))


@opensearch_group.command("apply-template")
@click.option("--sink", "sink_name", default="", help="opensearch sink instance (default: first).")
@click.pass_context
def apply_template_command(ctx: click.Context, sink_name: str) -> None:
    """Put the index template (and add new attributes to an existing index)."""
    sink = _sink(ctx, sink_name)
    sink.ensure_template()
    click.echo(f"index template {sink.config.template_name} applied to {sink.config.index}*")


@opensearch_group.command("import-dashboards")
@click.option("--url", required=True, help="OpenSearch Dashboards URL, e.g. http://127.0.0.1:5601")
@click.option(
    "--index-pattern",
    default=DEFAULT_PATTERN,
    show_default=True,
    help="Index pattern title: your sink's `index` followed by *.",
)
@click.option("--username", default="", help="Dashboards user (security plugin).")
@click.option("--password-env", default="", help="Environment variable holding the password.")
@click.option("--ca-file", default="", help="CA bundle for https.")
@click.option("--insecure", is_flag=True, help="Do not verify the TLS certificate.")
def import_dashboards_command(
    url: str, index_pattern: str, username: str, password_env: str, ca_file: str, insecure: bool
) -> None:
    """Import the index pattern, saved searches, visualizations and dashboard."""
    auth = None
    if username:
        if password_env and password_env not in os.environ:
            raise ConfigError(f"environment variable {password_env} is not set")
        auth = (username, os.environ.get(password_env, "") if password_env else "")
    verify: bool | str = False if insecure else (ca_file or True)
    count = import_saved_objects(url, index_pattern, auth=auth, verify=verify)
    click.echo(f"imported {count} saved objects into {url} (dashboard: ecomms overview)")


@opensearch_group.command("ism-policy")
def ism_policy_command() -> None:
    """Print the ISM retention policy shipped with ecomms."""
    click.echo(json.dumps(ism_policy(), indent=2))


@opensearch_group.command("apply-ism")
@click.option("--policy-id", default="ecomms-retention", show_default=True)
@click.option("--sink", "sink_name", default="", help="opensearch sink instance (default: first).")
@click.pass_context
def apply_ism_command(ctx: click.Context, policy_id: str, sink_name: str) -> None:
    """Put the ISM policy (needs the index-management plugin on the cluster)."""
    sink = _sink(ctx, sink_name)
    try:
        sink.client.transport.perform_request(
            "PUT", f"/_plugins/_ism/policies/{policy_id}", body=ism_policy()
        )
    except os_errors.TransportError as error:
        if error.status_code in (400, 404) and "no handler" in str(error.info):
            raise ConfigError(
                "this cluster has no ISM (index-management plugin); "
                "install it or manage retention another way"
            ) from None
        raise translate(error, "put ISM policy", sink.context.name) from None
    click.echo(f"ISM policy {policy_id} applied (indices {sink.config.index}-*)")
