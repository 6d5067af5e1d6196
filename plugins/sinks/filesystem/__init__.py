"""The filesystem plugin: the archive of record (write-once blobs, versioned records)."""

from __future__ import annotations

from .sink import FilesystemSink

__all__ = ["FilesystemSink"]
