"""Settings of a simulated Zoom account and the fixed facts it is built on."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

__all__ = [
    "BASE_DATE",
    "FILE_TYPES",
    "PLANS",
    "PROFILE_SETS",
    "SCOPE_SETS",
    "TXT_LAYOUTS",
    "SimulatorConfig",
]

# Every archive of a simulated account lies in the 14 days before this instant.
BASE_DATE = datetime(2026, 10, 15, tzinfo=UTC)

PLANS = ("free", "pro", "business", "unlimited")
# classic: six profiles; realistic: eight, with a one-person meeting and a second external one
PROFILE_SETS = ("classic", "realistic")
TXT_LAYOUTS = ("classic", "mix", "one_line", "two_spaces", "next_line")
# documented: Zoom's current enums only (transcripts are CC / closed_caption files);
# legacy: transcripts as TRANSCRIPT / audio_transcript (an older spec's type; today's default);
# undocumented: legacy plus SUBGROUP_ACTIVITY and CSV files.
FILE_TYPES = ("documented", "legacy", "undocumented")


SCOPE_SETS = ("integration", "classic", "granular")


def _one_of(name: str, value: object, allowed: tuple) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}, not {value!r}")


class SimulatorConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to build and serve one simulated Zoom account (every field: docs/zoom-simulator.md).

    ``seed`` fixes the account (same seed, same account); ``meetings`` is the number of
    top-level meetings and webinars (breakout rooms come on top); ``plan`` sizes the rate
    limits (``unlimited`` turns them off); ``faults`` are fault switches (see
    :mod:`.faults`); ``granted_scopes`` (``None``: the set ``scope_set`` names) are the app's
    scopes. The switches marked "compatible default" below keep today's behaviour until the
    connector handles Zoom's documented one, then their default flips.
    """

    seed: int = 7
    meetings: int = 20
    plan: str = "business"
    faults: list[str] = msgspec.field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    token_ttl: int = 3600
    granted_scopes: list[str] | None = None
    # integration: DESIGN's list; classic / granular: every scope of that form, all operations
    scope_set: str = "integration"
    media_size: int | None = None  # size of every MP4 (benchmarks)
    unknown_types: bool = False  # True is file_types="undocumented"
    file_types: str = "legacy"  # compatible default; Zoom: "documented"
    unknown_endpoint_status: int = 404  # compatible default; Zoom: 400 (code 2300)
    refusals: bool = False  # compatible default; Zoom: True (external/solo/breakout lookups)
    heavy_survey_reports: bool = False  # compatible default (Medium); Zoom: True (Heavy)
    profiles: str = "classic"  # compatible default; Zoom's realities: "realistic"
    txt_layout: str = "classic"  # compatible default; Zoom's realities: "mix" (or one layout)
    small_media: bool = False  # every MP4 and M4A a few KiB (accounts of hundreds of meetings)
    complete_per_minute: float = 0.0  # new meetings complete at this rate while serving
    webhook_url: str | None = None  # where a completing meeting's webhook is sent
    download_redirect: bool = False  # downloads answer 302 to a pre-signed second path
    invalidate_previous_on_mint: bool = False
    json_chat: bool = True
    txt_chat: bool = True
    account_id: str = "sim-account-7Hq2"
    client_id: str = "simClientId01"
    client_secret: str = "sim-client-secret-do-not-use"
    webhook_secret: str = "sim-webhook-secret-token"
    base_date: str | None = None  # ISO UTC end of the account's fortnight (default BASE_DATE)
    heavy_daily_cap: int | None = None  # replaces the plan's daily cap of Heavy calls

    def __post_init__(self) -> None:
        if self.unknown_types:
            self.file_types = "undocumented"
        _one_of("plan", self.plan, PLANS)
        _one_of("file_types", self.file_types, FILE_TYPES)
        _one_of("profiles", self.profiles, PROFILE_SETS)
        _one_of("txt_layout", self.txt_layout, TXT_LAYOUTS)
        if self.complete_per_minute < 0:
            raise ValueError("complete_per_minute must be >= 0")
        _one_of("scope_set", self.scope_set, SCOPE_SETS)
        _one_of("unknown_endpoint_status", self.unknown_endpoint_status, (400, 404))
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
