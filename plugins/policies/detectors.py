"""Built-in detectors of financial identifiers: a regular expression plus a check digit test.

Each detector finds candidates with one linear regular expression and keeps only those
whose structure validates (Luhn for payment cards, mod-97 for IBANs, the ABA checksum for
routing numbers, the issued ranges for US social security numbers). Routing numbers and
SWIFT/BIC codes are only reported next to a word that names them, because bare nine-digit
numbers and eight-letter capitals are too common otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DETECTORS", "Detector"]


@dataclass(frozen=True)
class Detector:
    """A candidate regex (group ``v`` holds the value) and its check.

    ``valid(candidate)`` returns the identifier found in the candidate (the candidate or a
    prefix of it), or ``None`` when the candidate is not one.
    """

    name: str
    regex: re.Pattern[str]
    valid: Callable[[str], str | None]
    description: str
    gate: re.Pattern[str]  # a cheap search that every candidate text satisfies
    needs_digit: bool = True  # every candidate has a digit (checked once for all detectors)
    anchors: frozenset[str] = frozenset()  # lower-case words one of which every candidate has


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def luhn_ok(number: str) -> bool:
    """True when the digits of ``number`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_CARD_PREFIX = re.compile(
    r"4|5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|6(?:011|5|4[4-9])|35|30[0-5]|36|38"
)


def _card_ok(value: str) -> str | None:
    digits = _digits(value)
    ok = 13 <= len(digits) <= 19 and bool(_CARD_PREFIX.match(digits)) and luhn_ok(digits)
    return value if ok else None


def _ssn_ok(value: str) -> str | None:
    digits = _digits(value)
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area >= "900" or group == "00" or serial == "0000":
        return None
    return None if digits in ("078051120", "219099999", "123456789") else value


IBAN_LENGTHS = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BR": 29,
    "BY": 28,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NL": 18,
    "NO": 15,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "SA": 24,
    "SC": 31,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "ST": 25,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
}


def iban_ok(value: str) -> bool:
    """True when ``value`` (spaces allowed) has its country's length and passes mod-97."""
    iban = value.replace(" ", "").upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban.isascii() or not iban.isalnum():
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _iban_ok(value: str) -> str | None:
    while value:
        if iban_ok(value):
            return value
        value = value.rpartition(" ")[0]
    return None


def _aba_ok(value: str) -> str | None:
    d = [int(c) for c in value]
    prefix = int(value[:2])
    if not (prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80):
        return None
    total = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8]
    return value if total % 10 == 0 else None


def _bic_ok(value: str) -> str | None:
    country = value[4:6]
    return value if country in IBAN_LENGTHS or country in _BIC_EXTRA_COUNTRIES else None


_BIC_EXTRA_COUNTRIES = frozenset(
    {"US", "CA", "MX", "AU", "NZ", "JP", "CN", "HK", "SG", "IN", "KR", "TW", "TH", "MY"}
    | {"ID", "PH", "VN", "ZA", "NG", "KE", "AR", "CL", "CO", "PE", "RU"}
)

DETECTORS: dict[str, Detector] = {
    d.name: d
    for d in (
        Detector(
            "payment_card",
            re.compile(r"(?<![\w-])(?P<v>\d(?:[ -]?\d){12,18})(?![\w-])"),
            _card_ok,
            "payment card number (13-19 digits, known issuer prefix, Luhn check)",
            re.compile(r"\d"),
        ),
        Detector(
            "us_ssn",
            re.compile(r"(?<![\w-])(?P<v>\d{3}([- ])\d{2}\2\d{4})(?![\w-])"),
            _ssn_ok,
            "US social security number (AAA-GG-SSSS, issued ranges only)",
            re.compile(r"\d{3}[- ]\d\d"),
        ),
        Detector(
            "iban",
            re.compile(
                r"(?<!\w)(?P<v>[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}"
                r"|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?))(?!\w)"
            ),
            _iban_ok,
            "international bank account number (country length, mod-97 check)",
            re.compile(r"\d\d"),
        ),
        Detector(
            "us_routing",
            re.compile(r"(?i)\b(?:routing|aba|rtn)\b\D{0,25}?(?<!\d)(?P<v>\d{9})(?!\d)"),
            _aba_ok,
            "US bank routing (ABA) number next to the word routing/ABA/RTN (checksum)",
            re.compile(r"(?i)routing|aba|rtn"),
            anchors=frozenset({"routing", "aba", "rtn"}),
        ),
        Detector(
            "swift_bic",
            re.compile(
                r"(?i:\b(?:swift|bic)\b(?:\W+(?:code|number|no|is|id))*)\W{1,5}"
                r"(?P<v>[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b"
            ),
            _bic_ok,
            "SWIFT/BIC code next to the word SWIFT or BIC (valid country code)",
            re.compile(r"(?i)swift|bic"),
            needs_digit=False,
            anchors=frozenset({"swift", "bic"}),
        ),
    )
}
