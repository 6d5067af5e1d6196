"""Settings of a simulated Zoom account and the fixed facts it is built on."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

__all__ = ["BASE_DATE", "PLANS", "SimulatorConfig"]

# Every archive of a simulated account lies in the 14 days before this instant.
BASE_DATE = datetime(2026, 10, 15, tzinfo=UTC)

PLANS = ("free", "pro", "business", "unlimited")


class SimulatorConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to build and serve one simulated Zoom account.

    ``seed`` fixes the account (same seed, same account); ``meetings`` is the number of
    top-level meetings and webinars (breakout rooms come on top); ``plan`` sizes the rate
    limits (``unlimited`` turns them off); ``faults`` are fault switches (see
    :mod:`.faults`); ``granted_scopes`` ``None`` grants every scope the integration can ask
    for. ``media_size`` forces the size of every MP4 file (benchmarks); ``unknown_types``
    adds files of types newer than the documented enums; ``download_redirect`` makes
    downloads answer with a 302 to a pre-signed second path; ``invalidate_previous_on_mint``
    revokes earlier tokens whenever a new one is minted; ``json_chat`` / ``txt_chat`` choose
    which chat formats the account archives. ``base_date`` (ISO UTC) moves the account's
    fortnight of archives to end there instead of at :data:`BASE_DATE`.
    ``heavy_daily_cap`` replaces the plan's daily cap of Heavy calls (tests of that cap).
    """

    seed: int = 7
    meetings: int = 20
    plan: str = "business"
    faults: list[str] = msgspec.field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    token_ttl: int = 3600
    granted_scopes: list[str] | None = None
    media_size: int | None = None
    unknown_types: bool = False
    download_redirect: bool = False
    invalidate_previous_on_mint: bool = False
    json_chat: bool = True
    txt_chat: bool = True
    account_id: str = "sim-account-7Hq2"
    client_id: str = "simClientId01"
    client_secret: str = "sim-client-secret-do-not-use"
    webhook_secret: str = "sim-webhook-secret-token"
    base_date: str | None = None
    heavy_daily_cap: int | None = None

    def __post_init__(self) -> None:
        if self.plan not in PLANS:
            raise ValueError(f"plan must be one of {', '.join(PLANS)}, not {self.plan!r}")
        if self.meetings < 0:
            raise ValueError("meetings must be >= 0")
        if self.heavy_daily_cap is not None and self.heavy_daily_cap < 0:
            raise ValueError("heavy_daily_cap must be >= 0")
        self.base()

    def base(self) -> datetime:
        """The instant the account's archives lie before."""
        if self.base_date is None:
            return BASE_DATE
        try:
            moment = datetime.fromisoformat(self.base_date.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"base_date {self.base_date!r} is not an ISO date-time") from None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).replace(microsecond=0)
