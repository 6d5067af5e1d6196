"""``ecomms opensearch ...`` and ``ecomms search`` / ``show`` against the real node."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from core.errors import ConfigError
from plugins.sinks.opensearch.dashboards import import_saved_objects
from tests.fixtures import cli
from tests.fixtures.opensearch_node import free_port


@pytest.fixture
def config(tmp_path: Path, opensearch_url: str, os_client):
    """A config with the fake source and an opensearch sink on a fresh index."""
    index = f"ecomms-cli-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "ecomms.toml"
    path.write_text(
        f'[ecomms]\nstate_dir = "state"\n[sources.fake]\nunits = 2\nrecords = 2\n'
        f'[sinks.opensearch]\nhosts = ["{opensearch_url}"]\nindex = "{index}"\n'
        f'refresh = "wait_for"\n'
    )
    yield path
    os_client.indices.delete(index=f"{index}*", ignore_unavailable=True)
    os_client.indices.delete_index_template(name=index, ignore=[404])


def ecomms(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the ecomms command line with the fake plugins loaded."""
    return cli.ecomms("--config", config, *args, env={"ECOMMS_EXTRA_PLUGINS": "core.testing"})


@pytest.mark.opensearch
def test_template_commands(config: Path, os_client) -> None:
    printed = ecomms(config, "opensearch", "template")
    assert printed.returncode == 0, printed.stderr
    template = json.loads(printed.stdout)
    attributes = template["template"]["mappings"]["properties"]["attributes"]["properties"]
    assert attributes["FakeIndex"] == {"type": "long"}
    applied = ecomms(config, "opensearch", "apply-template")
    assert applied.returncode == 0, applied.stderr
    name = template["index_patterns"][0].rstrip("*")
    assert os_client.indices.exists_index_template(name=name)


@pytest.mark.opensearch
def test_apply_ism_explains_a_cluster_without_ism(config: Path) -> None:
    done = ecomms(config, "opensearch", "apply-ism")
    assert done.returncode == 2
    assert "no ISM" in done.stderr


@pytest.mark.opensearch
def test_search_and_show_through_the_command_line(config: Path) -> None:
    run = ecomms(config, "run", "--once")
    assert run.returncode == 0, run.stderr
    found = ecomms(config, "search", "fake message", "--where", "FakeUnitKey=u0002", "--json")
    assert found.returncode == 0, found.stderr
    records = [json.loads(line) for line in found.stdout.splitlines()]
    assert len(records) == 2
    assert {r["attributes"]["FakeUnitKey"] for r in records} == {"u0002"}
    shown = ecomms(config, "show", records[0]["id"], "--json")
    assert json.loads(shown.stdout) == records[0]
    unknown = ecomms(config, "search", "--where", "Nope=1")
    assert unknown.returncode == 2 and "FakeUnitKey" in unknown.stderr


def test_import_dashboards_reports_an_unreachable_url(tmp_path: Path) -> None:
    done = ecomms(
        tmp_path / "absent.toml",
        "opensearch",
        "import-dashboards",
        "--url",
        f"http://127.0.0.1:{free_port()}",
    )
    assert done.returncode == 1
    assert "cannot be reached" in done.stderr


def test_import_posts_the_objects_as_dashboards_expects() -> None:
    seen: list[httpx.Request] = []

    def dashboards(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"success": True, "successCount": 11})

    count = import_saved_objects(
        "http://dash.test", "archive-*", transport=httpx.MockTransport(dashboards)
    )
    assert count == 11
    (request,) = seen
    assert request.url.path == "/api/saved_objects/_import"
    assert request.url.params["overwrite"] == "true"
    assert request.headers["osd-xsrf"] == "true"
    body = request.read()
    assert b'"title":"archive-*"' in body and b"ecomms-overview" in body


def test_import_lists_objects_dashboards_refused() -> None:
    refused = {
        "success": False,
        "errors": [
            {"type": "visualization", "id": "ecomms-top-hosts", "error": {"type": "conflict"}}
        ],
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=refused))
    with pytest.raises(ConfigError, match="ecomms-top-hosts"):
        import_saved_objects("http://dash.test", transport=transport)
