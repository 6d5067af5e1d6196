"""A record-stage transformer that breaks on chosen units, as a buggy parser or policy does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, Literal

import msgspec

from core.errors import PayloadError
from core.hookspecs import hookimpl
from core.protocols import Context, Unit
from core.records import AttributeSpec, Record


class PoisonTransformer:
    """Raises on the units of ``keys`` while ``while_file`` exists (always when unset):
    ``bug`` a ValueError, ``payload`` a PayloadError; ``errors`` marks their records with a
    derivation error instead of raising."""

    name: ClassVar[str] = "poison_transformer"
    stage: ClassVar[Literal["unit", "records"]] = "records"
    consumes: ClassVar[frozenset[str]] = frozenset({"*"})
    attributes: ClassVar[Sequence[AttributeSpec]] = []

    class Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
        """Which units break, how, and while which marker file exists."""

        keys: list[str] = []
        mode: Literal["bug", "payload", "errors"] = "bug"
        while_file: str = ""

    def __init__(self, config: PoisonTransformer.Config, context: Context) -> None:
        self.config = config

    def transform(self, unit: Unit, records: list[Record]) -> list[Record]:
        """Break on the configured units; pass the others through unchanged."""
        broken = unit.key in self.config.keys and (
            not self.config.while_file or Path(self.config.while_file).exists()
        )
        if not broken:
            return records
        if self.config.mode == "errors":
            for record in records[1:]:
                record.errors = [f"part of {unit.key} could not be parsed"]
            return records
        if self.config.mode == "payload":
            raise PayloadError("poisoned payload", unit=unit.key)
        raise ValueError(f"policy bug on {unit.key}")


@hookimpl
def ecomms_register_transformers() -> list[type]:
    """The poison transformer."""
    return [PoisonTransformer]
