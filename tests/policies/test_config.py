"""Bad rules are config errors naming the rule; packs, files and inline rules combine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import ConfigError
from core.records import SummaryRecord

RISKY = "I guarantee you 20% returns, and my password is Falcon!2026"
# a rule in a category no pack declares
GOSSIP = {"id": "acme.x", "kind": "lexicon", "category": "gossip", "weight": 0.5,
          "phrases": ["rumour"]}  # fmt: skip


def summary(text: str) -> SummaryRecord:
    return SummaryRecord(
        id="s1",
        source="zoom",
        platform="zoom",
        occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
        text=text,
    )


def test_invalid_regex_names_rule_and_regex_error(transformer):
    rule = {
        "id": "acme.bad",
        "kind": "pattern",
        "category": "complaint",
        "weight": 0.5,
        "pattern": "(unclosed",
    }
    with pytest.raises(ConfigError) as err:
        transformer(rules=[rule])
    assert "acme.bad" in err.value.one_line()
    assert "missing )" in err.value.one_line()
    assert err.value.context["rule"] == "acme.bad"


def test_unknown_category_names_rule_and_known_categories(transformer):
    with pytest.raises(ConfigError) as err:
        transformer(rules=[GOSSIP])
    line = err.value.one_line()
    assert "acme.x" in line and "gossip" in line and "promissory" in line


def test_declared_category_is_accepted(transformer):
    t = transformer(rules=[GOSSIP], categories=["gossip"], packs=[])
    assert t.assess(summary("Just a rumour")).categories == ["gossip"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"weight": 0}, "outside (0, 1]"),
        ({"weight": 1.5}, "outside (0, 1]"),
        ({"phrases": []}, "at least one phrase"),
        ({"phrases": ["!!!"]}, "no word"),
        ({"pattern": "x"}, "'pattern' does not apply to lexicon"),
        ({"kind": "builtin", "phrases": [], "detector": "passport"}, "unknown detector"),
        ({"kind": "pattern", "phrases": [], "pattern": "a*"}, "matches empty text"),
        ({"near": {"terms": [], "within": 2}}, "'near' needs at least one term"),
    ],
)
def test_rule_mistakes_are_config_errors_naming_the_rule(transformer, fields, expected):
    rule = {
        "id": "acme.r",
        "kind": "lexicon",
        "category": "complaint",
        "weight": 0.5,
        "phrases": ["refund"],
        **fields,
    }
    with pytest.raises(ConfigError) as err:
        transformer(rules=[rule], packs=[])
    assert "acme.r" in err.value.one_line()
    assert expected in err.value.one_line()


def test_duplicate_rule_id_across_pack_and_config(transformer):
    rule = {
        "id": "fs.pii.iban",
        "kind": "lexicon",
        "category": "pii",
        "weight": 0.5,
        "phrases": ["iban"],
    }
    with pytest.raises(ConfigError, match=r"fs\.pii\.iban.*duplicate"):
        transformer(rules=[rule])


def test_unknown_pack_and_unknown_disabled_rule(transformer):
    with pytest.raises(ConfigError, match=r"unknown policy pack .banking.*financial_services"):
        transformer(packs=["banking"])
    with pytest.raises(ConfigError, match=r"fs\.nope"):
        transformer(disable=["fs.nope"])


def test_default_pack_is_on_and_can_be_switched_off(transformer):
    assert transformer().assess(summary(RISKY)).score > 50
    off = transformer(packs=[]).assess(summary(RISKY))
    assert off.score == 0 and off.hits == []


def test_single_rules_can_be_disabled(transformer):
    risk = transformer(disable=["fs.credentials.disclosed"]).assess(summary(RISKY))
    assert {h.rule for h in risk.hits} == {"fs.promissory.guarantee"}


def test_policy_file_adds_rules_and_categories(transformer, tmp_path):
    path = tmp_path / "extra.toml"
    path.write_text(
        '[categories]\nmarketing = "Unapproved marketing claims"\n\n'
        '[[rules]]\nid = "acme.best"\nkind = "lexicon"\ncategory = "marketing"\n'
        'weight = 0.4\ndescription = "Superlatives"\nphrases = ["best fund ever"]\n',
        encoding="utf-8",
    )
    risk = transformer(policy_file=str(path), packs=[]).assess(summary("The BEST fund ever!"))
    assert [(h.rule, h.category, h.matched) for h in risk.hits] == [
        ("acme.best", "marketing", "BEST fund ever")
    ]
    assert risk.score == 40


def test_policy_file_errors_name_the_file(transformer, tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigError, match="cannot read policy_file"):
        transformer(policy_file=str(missing))
    broken = tmp_path / "broken.toml"
    broken.write_text("[[rules]\nid=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML") as err:
        transformer(policy_file=str(broken))
    assert err.value.context["origin"] == str(broken)
    typo = tmp_path / "typo.toml"
    typo.write_text(
        '[[rules]]\nid = "acme.t"\nkind = "lexicon"\ncategory = "pii"\n'
        'weight = 0.5\nphrase = ["x"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"acme\.t.*phrase"):
        transformer(policy_file=str(typo))
