"""The s3 sink: the WORM archive of record on S3 Object Lock.

Artifacts are stored once, content-addressed by SHA-256; records as canonical JSON, one
object per version; every object with an explicit retention and its SHA-256, written once,
its lock read back, and listed in the locked, hash-chained manifest before a receipt is
returned (see :mod:`.store`). Layout: :mod:`.layout`; verification: :mod:`.verify`.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from core.errors import EcommsError, RecordRejected
from core.protocols import Context, Expected, Finding, Receipt
from core.records import Record

from .bucket import Bucket
from .checks import bucket_findings, ensure_object_lock
from .config import S3Config
from .journal import Journal
from .manifest import ManifestWriter
from .objects import now
from .plan import rejections
from .reading import fetch_artifact, iter_latest, read_latest, read_versions
from .store import WriteJob
from .upload import abort_stale_uploads
from .verify import verify_bucket

__all__ = ["S3Sink"]


class S3Sink:
    """Archive of record in an S3 bucket with Object Lock (compliance-mode retention)."""

    name: ClassVar[str] = "s3"
    #: Artifact bytes are kept (content-addressed); receipts list every artifact held.
    stores_artifacts: ClassVar[bool] = True
    Config: ClassVar[type[S3Config]] = S3Config

    def __init__(self, config: S3Config, context: Context) -> None:
        self.config = config
        self.context = context
        self.bucket = Bucket(config, context.name)
        where = f"{config.endpoint_url}|{config.bucket}|{config.prefix}".encode()
        local = (
            context.state_dir / "s3" / f"{context.name}-{hashlib.sha256(where).hexdigest()[:12]}"
        )
        self.journal = Journal(local / "pending.keys")
        self.manifest = ManifestWriter(self.bucket, local)
        self._started = now()
        self._ready = False
        self._writing = threading.Lock()

    # --- protocol -------------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Bucket exists, Object Lock and versioning on, put/get/retention permitted."""
        return bucket_findings(self.bucket)

    def write(self, records: Sequence[Record], artifacts: Mapping[str, Path]) -> Receipt:
        """Store every artifact and record version, locked and listed; a replay adds nothing."""
        reasons = rejections(records, artifacts)
        if reasons:
            raise RecordRejected(
                "the archive refused records: "
                + "; ".join(f"{k}: {v}" for k, v in reasons.items()),
                reasons=reasons,
                sink=self.context.name,
            )
        with self._writing:
            try:
                self._prepare()
                return WriteJob(self.bucket, self.manifest, self.journal, records, artifacts).run()
            except EcommsError:
                raise
            except Exception as exc:
                raise self.bucket.fail(exc, "write to the archive") from exc

    def fetch(self, sha256: str, directory: Path) -> Path:
        """Download the artifact into ``directory``, verified against its SHA-256."""
        return fetch_artifact(self.bucket, sha256, directory)

    def records(self, kinds: Collection[str] = ()) -> Iterator[Record]:
        """The latest version of every stored record (of ``kinds``), ascending id order."""
        return iter_latest(self.bucket, kinds)

    def verify(self, expected: Expected | None = None) -> list[Finding]:
        """Check the manifest chain and every object; with ``expected``, the ledger's too."""
        return verify_bucket(self.bucket, self.journal, expected)

    def close(self) -> None:
        """Stop the request pools."""
        self.bucket.close()

    # --- reading --------------------------------------------------------------------------

    def get(self, record_id: str) -> Record | None:
        """The latest version of a record, or ``None``."""
        return read_latest(self.bucket, record_id)

    def versions(self, record_id: str) -> list[Record]:
        """Every stored version of a record, oldest first."""
        return read_versions(self.bucket, record_id)

    # --- internals ------------------------------------------------------------------------

    def _prepare(self) -> None:
        """Once per process: the bucket can lock objects; interrupted uploads are aborted."""
        if self._ready:
            return
        ensure_object_lock(self.bucket)
        try:
            abort_stale_uploads(
                self.bucket.client, self.bucket.name, self.config.prefix, self._started
            )
        except Exception as exc:
            raise self.bucket.fail(exc, "list interrupted uploads") from exc
        self._ready = True
