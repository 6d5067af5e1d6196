"""Hostile bodies: a gzip bomb and bodies that trickle a few bytes per second, forever.

Both are streamed from constant memory: the bomb repeats one precomputed deflate block (a
full flush resets the compressor, so every block of spaces compresses to the same bytes);
a trickle sleeps between tiny chunks until the client gives up or the simulator stops.
"""

from __future__ import annotations

import functools
import struct
import threading
import time
import zlib
from collections.abc import Iterator

from ecomms_zoom_simulator.http import Response

__all__ = ["gzip_bomb", "trickle"]

_BLOCK = 1 << 20  # uncompressed bytes per repeated deflate block
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"  # deflate, no name, mtime 0, Unix


@functools.lru_cache(maxsize=4)
def _pieces(prefix: bytes, suffix: bytes) -> tuple[bytes, bytes, bytes]:
    """Deflate (raw) of ``prefix``, of one block of spaces, and of ``suffix`` plus the end."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(b" " * _BLOCK) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.compress(suffix) + deflate.flush(zlib.Z_FINISH)
    return head, block, tail


def gzip_bomb(prefix: bytes, suffix: bytes, gib: float) -> Response:
    """A 200 ``Content-Encoding: gzip`` answer that inflates to ``prefix``, ``gib`` GiB of
    spaces and ``suffix`` — valid JSON when those are the two ends of a JSON value."""
    head, block, tail = _pieces(prefix, suffix)
    blocks = max(1, int(gib * 1024))
    length = len(_GZIP_HEADER) + len(head) + blocks * len(block) + len(tail) + 8

    def body() -> Iterator[bytes]:
        yield _GZIP_HEADER + head
        for _ in range(blocks):
            yield block
        crc = zlib.crc32(prefix)
        spaces = b" " * _BLOCK
        for _ in range(blocks):  # only reached by a client that inflates it all
            crc = zlib.crc32(spaces, crc)
        crc = zlib.crc32(suffix, crc)
        size = len(prefix) + blocks * _BLOCK + len(suffix)
        yield tail + struct.pack("<II", crc, size & 0xFFFFFFFF)

    headers = {"Content-Type": "application/json;charset=UTF-8", "Content-Encoding": "gzip"}
    return Response(200, body(), headers, length)


def trickle(
    chunks: Iterator[bytes], per_second: int, stop: threading.Event, forever: bytes = b""
) -> Iterator[bytes]:
    """``chunks`` re-cut to ``per_second`` bytes a second (four slices a second), then
    ``forever`` repeated the same way until ``stop`` is set (nothing, if empty)."""
    step = max(1, per_second // 4)
    pending = b""
    source = iter(chunks)
    while not stop.is_set():
        if len(pending) < step:
            more = next(source, None)
            if more is None:
                if not forever:
                    if pending:
                        yield pending
                    return
                more = forever
            pending += more
        piece, pending = pending[:step], pending[step:]
        yield piece
        time.sleep(0.25)
