"""The ``[sinks.s3]`` options and the retention they imply.

Retention is a compliance decision, so it has no default: set ``retention_days`` or
``retention_years`` (exactly one). ``retention_by_kind`` gives some record kinds a longer (or
shorter) period in days; an artifact is kept as long as the longest-kept record of the write
that references it, and manifest segments as long as the longest period configured, so the
list of what the archive holds never expires before what it lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

import msgspec

from core.config import Secret

__all__ = ["MIB", "S3Config"]

MIB = 1 << 20
_MIN_PART_MIB = 5  # S3 refuses smaller parts (all but the last)
_MAX_PARTS = 10_000
_DAYS_PER_YEAR = 365.25


class S3Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Options of the s3 sink.

    ``bucket`` must have Object Lock (and so versioning) enabled. ``prefix`` is put before
    every key this sink writes (one archive per prefix, one writer per prefix).
    ``endpoint_url`` empty means AWS itself; ``region`` empty means the AWS chain's (else
    ``us-east-1``). Credentials: ``access_key_id`` with ``secret_access_key = { env = ... }``
    (and ``session_token``), else ``profile``, else the standard AWS chain (environment,
    shared files, instance role). ``retention_mode`` is ``COMPLIANCE`` (nobody, root included,
    can shorten or remove it) or ``GOVERNANCE`` (for tests: removable with a special
    permission). ``verify_tls`` / ``ca_bundle`` govern TLS; ``multipart_threshold_mib`` and
    ``part_size_mib`` the multipart uploads; ``max_concurrency`` the parallel requests;
    ``max_attempts`` botocore's attempts per request (standard retry mode, with backoff).
    """

    bucket: str
    prefix: str = "ecomms/"
    endpoint_url: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: Secret | None = None
    session_token: Secret | None = None
    profile: str = ""
    retention_mode: Literal["COMPLIANCE", "GOVERNANCE"] = "COMPLIANCE"
    retention_days: float | None = None
    retention_years: float | None = None
    retention_by_kind: dict[str, float] = {}
    verify_tls: bool = True
    ca_bundle: str = ""
    addressing_style: Literal["auto", "path", "virtual"] = "auto"
    multipart_threshold_mib: int = 64
    part_size_mib: int = 16
    max_concurrency: int = 8
    max_attempts: int = 3
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def __post_init__(self) -> None:
        if not self.bucket:
            raise ValueError("bucket: required (a bucket with Object Lock enabled)")
        if (self.retention_days is None) == (self.retention_years is None):
            raise ValueError(
                "set exactly one of retention_days or retention_years: how long every archived"
                " object stays locked (a compliance decision; no default)"
            )
        if self.default_retention() <= timedelta(0):
            raise ValueError("retention_days / retention_years: must be positive")
        for kind, days in self.retention_by_kind.items():
            if days <= 0:
                raise ValueError(f"retention_by_kind.{kind}: must be a positive number of days")
        if self.part_size_mib < _MIN_PART_MIB:
            raise ValueError(f"part_size_mib: at least {_MIN_PART_MIB} (S3's smallest part)")
        if self.multipart_threshold_mib < self.part_size_mib:
            raise ValueError("multipart_threshold_mib: must not be below part_size_mib")
        if self.max_concurrency < 1 or self.max_attempts < 1:
            raise ValueError("max_concurrency and max_attempts: at least 1")
        if self.secret_access_key is not None and not self.access_key_id:
            raise ValueError("access_key_id: required with secret_access_key")
        if self.access_key_id and self.secret_access_key is None:
            raise ValueError(
                'secret_access_key: required with access_key_id (write { env = "VARIABLE" })'
            )
        if self.prefix and not self.prefix.endswith("/"):
            self.prefix += "/"

    @property
    def part_size(self) -> int:
        """Bytes per multipart part."""
        return self.part_size_mib * MIB

    @property
    def multipart_threshold(self) -> int:
        """Artifacts of at least this many bytes are uploaded in parts."""
        return self.multipart_threshold_mib * MIB

    def part_size_for(self, size: int) -> int:
        """The part size for an object of ``size`` bytes (grown to stay within 10,000 parts)."""
        part = self.part_size
        while -(-size // part) > _MAX_PARTS:
            part *= 2
        return part

    def default_retention(self) -> timedelta:
        """The retention period of records of kinds without their own."""
        if self.retention_days is not None:
            return timedelta(days=self.retention_days)
        return timedelta(days=(self.retention_years or 0) * _DAYS_PER_YEAR)

    def retention_for(self, kinds: Iterable[str]) -> timedelta:
        """The longest period of ``kinds`` (the default one when ``kinds`` is empty)."""
        periods = [self._kind_period(kind) for kind in kinds] or [self.default_retention()]
        return max(periods)

    def longest_retention(self) -> timedelta:
        """The longest period configured (manifest segments are kept that long)."""
        return max([self.default_retention(), *map(self._kind_period, self.retention_by_kind)])

    def until(self, period: timedelta, now: datetime | None = None) -> datetime:
        """The retain-until date of an object written ``now`` (whole seconds, rounded up)."""
        start = now or datetime.now(UTC)
        moment = start + period
        if moment.microsecond:
            moment = moment.replace(microsecond=0) + timedelta(seconds=1)
        return moment

    def _kind_period(self, kind: str) -> timedelta:
        days = self.retention_by_kind.get(kind)
        return timedelta(days=days) if days is not None else self.default_retention()
