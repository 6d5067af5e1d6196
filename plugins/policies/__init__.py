"""The policies plugin: lexicon, pattern and built-in detector rules that score risk.

Public surface: :class:`PolicyTransformer` (configured by ``[transformers.policies]``).
"""

from __future__ import annotations

from plugins.policies.transformer import PolicyTransformer

__all__ = ["PolicyTransformer"]
