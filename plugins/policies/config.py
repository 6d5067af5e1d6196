"""Configuration of the policies transformer, and the rule files it reads.

Rules come from built-in packs (``packs``), an optional TOML file (``policy_file``) and
inline ``rules``. A rule file is TOML with an optional ``[categories]`` table (name =
description) and ``[[rules]]`` entries; see docs/policies.md for the syntax.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import msgspec

from core.errors import ConfigError

__all__ = ["Near", "PolicyConfig", "RuleConfig", "RuleSet", "load_rules"]


class Near(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A lexicon hit counts only when one of ``terms`` is at most ``within`` words away."""

    terms: list[str]
    within: int = 5


class RuleConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One rule as written in TOML; ``kind`` says which of the kind-specific fields apply.

    ``lexicon``: ``phrases``, optional ``near`` and ``exclude`` (+ ``exclude_within``).
    ``pattern``: ``pattern`` (a Python regular expression) and ``ignore_case``.
    ``builtin``: ``detector`` (see :data:`plugins.policies.detectors.DETECTORS`).
    ``weight`` is in (0, 1]: the probability-like strength of one hit of the rule.
    """

    id: str
    kind: Literal["lexicon", "pattern", "builtin"]
    category: str
    weight: float
    description: str = ""
    phrases: list[str] = msgspec.field(default_factory=list)
    near: Near | None = None
    exclude: list[str] = msgspec.field(default_factory=list)
    exclude_within: int = 3
    pattern: str = ""
    ignore_case: bool = True
    detector: str = ""


class PolicyConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``[transformers.policies]``: which packs, extra rules, allowed categories, limits.

    ``packs = []`` switches the default financial-services pack off; ``disable`` lists
    rule ids to switch off one by one; ``categories`` adds category names that rules may
    use (besides those the packs and the policy file declare); ``max_hits`` bounds the
    hits kept on one record (the score always counts every rule hit).
    """

    packs: list[str] = msgspec.field(default_factory=lambda: ["financial_services"])
    policy_file: str = ""
    rules: list[RuleConfig] = msgspec.field(default_factory=list)
    categories: list[str] = msgspec.field(default_factory=list)
    disable: list[str] = msgspec.field(default_factory=list)
    max_hits: int = 100
    max_matched_chars: int = 200


class RuleSet(msgspec.Struct, kw_only=True):
    """Rules gathered from every origin, and the category names they may use."""

    rules: list[RuleConfig]
    categories: dict[str, str]


def builtin_packs() -> list[str]:
    """Names of the packs shipped with the plugin."""
    folder = resources.files("plugins.policies") / "packs"
    names = (p.name for p in folder.iterdir())
    return sorted(n.removesuffix(".toml") for n in names if n.endswith(".toml"))


def _read_pack(name: str) -> str:
    if name not in builtin_packs():
        raise ConfigError(
            f"unknown policy pack {name!r}; available: {', '.join(builtin_packs())}",
            field="packs",
        )
    return (resources.files("plugins.policies") / "packs" / f"{name}.toml").read_text("utf-8")


def parse_rule_file(text: str, origin: str) -> RuleSet:
    """Parse a TOML rule file; errors name ``origin`` and the rule at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"policy file is not valid TOML: {exc}", origin=origin) from None
    unknown = set(data) - {"pack", "categories", "rules"}
    if unknown:
        raise ConfigError(f"unknown key(s) {sorted(unknown)} in policy file", origin=origin)
    categories = data.get("categories", {})
    if not isinstance(categories, dict) or not all(isinstance(v, str) for v in categories.values()):
        raise ConfigError("[categories] must map names to descriptions", origin=origin)
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise ConfigError("rules must be an array of tables ([[rules]])", origin=origin)
    return RuleSet(
        rules=[_convert(raw, i, origin) for i, raw in enumerate(raw_rules)],
        categories=dict(categories),
    )


def _convert(raw: Any, index: int, origin: str) -> RuleConfig:
    rule_id = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
    try:
        return msgspec.convert(raw, RuleConfig)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"invalid policy rule {rule_id!r}: {exc}", origin=origin) from None


def load_rules(config: PolicyConfig, base_dir: Path | None = None) -> RuleSet:
    """Gather the rules of the enabled packs, the policy file and the inline config.

    Categories declared by every shipped pack are always known, so custom rules may use
    them even when the pack itself is switched off. A relative ``policy_file`` is read
    from ``base_dir`` (the transformer passes the config file's directory; the current
    directory when ``None``).
    """
    categories: dict[str, str] = {}
    for name in builtin_packs():
        categories.update(parse_rule_file(_read_pack(name), f"pack {name}").categories)
    rules: list[RuleConfig] = []
    for name in config.packs:
        rules.extend(parse_rule_file(_read_pack(name), f"pack {name}").rules)
    if config.policy_file:
        path = Path(config.policy_file)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read policy_file: {exc.strerror}", path=str(path)) from None
        extra = parse_rule_file(text, str(path))
        categories.update(extra.categories)
        rules.extend(extra.rules)
    rules.extend(config.rules)
    categories.update({c: "" for c in config.categories if c not in categories})
    return RuleSet(rules=rules, categories=categories)
