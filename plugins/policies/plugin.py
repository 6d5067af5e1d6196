"""Entry point of the policies plugin: registers the risk-scoring transformer."""

from __future__ import annotations

from core.hookspecs import hookimpl
from plugins.policies.transformer import PolicyTransformer


@hookimpl
def ecomms_register_transformers() -> list[type]:
    """Register :class:`PolicyTransformer` (enabled by a ``[transformers.policies]`` section)."""
    return [PolicyTransformer]
