"""Entry point of the zoom_ecomms plugin: registers the source and the transformer.

Both are imported when the plugin loads: if either cannot import (a missing dependency, a
broken install), the plugin is broken as a whole, ``ecomms plugins`` shows the error and
enabling ``[sources.zoom_ecomms]`` fails naming it; never a source without its transformer.
The Zoom simulator and ``ecomms demo`` are not part of the connector: they are the separate
``ecomms-zoom-simulator`` distribution (``tools/zoom_simulator/``).
"""

from __future__ import annotations

from core.hookspecs import hookimpl
from plugins.zoom_ecomms.source import ZoomSource
from plugins.zoom_ecomms.transform import ZoomTransformer


@hookimpl
def ecomms_register_sources() -> list[type]:
    """Register :class:`plugins.zoom_ecomms.source.ZoomSource`."""
    return [ZoomSource]


@hookimpl
def ecomms_register_transformers() -> list[type]:
    """Register :class:`plugins.zoom_ecomms.transform.ZoomTransformer`."""
    return [ZoomTransformer]
