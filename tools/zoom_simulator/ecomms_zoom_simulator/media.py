"""Media bytes generated as they stream: a file of any size costs one shared block of memory.

A file is a sequence of 1 MiB chunks; chunk ``k`` is the account's shared pseudo-random
block with its first bytes replaced by a container header (chunk 0) or by the file key and
``k`` (other chunks), so every file has distinct, deterministic bytes and any byte range can
be produced directly (HTTP Range requests).
"""

from __future__ import annotations

import hashlib
import struct
import threading
from collections.abc import Iterator

__all__ = ["CHUNK", "Blob", "MediaBlob", "TextBlob", "shared_block"]

CHUNK = 1 << 20

_HEADERS = {
    "MP4": b"\x00\x00\x00\x1cftypisom\x00\x00\x02\x00isomiso2mp41",
    "M4A": b"\x00\x00\x00\x1cftypM4A \x00\x00\x02\x00M4A isomiso2",
}


def shared_block(seed: int) -> bytes:
    """Return the account's 1 MiB pseudo-random block, derived from ``seed``."""
    return hashlib.shake_256(f"zoom-sim-media-{seed}".encode()).digest(CHUNK)


class Blob:
    """Bytes of one archive file: size, lazily computed SHA-256, and ranged streaming."""

    size: int

    def __init__(self) -> None:
        self._sha: str | None = None
        self._lock = threading.Lock()

    def iter_range(self, start: int, end: int) -> Iterator[bytes]:
        """Yield the bytes ``[start, end)`` in chunks."""
        raise NotImplementedError

    def sha256(self) -> str:
        """Return the hex SHA-256 of the whole file (computed once, then cached)."""
        with self._lock:
            if self._sha is None:
                digest = hashlib.sha256()
                for piece in self.iter_range(0, self.size):
                    digest.update(piece)
                self._sha = digest.hexdigest()
            return self._sha


class TextBlob(Blob):
    """A small file held in memory (chat, captions, JSON)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data
        self.size = len(data)

    def iter_range(self, start: int, end: int) -> Iterator[bytes]:
        """Yield the requested slice, in chunks of at most 1 MiB."""
        for offset in range(start, end, CHUNK):
            yield self.data[offset : min(end, offset + CHUNK)]


class MediaBlob(Blob):
    """A generated audio or video file of ``size`` bytes, keyed by ``key``."""

    def __init__(self, block: bytes, key: str, size: int, file_type: str) -> None:
        super().__init__()
        self.block = block
        self.size = size
        self.key = hashlib.blake2b(key.encode(), digest_size=8).digest()
        self.header = _HEADERS.get(file_type, b"ZSIM")

    def _slice(self, index: int, offset: int, stop: int) -> bytes:
        """Bytes ``[offset, stop)`` of chunk ``index``, building only those."""
        prefix = self.header + self.key if index == 0 else self.key + struct.pack(">Q", index)
        cut = len(prefix)
        return prefix[offset:stop] + self.block[max(offset, cut) : max(stop, cut)]

    def iter_range(self, start: int, end: int) -> Iterator[bytes]:
        """Yield bytes ``[start, end)``, generating each 1 MiB chunk as it is needed."""
        end = min(end, self.size)
        pos = start
        while pos < end:
            index, offset = divmod(pos, CHUNK)
            take = min(CHUNK - offset, end - pos)
            yield self._slice(index, offset, offset + take)
            pos += take
