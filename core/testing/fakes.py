"""The fake source and transformer of :mod:`core.testing`, and crash injection for tests."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal

import msgspec

from core.config import Secret
from core.errors import PayloadError, TerminalError
from core.protocols import Context, Failure, Finding, Gap, Known, Receipt, SpooledFile, Unit
from core.records import Artifact, AttributeSpec, ChatRecord, MeetingRecord, Record, record_id
from core.secrets import remember_secret

__all__ = ["FakeSource", "FakeTransformer", "crash_point", "fsync_append", "read_acks"]


_crash_counts: Counter[str] = Counter()
_RETRY_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)  # a retry window that never closes in a test


def crash_point(point: str) -> None:
    """SIGKILL this process when ``ECOMMS_FAKE_CRASH`` names ``point`` and its count is reached."""
    spec = os.environ.get("ECOMMS_FAKE_CRASH", "")
    if not spec:
        return
    name, _, count = spec.partition(":")
    if name != point:
        return
    _crash_counts[point] += 1
    if _crash_counts[point] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def fsync_append(path: Path, lines: Sequence[bytes]) -> None:
    """Append ``lines`` (newline-terminated) to ``path`` and fsync before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as fh:
        for line in lines:
            fh.write(line + b"\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_acks(state_dir: Path, name: str = "fake") -> list[dict[str, Any]]:
    """The acknowledgements a :class:`FakeSource` instance recorded, in order."""
    path = Path(state_dir) / f"fake-{name}-acks.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


class FakeSource:
    """A deterministic source of ``units`` units with ``records`` records each."""

    name: ClassVar[str] = "fake"
    platform: ClassVar[str] = "fake"
    attributes: ClassVar[Sequence[AttributeSpec]] = [
        AttributeSpec(name="FakeUnitKey", type="keyword", description="Key of the fake unit"),
        AttributeSpec(name="FakeIndex", type="integer", description="Position of the record"),
    ]

    class Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
        """Options of the fake source.

        ``fail``: unit key -> transient / terminal / malformed / poison (a lone surrogate in
        its title, which no store can encode), while ``fail_while`` exists;
        ``gaps``: unit key -> capture gaps reported on that unit; ``lookups``: unit key ->
        optional lookups that failed (retryable gaps), filled by ``refill`` once
        ``lookups_while`` no longer exists; ``units_file``: when it
        exists, its integer content replaces ``units`` (a test adds work to a running
        source); ``wake_file``: ``wait_for_work`` returns True (and removes the file) as soon
        as it exists; ``refuse_listing_while``: while that file exists, ``pull`` fails as a
        whole (a vendor refusing the listing) before yielding any unit; ``echo_token``: like
        a careless vendor, every failure and gap text quotes ``token`` and an access token
        minted from it (:meth:`minted_token`, handed to :func:`core.secrets.remember_secret`
        as a real source does).
        """

        units: int = 3
        records: int = 2
        files: int = 0
        file_size: int = 4096
        fail: dict[str, Literal["transient", "terminal", "malformed", "poison"]] = {}
        fail_while: str = ""
        delay: float = 0.0  # seconds spent capturing each unit
        gaps: dict[str, list[str]] = {}
        lookups: dict[str, list[str]] = {}
        lookups_while: str = ""
        units_file: str = ""
        wake_file: str = ""
        refuse_listing_while: str = ""
        token: Secret | None = None  # a capture credential: read-only commands never need it
        echo_token: bool = False

    def __init__(self, config: FakeSource.Config, context: Context) -> None:
        self.config = config
        self.context = context
        self._minted = ""

    def minted_token(self) -> str:
        """The access token this source "minted" from ``token`` (remembered as a secret)."""
        if not self._minted and self.config.token is not None:
            digest = hashlib.sha256(self.config.token.reveal().encode()).hexdigest()
            self._minted = f"fake-access-{digest[:24]}"
            remember_secret(self._minted)
        return self._minted

    def _echo(self) -> str:
        if not self.config.echo_token or self.config.token is None:
            return ""
        return f" (sent token {self.config.token.reveal()}, bearer {self.minted_token()})"

    def check(self) -> list[Finding]:
        """Always reachable."""
        return [Finding(component=self.context.name, check="fake source", ok=True)]

    def pull(self, checkpoint: str | None, known: Known | None = None) -> Iterator[Unit]:
        """Yield the units after ``checkpoint`` (the index of the last settled unit)."""
        refused = self.config.refuse_listing_while
        if refused and Path(refused).exists():
            raise TerminalError(f"listing refused by the fake vendor (HTTP 400){self._echo()}")
        start = int(checkpoint or 0)
        for index in range(start + 1, self._count() + 1):
            time.sleep(self.config.delay)
            yield self._unit(index)
            crash_point("pull")

    def wait_for_work(self, timeout: float) -> bool:
        """True as soon as ``wake_file`` exists (it is removed), else False after ``timeout``."""
        if not self.config.wake_file:
            time.sleep(timeout)
            return False
        wake, deadline = Path(self.config.wake_file), time.monotonic() + timeout
        while not wake.exists():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(0.02, left))
        wake.unlink(missing_ok=True)
        return True

    def _count(self) -> int:
        units_file = Path(self.config.units_file) if self.config.units_file else None
        if units_file is not None and units_file.exists():
            return int(units_file.read_text().strip() or self.config.units)
        return self.config.units

    def recapture(self, unit: Unit) -> Unit:
        """Build the unit again from its key."""
        return self._unit(int(unit.key[1:]))

    def refill(self, unit: Unit) -> Unit:
        """Fill the unit's lookup gaps once ``lookups_while`` is gone: one response part each."""
        due = [g for g in unit.gaps if g.retry_until is not None]
        if not due or self._lookups_fail():
            return unit
        answers = [self._response(unit.key, g.part) for g in due]
        gaps = [g for g in unit.gaps if g.retry_until is None]
        return msgspec.structs.replace(unit, files=[*unit.files, *answers], gaps=gaps)

    def _lookups_fail(self) -> bool:
        return not self.config.lookups_while or Path(self.config.lookups_while).exists()

    def _response(self, key: str, part: str) -> SpooledFile:
        data = json.dumps({"unit": key, "lookup": part}).encode()
        name = hashlib.sha256(part.encode()).hexdigest()[:12]
        path = self.context.spool_dir / f"{key}-{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return SpooledFile(
            file_id=f"response:{name}",
            path=str(path),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            media_type="application/json",
            role="response",
        )

    def acknowledge(self, unit: Unit, receipts: Sequence[Receipt]) -> list[dict[str, Any]]:
        """Record the acknowledgement durably and return it as the action taken."""
        crash_point("acknowledge")
        action = {"action": "ack", "key": unit.key, "sinks": sorted(r.sink for r in receipts)}
        path = self.context.state_dir / f"fake-{self.context.name}-acks.jsonl"
        fsync_append(path, [json.dumps(action).encode()])
        return [action]

    def close(self) -> None:
        """Nothing to release."""

    def _failing(self, key: str) -> str:
        if key not in self.config.fail:
            return ""
        if self.config.fail_while and not Path(self.config.fail_while).exists():
            return ""
        return self.config.fail[key]

    def _unit(self, index: int) -> Unit:
        key = f"u{index:04d}"
        echo = self._echo()
        texts = [f"fake message {index}.{n} about unit {key}" for n in range(self.config.records)]
        unit = Unit(
            source=self.context.name,
            platform=self.platform,
            key=key,
            version="v1",
            title=f"Fake unit {index}",
            payloads={"texts": texts},
            gaps=[
                Gap(part=text, kind="file", reason=f"refused{echo}" if echo else "")
                for text in self.config.gaps.get(key, [])
            ]
            + [
                Gap(part=part, reason="HTTP 503", retry_until=_RETRY_UNTIL)
                for part in self.config.lookups.get(key, [])
                if self._lookups_fail()
            ],
            checkpoint=str(index),
        )
        mode = self._failing(key)
        if mode == "malformed":
            unit.payloads = {"texts": "not a list"}
        elif mode == "poison":
            unit.title += " \udc80"
        elif mode:
            unit.failure = Failure(
                message=f"fake {mode} failure of {key}{echo}",
                transient=mode == "transient",
                where="fake",
            )
            return unit
        unit.files = [self._file(key, n) for n in range(self.config.files)]
        if not self._lookups_fail():
            unit.files += [self._response(key, part) for part in self.config.lookups.get(key, [])]
        return unit

    def _file(self, key: str, n: int) -> SpooledFile:
        data = hashlib.sha256(f"{key}/{n}".encode()).digest() * (self.config.file_size // 32 + 1)
        data = data[: self.config.file_size]
        path = self.context.spool_dir / f"{key}-{n}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return SpooledFile(
            file_id=f"{key}-f{n}",
            path=str(path),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            media_type="application/octet-stream",
            name=path.name,
        )


class FakeTransformer:
    """Turns a fake unit into one meeting record and one chat record per text."""

    name: ClassVar[str] = "fake_transformer"
    stage: ClassVar[Literal["unit", "records"]] = "unit"
    consumes: ClassVar[frozenset[str]] = frozenset({"fake"})
    attributes: ClassVar[Sequence[AttributeSpec]] = []

    class Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
        """No options."""

    def __init__(self, config: FakeTransformer.Config, context: Context) -> None:
        self.config = config

    def transform(self, unit: Unit, records: list[Record]) -> list[Record]:
        """Build the records of ``unit``; a malformed payload raises ``PayloadError``."""
        texts = unit.payloads.get("texts")
        if not isinstance(texts, list):
            raise PayloadError("texts is not a list", unit=unit.key, field="texts")
        occurred = datetime(2026, 11, 2, 10, 0, tzinfo=UTC) + timedelta(minutes=int(unit.key[1:]))
        artifacts = [
            Artifact(
                sha256=f.sha256,
                size=f.size,
                media_type=f.media_type,
                file_id=f.file_id,
                name=f.name,
            )
            for f in unit.files
        ]
        out: list[Record] = [
            MeetingRecord(
                id=record_id(unit.source, unit.key, "meeting"),
                source=unit.source,
                platform=unit.platform,
                occurred_at=occurred,
                title=unit.title,
                text=unit.title,
                artifacts=artifacts,
                attributes={"FakeUnitKey": unit.key, "FakeIndex": 0},
            )
        ]
        for n, text in enumerate(texts, start=1):
            out.append(
                ChatRecord(
                    id=record_id(unit.source, unit.key, str(n)),
                    source=unit.source,
                    platform=unit.platform,
                    occurred_at=occurred,
                    title=unit.title,
                    text=text,
                    attributes={"FakeUnitKey": unit.key, "FakeIndex": n},
                )
            )
        return out
