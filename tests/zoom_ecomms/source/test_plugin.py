"""The zoom_ecomms entry point registers the source and the transformer, and no command."""

from __future__ import annotations

from core.plugins import build_host
from plugins.zoom_ecomms import plugin
from plugins.zoom_ecomms.source import ZoomSource


def test_host_finds_the_source_and_transformer():
    host = build_host({})
    assert host.sources()["zoom_ecomms"] is ZoomSource
    transformer = host.transformers()["zoom_ecomms"]
    assert transformer.stage == "unit" and "zoom" in transformer.consumes
    assert [a.name for a in ZoomSource.attributes] == [a.name for a in transformer.attributes]


def test_the_connector_adds_no_command():
    """The simulator and the demo are a separate distribution, not part of the connector."""
    assert not hasattr(plugin, "ecomms_register_commands")
