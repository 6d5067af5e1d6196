"""Shared helpers of the policies tests: build rules and transformers from plain values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from core.protocols import Context
from plugins.policies import PolicyTransformer
from plugins.policies.config import PolicyConfig, RuleConfig


def make_rule(rule_id: str = "r1", kind: str = "lexicon", **fields: Any) -> RuleConfig:
    """A rule as the TOML would give it; category and weight default to usable values."""
    fields.setdefault("category", "complaint")
    fields.setdefault("weight", 0.5)
    return msgspec.convert({"id": rule_id, "kind": kind, **fields}, RuleConfig)


@pytest.fixture
def rule() -> Callable[..., RuleConfig]:
    """Factory of :class:`RuleConfig` from keyword arguments."""
    return make_rule


@pytest.fixture
def transformer(tmp_path: Path) -> Callable[..., PolicyTransformer]:
    """Factory of a :class:`PolicyTransformer` from config options, as the host builds it."""

    def build(**options: Any) -> PolicyTransformer:
        config = msgspec.convert(options, PolicyConfig)
        context = Context(name="policies", state_dir=tmp_path, spool_dir=tmp_path / "spool")
        return PolicyTransformer(config, context)

    return build
