"""The Zoom eComms transformer: captured meetings and webinars → searchable records."""

from __future__ import annotations

from .attributes import ATTRIBUTES
from .transformer import ZoomTransformer, build_records

__all__ = ["ATTRIBUTES", "ZoomTransformer", "build_records"]
