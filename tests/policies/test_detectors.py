"""Built-in detectors: identifiers are found only when their check digits are right."""

from __future__ import annotations

import pytest

from plugins.policies.scanner import Scanner

DETECTOR_CASES = [
    ("payment_card", "card 4111 1111 1111 1111 exp 09/28", "4111 1111 1111 1111"),
    ("payment_card", "amex 378282246310005.", "378282246310005"),
    ("payment_card", "mc 5555-5555-5555-4444", "5555-5555-5555-4444"),
    ("us_ssn", "ssn 536-22-1234", "536-22-1234"),
    ("us_ssn", "ssn 536 22 1234", "536 22 1234"),
    ("iban", "to GB82 WEST 1234 5698 7654 32 today", "GB82 WEST 1234 5698 7654 32"),
    ("iban", "iban: de89370400440532013000", "de89370400440532013000"),
    ("us_routing", "ABA routing number: 021000021", "021000021"),
    ("swift_bic", "SWIFT code: DEUTDEFF500", "DEUTDEFF500"),
]
NOT_IDENTIFIERS = [
    ("payment_card", "card 4111 1111 1111 1112"),  # Luhn fails
    ("payment_card", "order 1234567812345670"),  # no issuer starts with 1
    ("payment_card", "ref 4111111111111111-2"),  # part of a longer token
    ("us_ssn", "ssn 666-12-3456"),
    ("us_ssn", "ssn 900-12-3456"),
    ("us_ssn", "ssn 123-00-4567"),
    ("us_ssn", "ssn 123-45-0000"),
    ("us_ssn", "ssn 078-05-1120"),  # the famous wallet sample
    ("us_ssn", "mixed 536-22 1234"),
    ("iban", "GB82 WEST 1234 5698 7654 33"),  # mod-97 fails
    ("iban", "GB82WEST123456987654"),  # wrong length for GB
    ("us_routing", "routing 021000022"),  # checksum fails
    ("us_routing", "call 021000021"),  # no label
    ("swift_bic", "BUSINESS DEUTDEFF"),  # no label
    ("swift_bic", "swift: DEUTXXFF"),  # no such country
]


def scan(detector, rule, text):
    scanner = Scanner([rule("d", "builtin", detector=detector, category="pii")])
    return [m.matched for m in scanner.scan(text)]


@pytest.mark.parametrize(("detector", "text", "value"), DETECTOR_CASES)
def test_detector_finds_valid_identifier(rule, detector, text, value):
    assert scan(detector, rule, text) == [value]


@pytest.mark.parametrize(("detector", "text"), NOT_IDENTIFIERS)
def test_detector_ignores_lookalikes(rule, detector, text):
    assert scan(detector, rule, text) == []


def test_detectors_work_in_non_ascii_text(rule):
    assert scan("iban", rule, "Überweisung an DE89 3704 0044 0532 0130 00 — danke") == [
        "DE89 3704 0044 0532 0130 00"
    ]
    assert scan("swift_bic", rule, "Código SWIFT: BNPAFRPP, gracias") == ["BNPAFRPP"]
