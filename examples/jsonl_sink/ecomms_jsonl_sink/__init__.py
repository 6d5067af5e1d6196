"""A JSON Lines sink for ecomms, registered through the ``ecomms`` entry-point group."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import msgspec

from core import Context, Finding, Receipt, Record, SinkUnavailable, encode_record, hookimpl

__all__ = ["JsonlSink"]

log = logging.getLogger(__name__)  # the host sets its level: [ecomms] log_level / --log-level


class JsonlSink:
    """Appends each record once (by id) to ``records.jsonl``; stores artifacts by SHA-256."""

    name: ClassVar[str] = "jsonl"
    stores_artifacts: ClassVar[bool] = True  # blobs/<sha256>, listed in every receipt

    class Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
        """``path``: the output directory, relative to the state directory unless absolute."""

        path: str = "jsonl"

    def __init__(self, config: JsonlSink.Config, context: Context) -> None:
        self.context = context
        self.dir = context.state_dir / config.path
        self.file = self.dir / "records.jsonl"
        self._stored: dict[str, bytes] | None = None

    def check(self) -> list[Finding]:
        """The output directory can be created and written."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            ok = os.access(self.dir, os.W_OK)
        except OSError:
            ok = False
        return [
            Finding(
                component=self.context.name,
                check="output directory writable",
                ok=ok,
                detail=str(self.dir),
                action="" if ok else "fix the path or permissions",
            )
        ]

    def _load(self) -> dict[str, bytes]:
        if self._stored is None:
            self._stored = {}
            if self.file.exists():
                for line in self.file.read_bytes().splitlines():
                    if line:
                        self._stored[msgspec.json.decode(line)["id"]] = line
        return self._stored

    def write(self, records: Sequence[Record], artifacts: Mapping[str, Path]) -> Receipt:
        """Store new or changed records and missing artifacts, fsync, then return a receipt."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._store_artifacts(artifacts)
            stored = self._load()
            lines = [encode_record(r) for r in records]
            new = [line for r, line in zip(records, lines, strict=True) if stored.get(r.id) != line]
            with self.file.open("ab") as fh:
                fh.writelines(line + b"\n" for line in new)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise SinkUnavailable(
                f"cannot write {self.dir}: {exc.strerror}", sink=self.context.name
            ) from None
        stored.update((r.id, line) for r, line in zip(records, lines, strict=True))
        log.debug("%s: %d of %d records were new", self.file, len(new), len(records))
        return Receipt(
            sink=self.context.name, record_ids=[r.id for r in records], artifacts=sorted(artifacts)
        )

    def _store_artifacts(self, artifacts: Mapping[str, Path]) -> None:
        blobs = self.dir / "blobs"
        blobs.mkdir(exist_ok=True)
        for sha, source in artifacts.items():
            target = blobs / sha
            if not target.exists():
                tmp = target.with_suffix(".tmp")
                shutil.copyfile(source, tmp)
                with tmp.open("rb") as fh:
                    os.fsync(fh.fileno())
                tmp.replace(target)

    def close(self) -> None:
        """Nothing to release."""


@hookimpl
def ecomms_register_sinks() -> list[type]:
    """Register the JSON Lines sink."""
    return [JsonlSink]
