"""Entry point of the zoom_ecomms plugin: registers the source and the transformer.

Everything is imported inside the hooks, so a missing optional piece never stops the others
from loading. The Zoom simulator and ``ecomms demo`` are not part of the connector: they are
the separate ``ecomms-zoom-simulator`` distribution (``tools/zoom_simulator/``).
"""

from __future__ import annotations

import importlib

from core.hookspecs import hookimpl


def _optional(module: str, attribute: str):
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        return None


@hookimpl
def ecomms_register_sources():
    """Register :class:`plugins.zoom_ecomms.source.ZoomSource`."""
    from plugins.zoom_ecomms.source import ZoomSource

    return [ZoomSource]


@hookimpl
def ecomms_register_transformers():
    """Register the Zoom unit transformer when it is installed."""
    transformer = _optional("plugins.zoom_ecomms.transform", "ZoomTransformer")
    return [transformer] if transformer is not None else []
