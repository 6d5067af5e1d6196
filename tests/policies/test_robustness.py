"""Any text in any script, none, or a lot of it: scanning never crashes and stays exact."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from core.records import SummaryRecord
from plugins.policies.scanner import Scanner

RANGES = [
    (0x0000, 0x007F),  # ASCII, controls included
    (0x0080, 0x024F),  # Latin-1 and extended Latin
    (0x0300, 0x036F),  # combining marks
    (0x0370, 0x052F),  # Greek, Cyrillic
    (0x0590, 0x06FF),  # Hebrew, Arabic
    (0x0900, 0x0DFF),  # Indic scripts
    (0x0E00, 0x0E7F),  # Thai
    (0x2000, 0x206F),  # punctuation, zero-width and direction marks
    (0x3040, 0x30FF),  # kana
    (0x4E00, 0x9FFF),  # CJK
    (0xAC00, 0xD7AF),  # Hangul
    (0xD800, 0xDFFF),  # lone surrogates, as broken JSON can deliver
    (0xFB00, 0xFB4F),  # ligatures
    (0xFF00, 0xFFEF),  # full-width forms
    (0x1F300, 0x1FAFF),  # emoji
    (0x20000, 0x2A6DF),  # CJK extension B
]


def random_text(rng: random.Random) -> str:
    chars = []
    for _ in range(rng.randint(0, 80)):
        low, high = rng.choice(RANGES)
        chars.append(chr(rng.randint(low, high)))
        if rng.random() < 0.1:
            chars.append(rng.choice([" guaranteed returns ", " 4111 1111 1111 1111 ", "İ", "ß"]))
    return "".join(chars)


@pytest.fixture(scope="module")
def scanner(request) -> Scanner:
    from plugins.policies.config import PolicyConfig, load_rules
    from plugins.policies.rules import validate_rules

    return Scanner(validate_rules(load_rules(PolicyConfig()), []))


def test_generated_unicode_never_crashes_and_spans_are_exact(scanner):
    rng = random.Random(1729)
    total = 0
    for _ in range(3000):
        text = random_text(rng)
        for match in scanner.scan(text):
            assert text[match.start : match.end] == match.matched
            total += 1
    assert total > 0  # the planted phrases were found among the noise


@pytest.mark.parametrize("text", ["", " ", "\n\t ", "\u200b\u200e", "\x00", "🙂" * 50, "'" * 10])
def test_empty_and_wordless_texts(scanner, text):
    assert scanner.scan(text) == []


def test_huge_text_is_scanned_to_its_end(transformer):
    filler = "The quarterly review covered fixed income and equities. " * 60_000
    record = SummaryRecord(
        id="big",
        source="zoom",
        platform="zoom",
        occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
        text=filler + "Finally: my password is Falcon!2026 and call me on WhatsApp",
    )
    risk = transformer().assess(record)
    assert len(record.text) > 3_000_000
    assert {h.rule for h in risk.hits} == {"fs.credentials.disclosed", "fs.offchannel.app"}


def test_huge_non_ascii_text(transformer):
    text = "Überprüfung der Quartalszahlen. 会议纪要。 " * 40_000 + "内幕消息 guaranteed returns"
    record = SummaryRecord(
        id="big",
        source="zoom",
        platform="zoom",
        occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
        text=text,
    )
    risk = transformer(
        rules=[
            {
                "id": "zh.insider",
                "kind": "lexicon",
                "category": "insider",
                "weight": 0.8,
                "phrases": ["内幕消息"],
            }
        ]
    ).assess(record)
    assert {h.rule for h in risk.hits} == {"zh.insider", "fs.promissory.guarantee"}
