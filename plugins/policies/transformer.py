"""The policies transformer: scores the risk of every record from any source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

import msgspec

from core.protocols import Context, Unit
from core.records import AttributeSpec, Hit, Record, Risk
from plugins.policies.config import PolicyConfig, load_rules
from plugins.policies.locate import texts_of
from plugins.policies.rules import validate_rules
from plugins.policies.scanner import Scanner
from plugins.policies.score import build_risk

__all__ = ["PolicyTransformer"]


class PolicyTransformer:
    """Records-stage transformer: sets ``record.risk`` (score, categories, hits) on every record.

    Rules are loaded and validated when it is built, so a bad rule fails at start with a
    ConfigError naming it. Every record gets a risk (score 0 and no hits when clean), so
    reviewers can filter on ``risk.score`` for all records. A risk already on a record (set
    by another policies instance) is merged, never dropped.
    """

    name: ClassVar[str] = "policies"
    stage: ClassVar[Literal["unit", "records"]] = "records"
    consumes: ClassVar[frozenset[str]] = frozenset({"*"})
    Config: ClassVar[type[msgspec.Struct]] = PolicyConfig
    attributes: ClassVar[Sequence[AttributeSpec]] = ()

    def __init__(self, config: PolicyConfig, context: Context) -> None:
        self.config = config
        self.context = context
        self.rules = validate_rules(load_rules(config, context.config_dir), config.disable)
        self.scanner = Scanner(self.rules)

    def transform(self, unit: Unit, records: list[Record]) -> list[Record]:
        """Return ``records`` with their risk set; the input records are not modified."""
        return [msgspec.structs.replace(r, risk=self.assess(r)) for r in records]

    def assess(self, record: Record) -> Risk:
        """The risk of one record from every text it carries (see :mod:`.locate`)."""
        hits = list(record.risk.hits) if record.risk else []
        limit = self.config.max_matched_chars
        for where, text in texts_of(record):
            for match in self.scanner.scan(text):
                rule = match.rule
                hits.append(
                    Hit(
                        rule=rule.id,
                        category=rule.category,
                        weight=rule.weight,
                        matched=match.matched[:limit],
                        where=where,
                        description=rule.description,
                    )
                )
        return build_risk(hits, self.config.max_hits)
