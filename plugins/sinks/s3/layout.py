"""Where things live in the bucket, under the sink's ``prefix``.

::

    <prefix>blobs/ab/cd/<sha256>                         artifact bytes, named by SHA-256
    <prefix>records/<id[:2]>/<id>/v000001-<sha256>.json  first version of a record
    <prefix>records/<id[:2]>/<id>/v000002-<sha256>.json  the next, when the record changed
    <prefix>manifest/000000000001.jsonl                  manifest segment starting at seq 1

Every key is written once (``If-None-Match: *``): a new record version is a new key, never a
new S3 version of an existing key. A record version's name carries its number, so listing
one record's prefix finds its latest version, and the SHA-256 of its canonical JSON, so the
version the ledger names is found without reading any object.
"""

from __future__ import annotations

import re

__all__ = [
    "BLOBS",
    "MANIFEST",
    "RECORDS",
    "Layout",
    "is_valid_record_id",
    "is_valid_sha256",
]

BLOBS = "blobs/"
RECORDS = "records/"
MANIFEST = "manifest/"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_RECORD_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{1,199}")
_VERSION = re.compile(r"v(\d{6,})-([0-9a-f]{64})\.json")
_SEGMENT = re.compile(r"(\d{12})\.jsonl")


def is_valid_sha256(value: str) -> bool:
    """True for a lowercase hex SHA-256."""
    return _SHA256.fullmatch(value) is not None


def is_valid_record_id(value: str) -> bool:
    """True when a record id is safe inside a key (letters, digits, ``._-``)."""
    return _RECORD_ID.fullmatch(value) is not None


class Layout:
    """Key names under one prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def blob(self, sha256: str) -> str:
        """Key of the artifact whose SHA-256 is ``sha256``."""
        return f"{self.prefix}{BLOBS}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def record_prefix(self, record_id: str) -> str:
        """Prefix of every version of a record."""
        return f"{self.prefix}{RECORDS}{record_id[:2]}/{record_id}/"

    def record_version(self, record_id: str, number: int, sha256: str) -> str:
        """Key of version ``number`` of a record, whose canonical JSON hashes to ``sha256``."""
        return f"{self.record_prefix(record_id)}v{number:06d}-{sha256}.json"

    def segment(self, first_seq: int) -> str:
        """Key of the manifest segment whose first entry is ``first_seq``."""
        return f"{self.prefix}{MANIFEST}{first_seq:012d}.jsonl"

    def area(self, key: str) -> str:
        """``blobs``, ``records``, ``manifest`` or ``""`` (not this sink's) for a key."""
        rest = key[len(self.prefix) :] if key.startswith(self.prefix) else ""
        for name in (BLOBS, RECORDS, MANIFEST):
            if rest.startswith(name):
                return name[:-1]
        return ""

    def parse_version(self, key: str) -> tuple[str, int, str] | None:
        """``(record_id, number, sha256)`` of a record version key, else ``None``."""
        rest = key[len(self.prefix) + len(RECORDS) :]
        parts = rest.split("/")
        if len(parts) != 3 or not key.startswith(self.prefix + RECORDS):
            return None
        match = _VERSION.fullmatch(parts[2])
        if match is None or parts[0] != parts[1][:2]:
            return None
        return parts[1], int(match.group(1)), match.group(2)

    def parse_blob(self, key: str) -> str | None:
        """The SHA-256 a blob key names, else ``None``."""
        rest = key[len(self.prefix) + len(BLOBS) :]
        parts = rest.split("/")
        if not key.startswith(self.prefix + BLOBS) or len(parts) != 3:
            return None
        sha = parts[2]
        if not is_valid_sha256(sha) or parts[0] != sha[:2] or parts[1] != sha[2:4]:
            return None
        return sha

    def parse_segment(self, key: str) -> int | None:
        """The first sequence number of a manifest segment key, else ``None``."""
        if not key.startswith(self.prefix + MANIFEST):
            return None
        match = _SEGMENT.fullmatch(key[len(self.prefix) + len(MANIFEST) :])
        return int(match.group(1)) if match else None
