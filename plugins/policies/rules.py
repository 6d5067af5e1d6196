"""Validation of rules: every mistake is a ConfigError that names the rule at fault."""

from __future__ import annotations

import re

from core.errors import ConfigError
from plugins.policies.config import RuleConfig, RuleSet
from plugins.policies.detectors import DETECTORS
from plugins.policies.tokens import fold_phrase

__all__ = ["validate_rules"]

_KIND_FIELDS = {
    "lexicon": {"phrases", "near", "exclude", "exclude_within"},
    "pattern": {"pattern", "ignore_case"},
    "builtin": {"detector"},
}
_DEFAULTS = RuleConfig(id="", kind="lexicon", category="", weight=1.0)


def _error(rule: RuleConfig, problem: str) -> ConfigError:
    return ConfigError(f"policy rule {rule.id!r}: {problem}", rule=rule.id)


def _check_fields(rule: RuleConfig) -> None:
    foreign = set().union(*_KIND_FIELDS.values()) - _KIND_FIELDS[rule.kind]
    for name in sorted(foreign):
        if getattr(rule, name) != getattr(_DEFAULTS, name):
            raise _error(rule, f"field {name!r} does not apply to {rule.kind} rules")


def _check_lexicon(rule: RuleConfig) -> None:
    if not rule.phrases:
        raise _error(rule, "a lexicon rule needs at least one phrase in 'phrases'")
    terms = list(rule.phrases) + list(rule.exclude) + (rule.near.terms if rule.near else [])
    for term in terms:
        if not fold_phrase(term):
            raise _error(rule, f"phrase or term {term!r} contains no word to match")
    if rule.near is not None and (not rule.near.terms or rule.near.within < 0):
        raise _error(rule, "'near' needs at least one term and 'within' >= 0")
    if rule.exclude_within < 0:
        raise _error(rule, "'exclude_within' must be >= 0")


def _check_pattern(rule: RuleConfig) -> None:
    if not rule.pattern:
        raise _error(rule, "a pattern rule needs a regular expression in 'pattern'")
    try:
        compiled = re.compile(rule.pattern)
    except re.error as exc:
        raise _error(rule, f"invalid regular expression {rule.pattern!r}: {exc}") from None
    if compiled.match(""):
        raise _error(rule, f"regular expression {rule.pattern!r} matches empty text")


def _check_builtin(rule: RuleConfig) -> None:
    if rule.detector not in DETECTORS:
        known = ", ".join(sorted(DETECTORS))
        raise _error(rule, f"unknown detector {rule.detector!r}; known detectors: {known}")


_CHECKS = {"lexicon": _check_lexicon, "pattern": _check_pattern, "builtin": _check_builtin}


def validate_rules(ruleset: RuleSet, disable: list[str]) -> list[RuleConfig]:
    """Check every rule and return the enabled ones (those not listed in ``disable``).

    Raises ConfigError naming the rule for: a missing or duplicate id, an unknown category,
    a weight outside (0, 1], a field of another kind, an empty phrase, an invalid regular
    expression, an unknown detector; and for a ``disable`` entry naming no rule.
    """
    seen: set[str] = set()
    for rule in ruleset.rules:
        if not rule.id.strip():
            raise ConfigError("a policy rule has an empty id", category=rule.category)
        if rule.id in seen:
            raise _error(rule, "duplicate rule id (ids must be unique across packs and files)")
        seen.add(rule.id)
        if rule.category not in ruleset.categories:
            known = ", ".join(sorted(ruleset.categories))
            raise _error(
                rule,
                f"unknown category {rule.category!r}; known categories: {known} "
                "(declare new ones in 'categories')",
            )
        if not 0 < rule.weight <= 1:
            raise _error(rule, f"weight {rule.weight} is outside (0, 1]")
        _check_fields(rule)
        _CHECKS[rule.kind](rule)
    unknown = sorted(set(disable) - seen)
    if unknown:
        raise ConfigError(
            f"'disable' names unknown policy rule(s): {', '.join(unknown)}", field="disable"
        )
    return [rule for rule in ruleset.rules if rule.id not in set(disable)]
