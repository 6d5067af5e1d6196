"""The one retry delay policy: full jitter, a cap, Retry-After as a bounded floor."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from core.backoff import DEFAULT_RETRY_AFTER_CAP, delay, parse_retry_after

ALMOST_ONE = 1 - 1e-12


def test_the_ceiling_doubles_from_base_up_to_cap() -> None:
    """With the largest jitter draw the delay follows base * 2**attempt, never above cap."""
    top = [delay(a, base=0.5, cap=5.0, rng=lambda: ALMOST_ONE) for a in range(6)]
    assert top == pytest.approx([0.5, 1.0, 2.0, 4.0, 5.0, 5.0])


def test_full_jitter_spans_zero_to_the_ceiling() -> None:
    """Draws cover [0, ceiling]: the smallest draw waits nothing, many draws spread out."""
    assert delay(3, base=1.0, cap=60.0, rng=lambda: 0.0) == 0.0
    rng = random.Random(7).random
    draws = [delay(3, base=1.0, cap=60.0, rng=rng) for _ in range(500)]
    assert all(0.0 <= d <= 8.0 for d in draws)
    assert min(draws) < 1.0 and max(draws) > 7.0


def test_retry_after_is_a_floor() -> None:
    """A server's Retry-After is honoured even when the jittered delay is shorter."""
    assert delay(0, base=0.5, cap=30.0, retry_after=12.0, rng=lambda: 0.0) == 12.0
    # a longer jittered delay is kept
    assert delay(6, base=1.0, cap=30.0, retry_after=2.0, rng=lambda: ALMOST_ONE) == pytest.approx(
        30.0
    )
    # "retry now" and "not said" leave the policy alone
    assert delay(1, base=1.0, cap=30.0, retry_after=0.0, rng=lambda: 0.5) == 1.0
    assert delay(1, base=1.0, cap=30.0, retry_after=None, rng=lambda: 0.5) == 1.0


def test_retry_after_is_capped_separately() -> None:
    """A server asking for a day is not obeyed beyond retry_after_cap."""
    assert delay(0, base=0.1, cap=1.0, retry_after=86_400, rng=lambda: 0.0) == (
        DEFAULT_RETRY_AFTER_CAP
    )
    assert delay(0, base=0.1, cap=1.0, retry_after=90, retry_after_cap=45, rng=lambda: 0) == 45


def test_huge_attempt_numbers_stay_at_the_cap() -> None:
    """A loop that has retried for a very long time neither overflows nor exceeds the cap."""
    assert delay(10_000, base=2.0, cap=300.0, rng=lambda: ALMOST_ONE) == pytest.approx(300.0)


@pytest.mark.parametrize(
    "kwargs", [{"attempt": -1}, {"base": -1.0}, {"cap": -1.0}, {"retry_after_cap": -1.0}]
)
def test_negative_arguments_are_refused(kwargs: dict[str, float]) -> None:
    """A negative number is a programming or config error, not a zero delay."""
    args = {"attempt": 0, "base": 1.0, "cap": 1.0, **kwargs}
    attempt = int(args.pop("attempt"))
    with pytest.raises(ValueError, match="must be >= 0"):
        delay(attempt, **args)


NOW = datetime(2026, 10, 21, 7, 28, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2026 07:00:00 GMT", 0.0),  # in the past: retry now
        ("Wednesday, 21-Oct-26 07:29:00 GMT", 60.0),  # obsolete RFC 850 form
    ],
)
def test_parse_retry_after_reads_seconds_and_http_dates(value: str, seconds: float) -> None:
    """Both standard forms of the header give the seconds to wait."""
    assert parse_retry_after(value, now=NOW) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["", "soon", "-5", "nan", "inf", "2026-10-21T07:28:30Z"])
def test_parse_retry_after_refuses_other_text(value: str) -> None:
    """Anything else is "not said" (None), never a crash or a negative wait."""
    assert parse_retry_after(value, now=NOW) is None
