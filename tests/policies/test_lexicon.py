"""Lexicon rules: whole words, any case, any punctuation, proximity and exclusions."""

from __future__ import annotations

import pytest

from plugins.policies.scanner import Scanner


def found(rules, text):
    return [(m.rule.id, m.matched) for m in Scanner(rules).scan(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Guaranteed RETURNS here",
        "guaranteed-returns",
        "guaranteed\n\treturns",
        "(guaranteed, returns)",
    ],
)
def test_phrase_matches_whatever_case_spacing_and_punctuation(rule, text):
    assert [m for _, m in found([rule(phrases=["guaranteed returns"])], text)] != []


@pytest.mark.parametrize("text", ["pinned the note", "spin", "pins", "opinion"])
def test_phrase_matches_whole_words_only(rule, text):
    assert found([rule(phrases=["pin"])], text) == []


def test_matched_text_is_the_original_text(rule):
    assert found([rule(phrases=["can't lose"])], "You CAN’T  lose!") == [("r1", "CAN’T  lose")]


def test_near_counts_words_between_and_extends_the_match(rule):
    rules = [rule(phrases=["guarantee"], near={"terms": ["returns"], "within": 2})]
    assert found(rules, "I guarantee you big returns") == [("r1", "guarantee you big returns")]
    assert found(rules, "I guarantee you really big returns") == []
    assert found(rules, "returns, I guarantee") == [("r1", "returns, I guarantee")]


def test_exclude_cancels_a_hit_within_its_window(rule):
    rules = [rule(phrases=["guarantee"], exclude=["can't", "no"], exclude_within=1)]
    assert found(rules, "I can't guarantee that") == []
    assert found(rules, "no, you see, I guarantee it") == [("r1", "guarantee")]
    assert found(rules, "There is no guarantee") == []


def test_multi_word_terms_and_phrases_shared_by_rules(rule):
    rules = [
        rule("a", phrases=["password"], near={"terms": ["send me"], "within": 2}),
        rule("b", phrases=["password"], exclude=["never share"], exclude_within=3),
    ]
    assert found(rules, "send me your password") == [
        ("a", "send me your password"),
        ("b", "password"),
    ]
    assert found(rules, "never share your password") == []


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("straße", "Treffen in der STRASSE heute"),
        ("ﬁnance", "the finance team"),
        ("Ｗｈａｔｓａｐｐ", "whatsapp me"),
        ("内幕消息", "他说这是内幕消息，快买"),
        ("インサイダー", "これはインサイダー情報です"),
        ("информация", "Это инсайдерская ИНФОРМАЦИЯ"),
        ("معلومات داخلية", "لدي معلومات داخلية عن الصفقة"),
    ],
)
def test_any_script_and_unicode_case_folding(rule, phrase, text):
    assert found([rule(phrases=[phrase])], text) != []


def test_repeated_phrase_is_found_at_each_place(rule):
    assert found([rule(phrases=["refund"])], "refund? REFUND! refund.") == [
        ("r1", "refund"),
        ("r1", "REFUND"),
        ("r1", "refund"),
    ]


def test_longer_phrase_of_the_same_rule_hides_the_shorter_inside_it(rule):
    rules = [rule(phrases=["risk", "risk free"])]
    assert found(rules, "totally risk free") == [("r1", "risk free")]
